using System.Globalization;
using System.Runtime.InteropServices;
using Aegis.Bench;
using Aegis.Bench.Generator;

try
{
    var options = BenchOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }

    return Bench.Run(options);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}\n\n{BenchOptions.Usage}");
    return 1;
}
catch (BenchException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or System.Xml.XmlException)
{
    // Expected environmental failures (disk, permissions, a malformed log or props file) exit with 1;
    // anything else is a bug and surfaces with its stack trace.
    Console.Error.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

namespace Aegis.Bench
{
    /// <summary>A project to measure and how to build it.</summary>
    internal sealed record Target(string Name, string ProjectPath, IReadOnlyList<string> ExtraBuildArguments, GeneratedProject? Generated);

    internal static class Bench
    {
        public static int Run(BenchOptions options)
        {
            var root = FindRepositoryRoot();
            var outDirectory = Path.GetFullPath(options.OutDirectory ?? Path.Combine(root, "bench", "out"));
            var logDirectory = Path.Combine(outDirectory, "logs");
            Directory.CreateDirectory(logDirectory);
            var started = System.Diagnostics.Stopwatch.StartNew();

            var machine = Machine.Describe(root, options.Timeout);
            Console.WriteLine($"Machine: {machine.Cores} cores, {machine.Os}, .NET SDK {machine.Sdk}, load average {machine.Load}");

            // The edit-build loop with the packed package: needs none of the generated solution below.
            EditBuildResult? editBuild = null;
            if (options.Suites.Contains("editbuild"))
            {
                Step("editbuild: edit-then-build wall time, card off / on (one-shot) / on (warm server)");
                editBuild = EditBuild.Run(root, outDirectory, options);
                Console.WriteLine(EditBuild.ToText(editBuild));
                if (options.Suites.Count == 1)
                {
                    return 0;
                }
            }

            // 1. The analyzer, built once, outside any timing.
            Step($"Building src/Aegis.Analyzers ({options.Configuration})");
            var analyzerLog = Path.Combine(logDirectory, "analyzer-build.log");
            DotnetProcess.RunChecked(root, ["build", Path.Combine(root, "src", "Aegis.Analyzers", "Aegis.Analyzers.csproj"),
                "-c", options.Configuration, "-nologo", "-tl:off", "-v:q", "-nodeReuse:false",
                $"-flp:v=n;logfile={analyzerLog}"], options.Timeout, analyzerLog);
            var analyzerPath = FindAnalyzer(root, options.Configuration);
            Console.WriteLine($"  analyzer: {analyzerPath}");

            // 2. The generated solution.
            Step($"Generating {options.Lines.ToString("N0", CultureInfo.InvariantCulture)} lines in {options.Projects} project(s) (seed {options.Seed})");
            var generatedDirectory = Path.Combine(outDirectory, "generated");
            var generated = ProjectGenerator.Generate(generatedDirectory, options.Seed, options.Lines, options.Projects, options.FindingRate, analyzerPath, root, options.KeepGenerated);
            Console.WriteLine(FormattableString.Invariant(
                $"  {generated.Lines:N0} lines in {generated.Files} files, {generated.Projects} projects ({generated.Modules} modules) at {generatedDirectory}"));
            foreach (var part in generated.Parts)
            {
                Console.WriteLine(FormattableString.Invariant($"    {part.Name}: {part.Lines:N0} lines, {part.Files} files, {part.Modules} modules"));
            }

            GeneratedProject? small = null;
            if (options.Targets.Contains("small"))
            {
                // Several 1–3k-line projects: where the per-compilation (fixed) costs of an analyzer show.
                var smallLines = options.SmallProjects * BenchOptions.SmallProjectLines;
                Step($"Generating the small-projects target: {options.SmallProjects} libraries of ~{BenchOptions.SmallProjectLines:N0} lines and a host");
                small = ProjectGenerator.Generate(Path.Combine(outDirectory, "small"), options.Seed, smallLines, options.SmallProjects + 1, options.FindingRate, analyzerPath, root, options.KeepGenerated);
                foreach (var part in small.Parts)
                {
                    Console.WriteLine(FormattableString.Invariant($"    {part.Name}: {part.Lines:N0} lines, {part.Files} files, {part.Modules} modules"));
                }
            }

            if (options.GenerateOnly)
            {
                return 0;
            }

            var notes = new List<string>();
            var measurements = new List<Measurement>();
            string? generatedLog = null;
            if (options.Suites.Contains("builds"))
            {
                (measurements, generatedLog) = Builds(root, options, generated, small, logDirectory, notes);
            }

            LatencyResult? latency = null;
            if (options.Suites.Contains("latency"))
            {
                Step("latency: per-document analysis in process");
                var earlier = Path.Combine(logDirectory, "generated-aegis-1.log");
                if (generatedLog is null && options.KeepGenerated && File.Exists(earlier))
                {
                    // --keep-generated: the same seed and size rewrote the same files; the earlier build's command line holds.
                    generatedLog = earlier;
                }

                if (generatedLog is null)
                {
                    // No build ran in this invocation: one untimed build gives the compiler's command line.
                    generatedLog = Path.Combine(logDirectory, "latency-build.log");
                    Restore(generated.ProjectPath, "baseline", options, logDirectory);
                    DotnetProcess.RunChecked(generatedDirectory, ["build", generated.ProjectPath, "-c", options.Configuration, "--no-restore", "--no-incremental",
                        "-nologo", "-tl:off", "-v:q", "-nodeReuse:false", "-p:BenchAnalyzers=baseline", $"-flp:v=detailed;logfile={generatedLog}"],
                        options.Timeout, generatedLog);
                }

                var largest = generated.Parts.OrderByDescending(p => p.Lines).First();
                try
                {
                    latency = Latency.Run(generatedLog, largest.ProjectPath, options.DocumentLines, options.LatencyRuns);
                    Console.WriteLine(Latency.ToText(latency));
                }
                catch (BenchException ex)
                {
                    notes.Add($"latency suite failed: {ex.Message.Split('\n')[0]}");
                    Console.WriteLine($"  {ex.Message}");
                }
            }

            EngineResult? engine = null;
            if (options.Suites.Contains("engine"))
            {
                Step("engine: Risk Card through the CLI");
                try
                {
                    engine = Engine.Run(root, outDirectory, options.Configuration, options.Timeout, options.EngineOnGenerated ? generated.ProjectPath : null);
                    Console.WriteLine(Engine.ToText(engine));
                }
                catch (BenchException ex)
                {
                    // The other suites' figures are still worth printing.
                    notes.Add($"engine suite failed: {ex.Message.Split('\n')[0]}");
                    Console.WriteLine($"  {ex.Message}");
                }
            }

            ControlResult? control = null;
            if (options.Suites.Contains("control"))
            {
                Step("control: snapshot, drift and status through the CLI on the generated solution");
                try
                {
                    control = ControlPlane.Run(root, outDirectory, options.Configuration, options.Timeout, generatedDirectory);
                    Console.WriteLine(ControlPlane.ToText(control));
                }
                catch (BenchException ex)
                {
                    notes.Add($"control suite failed: {ex.Message.Split('\n')[0]}");
                    Console.WriteLine($"  {ex.Message}");
                }
            }

            var report = new BenchReport(machine, options, generated, measurements, notes, latency, engine, small);
            Console.WriteLine();
            foreach (var note in notes.Where(_ => measurements.Count == 0))
            {
                Console.WriteLine($"Note: {note}");
            }

            if (measurements.Count > 0)
            {
                Console.WriteLine(report.ToText());
            }

            if (latency is not null)
            {
                Console.WriteLine(Latency.ToText(latency));
            }

            if (engine is not null)
            {
                Console.WriteLine(Engine.ToText(engine));
            }

            if (editBuild is not null)
            {
                Console.WriteLine(EditBuild.ToText(editBuild));
            }

            if (control is not null)
            {
                Console.WriteLine(ControlPlane.ToText(control));
            }

            Console.WriteLine(Goals.ToText(measurements, latency, engine, options.DocumentLines));
            Console.WriteLine(FormattableString.Invariant($"Bench finished in {started.Elapsed.TotalMinutes:0.0} min; load average now {Machine.LoadAverage()}"));
            if (options.JsonPath is not null)
            {
                var jsonPath = Path.GetFullPath(options.JsonPath);
                File.WriteAllText(jsonPath, report.ToJson());
                Console.WriteLine($"JSON written to {jsonPath}");
            }

            return 0;
        }

        private static void Restore(string project, string configuration, BenchOptions options, string logDirectory)
        {
            var restoreLog = Path.Combine(logDirectory, $"restore-{configuration}.log");
            DotnetProcess.RunChecked(Path.GetDirectoryName(project)!, ["restore", project, "-nologo", "-tl:off", "-v:q",
                $"-p:BenchAnalyzers={configuration}", $"-flp:v=n;logfile={restoreLog}"], options.Timeout, restoreLog);
        }

        private static (List<Measurement> Measurements, string? GeneratedLog) Builds(string root, BenchOptions options, GeneratedProject generated, GeneratedProject? small, string logDirectory, List<string> notes)
        {
            var targets = new List<Target>();
            if (options.Targets.Contains("sample"))
            {
                var sample = Path.Combine(root, "samples", "Aegis.Sample", "Aegis.Sample.csproj");
                if (File.Exists(sample))
                {
                    // The sample references the analyzer project (OutputItemType=Analyzer). Timed builds must not
                    // rebuild that project, and the baseline must drop the analyzer: a targets file injected
                    // after Microsoft.Common.targets removes it unless AegisBench=true.
                    var removeTargets = Path.Combine(AppContext.BaseDirectory, "build", "AegisBench.RemoveAnalyzer.targets");
                    targets.Add(new Target("sample", sample,
                        ["-p:BuildProjectReferences=false", $"-p:CustomAfterMicrosoftCommonTargets={removeTargets}"], null));
                }
                else
                {
                    notes.Add("sample skipped: samples/Aegis.Sample/Aegis.Sample.csproj not found");
                    Console.WriteLine($"  note: {notes[^1]}");
                }
            }

            if (small is not null)
            {
                targets.Add(new Target("small", small.ProjectPath, [], small));
            }

            if (options.Targets.Contains("generated"))
            {
                targets.Add(new Target("generated", generated.ProjectPath, [], generated));
            }

            var measurements = new List<Measurement>();
            string? generatedLog = null;
            foreach (var target in targets)
            {
                // Peers are package references of the generated solution only; the sample measures baseline and aegis.
                var configurations = options.Configurations.Where(c => target.Generated is not null || c is "baseline" or "aegis").ToList();
                var workingDirectory = Path.GetDirectoryName(target.ProjectPath)!;
                if (options.Warmup)
                {
                    Step($"{target.Name}: restore and warm-up build (untimed)");
                    Restore(target.ProjectPath, "aegis", options, logDirectory);
                    var warmupLog = Path.Combine(logDirectory, $"{target.Name}-warmup.log");
                    DotnetProcess.RunChecked(workingDirectory, ["build", target.ProjectPath, "-c", options.Configuration, "--no-restore",
                        "-nologo", "-tl:off", "-v:q", "-nodeReuse:false", "-p:AegisBench=true", "-p:BenchAnalyzers=aegis", $"-flp:v=n;logfile={warmupLog}"],
                        options.Timeout, warmupLog);
                }

                var runs = configurations.ToDictionary(c => c, _ => new List<RunFigures>(), StringComparer.Ordinal);
                for (var run = 1; run <= options.Runs; run++)
                {
                    // Alternate the configurations so drift in machine load hits all alike.
                    foreach (var configuration in configurations)
                    {
                        // Each configuration has its own package set: restore it (untimed) before its build.
                        Restore(target.ProjectPath, configuration, options, logDirectory);
                        Console.Write($"  {target.Name} {configuration} run {run}/{options.Runs} ... ");
                        var figures = Measure(target, Peers.Find(configuration), run, options, logDirectory);
                        runs[configuration].Add(figures);
                        if (target.Name == "generated" && run == 1 && (generatedLog is null || configuration == "aegis"))
                        {
                            generatedLog = figures.Log;
                        }

                        Console.WriteLine(FormattableString.Invariant(
                            $"compile {figures.CompileSeconds:0.00} s, analyzers {figures.AllAnalyzersSeconds:0.000} s, own {figures.OwnSeconds:0.000} s, wall {figures.WallSeconds:0.0} s, load {Machine.LoadAverage()}"));
                    }
                }

                foreach (var configuration in configurations)
                {
                    measurements.Add(Measurement.From(target.Name, configuration, runs[configuration]));
                }
            }

            return (measurements, generatedLog);
        }

        private static RunFigures Measure(Target target, BuildConfiguration configuration, int run, BenchOptions options, string logDirectory)
        {
            var stem = Path.Combine(logDirectory, $"{target.Name}-{configuration.Name}-{run}");
            var log = stem + ".log";
            var sarif = stem + ".sarif";
            File.Delete(sarif);
            foreach (var old in Directory.GetFiles(logDirectory, Path.GetFileName(stem) + "-*.sarif"))
            {
                File.Delete(old);
            }
            var arguments = new List<string>
            {
                "build", target.ProjectPath, "-c", options.Configuration, "--no-restore", "--no-incremental",
                "-nologo", "-tl:off", "-v:q", "-nodeReuse:false",
                "-p:ReportAnalyzer=true", "-p:UseSharedCompilation=false",
                $"-p:AegisBench={(configuration.Name == "aegis" ? "true" : "false")}",
                $"-p:BenchAnalyzers={configuration.Name}",
                target.Generated is null ? $"-p:ErrorLog={sarif}" : $"-p:BenchErrorLogStem={stem}",
                $"-flp:v=detailed;PerformanceSummary;logfile={log}",
            };
            arguments.AddRange(target.ExtraBuildArguments);
            var result = DotnetProcess.RunChecked(Path.GetDirectoryName(target.ProjectPath)!, arguments, options.Timeout, log);
            var figures = BuildLogParser.Parse(log);
            var aegisAnalyzers = figures.Analyzers.Where(a => IsAegis(a.Assembly)).ToList();
            return new RunFigures(
                result.Elapsed.TotalSeconds,
                figures.CompileSeconds,
                figures.TotalAnalyzerSeconds ?? 0,
                figures.AssemblySeconds.Where(a => IsAegis(a.Key)).Sum(a => a.Value),
                figures.AssemblySeconds.Where(a => configuration.Owns(a.Key)).Sum(a => a.Value),
                aegisAnalyzers,
                CountDiagnostics(sarif, stem, logDirectory),
                figures.CompilerVersion,
                log,
                figures.Analyzers.Where(a => Peers.IsCovering(a.Ids)).ToList());
        }

        /// <summary>AEG counts from the run's SARIF log, or summed over its per-project logs (generated solution).</summary>
        private static IReadOnlyDictionary<string, int> CountDiagnostics(string sarif, string stem, string logDirectory)
        {
            var files = File.Exists(sarif) ? [sarif] : Directory.GetFiles(logDirectory, Path.GetFileName(stem) + "-*.sarif").Order(StringComparer.Ordinal).ToArray();
            var total = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (var (id, count) in SarifCounter.Count(file, "AEG"))
                {
                    total[id] = total.GetValueOrDefault(id) + count;
                }
            }

            return total;
        }

        private static bool IsAegis(string assembly) =>
            assembly.Equals("Aegis.Analyzers", StringComparison.Ordinal) || assembly.StartsWith("Aegis.Analyzers.", StringComparison.Ordinal);

        private static void Step(string text) => Console.WriteLine($"== {text}");

        private static string FindRepositoryRoot()
        {
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                {
                    if (File.Exists(Path.Combine(directory.FullName, "Aegis.Analyzers.sln")))
                    {
                        return directory.FullName;
                    }
                }
            }

            throw new BenchException("Cannot find the repository root (Aegis.Analyzers.sln) above the current directory.");
        }

        private static string FindAnalyzer(string root, string configuration)
        {
            // UseArtifactsOutput puts it in artifacts/bin/<project>/<configuration, lower-cased>/.
            var candidates = new[]
            {
                Path.Combine(root, "artifacts", "bin", "Aegis.Analyzers", configuration.ToLowerInvariant(), "Aegis.Analyzers.dll"),
                Path.Combine(root, "src", "Aegis.Analyzers", "bin", configuration, "netstandard2.0", "Aegis.Analyzers.dll"),
            };
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new BenchException($"Built the analyzer but found no Aegis.Analyzers.dll at:\n  {string.Join("\n  ", candidates)}");
        }
    }

    /// <summary>Cores, OS and SDK: the context a reader needs to compare figures.</summary>
    internal sealed record Machine(int Cores, string Os, string Sdk, string Load)
    {
        public static Machine Describe(string root, TimeSpan timeout)
        {
            var sdk = DotnetProcess.Run(root, ["--version"], timeout);
            return new Machine(Environment.ProcessorCount, RuntimeInformation.OSDescription.Trim(),
                sdk.ExitCode == 0 ? sdk.Output.Trim() : "unknown", LoadAverage());
        }

        /// <summary>The 1/5/15-minute load averages (Linux), or "n/a".</summary>
        public static string LoadAverage()
        {
            try
            {
                var parts = File.ReadAllText("/proc/loadavg").Split(' ');
                return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {parts[2]}" : "n/a";
            }
            catch (IOException)
            {
                return "n/a";
            }
            catch (UnauthorizedAccessException)
            {
                return "n/a";
            }
        }
    }
}
