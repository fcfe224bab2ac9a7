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
        public static readonly string[] Configurations = ["baseline", "aegis"];

        public static int Run(BenchOptions options)
        {
            var root = FindRepositoryRoot();
            var outDirectory = Path.GetFullPath(options.OutDirectory ?? Path.Combine(root, "bench", "out"));
            var logDirectory = Path.Combine(outDirectory, "logs");
            Directory.CreateDirectory(logDirectory);

            var machine = Machine.Describe(root, options.Timeout);
            Console.WriteLine($"Machine: {machine.Cores} cores, {machine.Os}, .NET SDK {machine.Sdk}");

            // 1. The analyzer, built once, outside any timing.
            Step($"Building src/Aegis.Analyzers ({options.Configuration})");
            var analyzerLog = Path.Combine(logDirectory, "analyzer-build.log");
            DotnetProcess.RunChecked(root, ["build", Path.Combine(root, "src", "Aegis.Analyzers", "Aegis.Analyzers.csproj"),
                "-c", options.Configuration, "-nologo", "-tl:off", "-v:q", "-nodeReuse:false",
                $"-flp:v=n;logfile={analyzerLog}"], options.Timeout, analyzerLog);
            var analyzerPath = FindAnalyzer(root, options.Configuration);
            Console.WriteLine($"  analyzer: {analyzerPath}");

            // 2. The generated project.
            Step($"Generating {options.Lines.ToString("N0", CultureInfo.InvariantCulture)} lines (seed {options.Seed})");
            var generatedDirectory = Path.Combine(outDirectory, "generated");
            var generated = ProjectGenerator.Generate(generatedDirectory, options.Seed, options.Lines, options.FindingRate, analyzerPath, root);
            Console.WriteLine(FormattableString.Invariant(
                $"  {generated.Lines:N0} lines in {generated.Files} files ({generated.Modules} modules) at {generatedDirectory}"));
            if (options.GenerateOnly)
            {
                return 0;
            }

            var targets = new List<Target>();
            var notes = new List<string>();
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

            if (options.Targets.Contains("generated"))
            {
                targets.Add(new Target("generated", generated.ProjectPath, [], generated));
            }

            // 3. Restore (and one untimed warm-up build) per target, then the timed builds.
            var measurements = new List<Measurement>();
            foreach (var target in targets)
            {
                var workingDirectory = Path.GetDirectoryName(target.ProjectPath)!;
                Step($"{target.Name}: restore and warm-up build (untimed)");
                var restoreLog = Path.Combine(logDirectory, $"{target.Name}-restore.log");
                DotnetProcess.RunChecked(workingDirectory, ["restore", target.ProjectPath, "-nologo", "-tl:off", "-v:q",
                    $"-flp:v=n;logfile={restoreLog}"], options.Timeout, restoreLog);
                var warmupLog = Path.Combine(logDirectory, $"{target.Name}-warmup.log");
                DotnetProcess.RunChecked(workingDirectory, ["build", target.ProjectPath, "-c", options.Configuration, "--no-restore",
                    "-nologo", "-tl:off", "-v:q", "-nodeReuse:false", "-p:AegisBench=true", $"-flp:v=n;logfile={warmupLog}"],
                    options.Timeout, warmupLog);

                var runs = Configurations.ToDictionary(c => c, _ => new List<RunFigures>(), StringComparer.Ordinal);
                for (var run = 1; run <= options.Runs; run++)
                {
                    // Alternate the configurations so drift in machine load hits both alike.
                    foreach (var configuration in Configurations)
                    {
                        Console.Write($"  {target.Name} {configuration} run {run}/{options.Runs} ... ");
                        var figures = Measure(target, configuration, run, options, logDirectory);
                        runs[configuration].Add(figures);
                        Console.WriteLine(FormattableString.Invariant(
                            $"compile {figures.CompileSeconds:0.00} s, analyzers {figures.AllAnalyzersSeconds:0.000} s, aegis {figures.AegisSeconds:0.000} s, wall {figures.WallSeconds:0.0} s"));
                    }
                }

                foreach (var configuration in Configurations)
                {
                    measurements.Add(Measurement.From(target.Name, configuration, runs[configuration]));
                }
            }

            var report = new BenchReport(machine, options, generated, measurements, notes);
            Console.WriteLine();
            Console.WriteLine(report.ToText());
            if (options.JsonPath is not null)
            {
                var jsonPath = Path.GetFullPath(options.JsonPath);
                File.WriteAllText(jsonPath, report.ToJson());
                Console.WriteLine($"JSON written to {jsonPath}");
            }

            return 0;
        }

        private static RunFigures Measure(Target target, string configuration, int run, BenchOptions options, string logDirectory)
        {
            var stem = Path.Combine(logDirectory, $"{target.Name}-{configuration}-{run}");
            var log = stem + ".log";
            var sarif = stem + ".sarif";
            File.Delete(sarif);
            var arguments = new List<string>
            {
                "build", target.ProjectPath, "-c", options.Configuration, "--no-restore", "--no-incremental",
                "-nologo", "-tl:off", "-v:q", "-nodeReuse:false",
                "-p:ReportAnalyzer=true", "-p:UseSharedCompilation=false",
                $"-p:AegisBench={(configuration == "aegis" ? "true" : "false")}",
                $"-p:ErrorLog={sarif}",
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
                aegisAnalyzers,
                SarifCounter.Count(sarif, "AEG"),
                figures.CompilerVersion,
                log);
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
    internal sealed record Machine(int Cores, string Os, string Sdk)
    {
        public static Machine Describe(string root, TimeSpan timeout)
        {
            var sdk = DotnetProcess.Run(root, ["--version"], timeout);
            return new Machine(Environment.ProcessorCount, RuntimeInformation.OSDescription.Trim(),
                sdk.ExitCode == 0 ? sdk.Output.Trim() : "unknown");
        }
    }
}
