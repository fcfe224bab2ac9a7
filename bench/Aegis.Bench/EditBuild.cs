using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aegis.Bench.Generator;

namespace Aegis.Bench;

/// <summary>One target's edit-then-build wall times (medians, seconds) with the Risk Card off, on through the one-shot
/// engine, and on through the warm engine server (already started by an untimed build); and, per mode, the time the
/// build spent in Aegis's own targets (MSBuild's target performance summary): what the build waits for the card, which
/// load on the machine disturbs far less than the wall-time difference of two builds.</summary>
internal sealed record EditBuildFigures(string Target, double CardOff, double OneShot, double Server, int Runs, string Load, double CardTargetsOff = 0, double CardTargetsOneShot = 0, double CardTargetsServer = 0, double ServerAfterBuild = 0, double CardTargetsServerAfterBuild = 0)
{
    public double OneShotAdded => OneShot - CardOff;

    public double ServerAdded => Server - CardOff;
}

internal sealed record EditBuildResult(string Package, IReadOnlyList<EditBuildFigures> Targets);

/// <summary>
/// <c>--suite editbuild</c>: the edit–build loop as a developer lives it, with the packed Aegis.Analyzers from a local
/// feed (as the package tests restore it). Per target (the sample shop in its own git repository; a generated
/// one-project solution of up to 20k lines): one source edited before every build, so each compiles and each card build
/// runs the engine; card off, card on with <c>AegisUseServer=false</c>, card on with the server. Runs interleave the three
/// so load drifts hit all alike; the median of <c>--runs</c> is reported with the load average. The server has its own
/// folder and is stopped at the end.
/// </summary>
internal static class EditBuild
{
    private const int GeneratedLines = 20_000;

    public static EditBuildResult Run(string root, string outDirectory, BenchOptions options)
    {
        var work = Path.Combine(outDirectory, "editbuild");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        Console.WriteLine("  packing Aegis.Analyzers (Release, as it ships)");
        DotnetProcess.RunChecked(root, ["pack", Path.Combine(root, "nuget", "Aegis.Analyzers.Package.csproj"), "-c", "Release", "-nologo", "-tl:off", "-v:q"], options.Timeout);
        var package = Directory.GetFiles(Path.Combine(root, "artifacts", "package", "release"), "Aegis.Analyzers.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).First();
        var version = Path.GetFileNameWithoutExtension(package)["Aegis.Analyzers.".Length..];
        var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
        File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
        var packages = Path.Combine(work, "packages");
        var servers = Path.Combine(work, "srv");

        var targets = new List<EditBuildFigures>();
        try
        {
            if (options.Targets.Contains("sample"))
            {
                var repo = SampleRepository(root, Path.Combine(work, "sample"), version);
                WriteNuGetConfig(repo, feed, packages);
                GitInit(repo);
                targets.Add(Measure("sample", repo, Path.Combine(repo, "Aegis.Sample", "Aegis.Sample.csproj"), Path.Combine(repo, "Aegis.Sample", "Program.cs"), packages, servers, options));
            }

            if (options.Targets.Contains("generated"))
            {
                var repo = Path.Combine(work, "generated");
                var generated = ProjectGenerator.Generate(repo, options.Seed, Math.Min(options.Lines, GeneratedLines), 1, options.FindingRate, "unused", root);
                AddPackageReference(repo, version);
                WriteNuGetConfig(repo, feed, packages);
                GitInit(repo);
                var source = Directory.GetFiles(Path.GetDirectoryName(generated.Parts[0].ProjectPath)!, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
                targets.Add(Measure($"generated ({generated.Lines.ToString("N0", CultureInfo.InvariantCulture)} lines)", repo, generated.Parts[0].ProjectPath, source, packages, servers, options));
            }
        }
        finally
        {
            StopServers(servers);
        }

        return new EditBuildResult(Path.GetFileName(package), targets);
    }

    private static EditBuildFigures Measure(string name, string repo, string project, string editedSource, string packages, string servers, BenchOptions options)
    {
        Console.WriteLine($"  {name}: restore and untimed warm-up builds (card off, then card on with the server, which starts it)");
        var off = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["AEGIS_SERVER_DIR"] = servers, ["AegisUseServer"] = "false", ["CI"] = "" };
        var oneShot = new Dictionary<string, string>(off);
        var server = new Dictionary<string, string>(off) { ["AegisUseServer"] = "true" };
        // The server without the overlap (the card's analysis after Build, as before it started beside the compiler).
        var afterBuild = new Dictionary<string, string>(server) { ["AegisServerPrepare"] = "false" };
        string[] Build(string riskCard) => ["build", project, "-nologo", "-tl:off", "-v:m", "-clp:PerformanceSummary", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:AegisSandbox=file", "-p:AegisFailOn=never", "-p:AegisRiskCard=" + riskCard];
        Timed(repo, Build("false"), off, editedSource, options, expectCard: false);
        Timed(repo, Build("true"), server, editedSource, options, expectCard: true);

        var modes = new[] { ("off", Build("false"), off, false), ("oneshot", Build("true"), oneShot, true), ("afterbuild", Build("true"), afterBuild, true), ("server", Build("true"), server, true) };
        var wall = modes.ToDictionary(m => m.Item1, _ => new List<double>());
        var card = modes.ToDictionary(m => m.Item1, _ => new List<double>());
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var (mode, arguments, environment, expectCard) in modes)
            {
                var (seconds, cardTargets) = Timed(repo, arguments, environment, editedSource, options, expectCard);
                wall[mode].Add(seconds);
                card[mode].Add(cardTargets);
            }

            Console.WriteLine(FormattableString.Invariant($"    run {run}: card off {wall["off"][^1]:0.00} s, card on (one-shot) {wall["oneshot"][^1]:0.00} s (card targets {card["oneshot"][^1]:0.00} s), card on (server, after Build) {wall["afterbuild"][^1]:0.00} s (card targets {card["afterbuild"][^1]:0.00} s), card on (server, overlapping the compiler) {wall["server"][^1]:0.00} s (card targets {card["server"][^1]:0.00} s), load {Machine.LoadAverage()}"));
        }

        return new EditBuildFigures(name, Median(wall["off"]), Median(wall["oneshot"]), Median(wall["server"]), options.Runs, Machine.LoadAverage(), Median(card["off"]), Median(card["oneshot"]), Median(card["server"]), Median(wall["afterbuild"]), Median(card["afterbuild"]));
    }

    /// <summary>
    /// Edits the source (a comment appended: a real recompile), builds, returns the wall seconds and the seconds spent in
    /// Aegis's own targets (the prepare before CoreCompile, the card after Build), from the target performance summary.
    /// </summary>
    private static (double Wall, double CardTargets) Timed(string repo, string[] arguments, Dictionary<string, string> environment, string editedSource, BenchOptions options, bool expectCard)
    {
        File.AppendAllText(editedSource, "// edit " + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture) + "\n");
        var watch = Stopwatch.StartNew();
        var result = DotnetProcess.Run(repo, arguments, options.Timeout, environment);
        var seconds = watch.Elapsed.TotalSeconds;
        if (result.ExitCode != 0 || result.TimedOut || expectCard != result.Output.Contains("Aegis Risk Card: ", StringComparison.Ordinal))
        {
            throw new BenchException($"edit-build failed (exit {result.ExitCode}, card expected: {expectCard}): dotnet {string.Join(' ', arguments)}\n{DotnetProcess.Tail(result.Output, 40)}");
        }

        return (seconds, AegisTargetSeconds(result.Output));
    }

    /// <summary>
    /// The sum of the Aegis targets' own times in MSBuild's "Target Performance Summary" (each target's exclusive time:
    /// <c>   412 ms  _AegisRunEngine   1 calls</c>); the task summary below it is not counted again.
    /// </summary>
    internal static double AegisTargetSeconds(string output)
    {
        var milliseconds = 0.0;
        var inTargets = false;
        foreach (var line in output.Split('\n'))
        {
            if (line.Contains("Target Performance Summary:", StringComparison.Ordinal))
            {
                inTargets = true;
                continue;
            }

            if (line.Contains("Task Performance Summary:", StringComparison.Ordinal))
            {
                inTargets = false;
                continue;
            }

            var match = TargetLine.Match(line);
            if (inTargets && match.Success && (match.Groups["name"].Value.StartsWith("_Aegis", StringComparison.Ordinal) || match.Groups["name"].Value == "AegisRiskCard"))
            {
                milliseconds += double.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture);
            }
        }

        return milliseconds / 1000;
    }

    private static readonly System.Text.RegularExpressions.Regex TargetLine = new(@"^\s*(?<ms>\d+(?:\.\d+)?) ms\s+(?<name>\S+)\s+\d+ calls", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The sample app and its tests, as the package tests copy them, built against the packed package.</summary>
    private static string SampleRepository(string root, string repo, string version)
    {
        var samples = Path.Combine(root, "samples");
        Directory.CreateDirectory(repo);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "Aegis.Sample.sln" })
        {
            File.Copy(Path.Combine(samples, file), Path.Combine(repo, file));
        }

        foreach (var folder in new[] { "Aegis.Sample", "Aegis.Sample.Tests" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(samples, folder), "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(samples, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj") || relative.EndsWith(".db", StringComparison.Ordinal))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(repo, relative))!);
                File.Copy(file, Path.Combine(repo, relative));
            }
        }

        var props = Path.Combine(repo, "Directory.Build.props");
        File.WriteAllText(props, File.ReadAllText(props).Replace("</Project>", $"  <PropertyGroup><AegisPackageVersion>{version}</AegisPackageVersion></PropertyGroup>\n</Project>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(repo, ".gitignore"), "bin/\nobj/\n*.db\nTestResults/\n");
        return repo;
    }

    /// <summary>Every generated project gets the package (central versions, as the generator writes them).</summary>
    private static void AddPackageReference(string root, string version)
    {
        var packages = Path.Combine(root, "Directory.Packages.props");
        var text = File.ReadAllText(packages);
        File.WriteAllText(packages, text.Insert(text.IndexOf("  </ItemGroup>", StringComparison.Ordinal), $"    <PackageVersion Include=\"Aegis.Analyzers\" Version=\"{version}\" />\n"));
        var props = Path.Combine(root, "Directory.Build.props");
        text = File.ReadAllText(props);
        var at = text.IndexOf("    <PackageReference Include=\"Dapper\" />", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new BenchException("the generator's Directory.Build.props changed: no Dapper reference to add the package next to");
        }

        File.WriteAllText(props, text.Insert(at, "    <PackageReference Include=\"Aegis.Analyzers\" />\n"));
    }

    private static void WriteNuGetConfig(string repo, string feed, string packages)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(repo, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources>
                <clear />
                <add key="aegis-local" value="{feed}" />
                <add key="machine-cache" value="{cache}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="aegis-local"><package pattern="Aegis.Analyzers" /></packageSource>
                <packageSource key="machine-cache"><package pattern="*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    private static void GitInit(string repo)
    {
        foreach (var arguments in new[] { "init -q -b main .", "add -A", "-c user.name=bench -c user.email=bench@aegis.invalid -c commit.gpgsign=false commit -qm bench" })
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = repo, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
            git.WaitForExit();
        }
    }

    /// <summary>Kills the servers the bench started (their pid files are in its own folder).</summary>
    private static void StopServers(string servers)
    {
        if (!Directory.Exists(servers))
        {
            return;
        }

        foreach (var pidFile in Directory.GetFiles(servers, "*.pid"))
        {
            if (int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (ArgumentException)
                {
                }
            }
        }
    }

    public static string ToText(EditBuildResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Edit-then-build wall time ({result.Package}, AegisSandbox=file; median; goal: the card adds <= 0.3 s)");
        text.AppendLine("  target                          runs  card off  one-shot (+added)    server (+added)    load");
        foreach (var t in result.Targets)
        {
            text.AppendLine(FormattableString.Invariant($"  {t.Target,-30} {t.Runs,5} {t.CardOff,8:0.00} s {t.OneShot,7:0.00} s (+{t.OneShotAdded:0.00}) {t.Server,7:0.00} s (+{t.ServerAdded:0.00})   {t.Load}"));
        }

        text.AppendLine("  time in Aegis's own targets (what the build waits for the card; the prepare before CoreCompile included)");
        text.AppendLine("  target                          card off  one-shot  server, after Build (wall)  server, overlapping (wall)");
        foreach (var t in result.Targets)
        {
            text.AppendLine(FormattableString.Invariant($"  {t.Target,-30} {t.CardTargetsOff,8:0.00} s {t.CardTargetsOneShot,7:0.00} s {t.CardTargetsServerAfterBuild,9:0.00} s ({t.ServerAfterBuild:0.00} s) {t.CardTargetsServer,15:0.00} s ({t.Server:0.00} s)"));
        }

        foreach (var t in result.Targets)
        {
            // A card build faster than the same build without the card says the load moved more than the card costs.
            var verdict = t.ServerAdded < 0 || t.OneShotAdded < 0 ? "inconclusive (load noise larger than the card)" : t.ServerAdded <= 0.3 ? "met" : "missed";
            text.AppendLine(FormattableString.Invariant($"  goal {verdict} on {t.Target}: the server adds {t.ServerAdded:0.00} s of wall time, {t.CardTargetsServer - t.CardTargetsOff:0.00} s in Aegis's targets (one-shot {t.OneShotAdded:0.00} s, {t.CardTargetsOneShot - t.CardTargetsOff:0.00} s)"));
        }

        return text.ToString();
    }
}
