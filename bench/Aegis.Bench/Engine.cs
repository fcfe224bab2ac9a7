using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aegis.Bench;

/// <summary>One timed engine (or reference) command.</summary>
/// <remarks><see cref="InputsSeconds"/>: the engine's own "inputs" phase (AEGIS_TRACE), the MSBuild evaluation that `verify`
/// needs and the build target does not (it hands the engine the compiler's inputs).
/// <see cref="SandboxPhases"/>: the repository sandbox's own phases (copy or sync, build, tests), from its trace lines.</remarks>
internal sealed record EngineTiming(string Name, string Command, double Seconds, int ExitCode, string? Status, double? InputsSeconds = null, double? SandboxSeconds = null, SandboxPhases? SandboxPhases = null);

/// <summary>The repository sandbox's phases, seconds each: its copy (fresh) or sync (kept copy), its build, its tests.</summary>
internal sealed record SandboxPhases(double Copy, double Build, double Tests, string? Copied);

/// <summary>What the engine suite measured.</summary>
internal sealed record EngineResult(IReadOnlyList<EngineTiming> Timings)
{
    public double? Seconds(string name) => Timings.FirstOrDefault(t => t.Name == name && t.ExitCode is 0 or 1)?.Seconds;
}

/// <summary>
/// The Risk Card engine through its CLI (docs/cli.md): <c>aegis verify &lt;sln&gt; --sandbox file --json</c> on the sample
/// (and optionally the generated solution), and <c>--sandbox repository</c> on a copy of the sample in its own git
/// repository against that copy's own <c>dotnet build</c> + <c>dotnet test</c>. Each command runs once untimed first (restore, first-run caches).
/// Exit code 1 (gate failed: the sample has findings on purpose) counts as a completed run.
/// </summary>
internal static class Engine
{
    public static EngineResult Run(string root, string outDirectory, string configuration, TimeSpan timeout, string? generatedSolution)
    {
        var logs = Path.Combine(outDirectory, "logs");
        var cliLog = Path.Combine(logs, "cli-build.log");
        DotnetProcess.RunChecked(root, ["build", Path.Combine(root, "src", "Aegis.Cli", "Aegis.Cli.csproj"), "-c", configuration,
            "-nologo", "-tl:off", "-v:q", "-nodeReuse:false", $"-flp:v=n;logfile={cliLog}"], timeout, cliLog);
        var cli = Path.Combine(root, "artifacts", "bin", "Aegis.Cli", configuration.ToLowerInvariant(), "Aegis.Cli.dll");
        if (!File.Exists(cli))
        {
            throw new BenchException($"Built the CLI but found no {cli}");
        }

        var sample = Path.Combine(root, "samples", "Aegis.Sample.sln");
        var timings = new List<EngineTiming>();
        var samplesDirectory = Path.Combine(root, "samples");

        // File mode: scan + the file sandbox (parse, patch and rescan each proposed change).
        timings.Add(Verify("sample file mode", cli, sample, "file", Path.Combine(outDirectory, "engine", "sample-file"), samplesDirectory, timeout, warm: true));
        if (generatedSolution is not null)
        {
            timings.Add(Verify("generated file mode", cli, generatedSolution, "file", Path.Combine(outDirectory, "engine", "generated-file"),
                Path.GetDirectoryName(generatedSolution)!, timeout, warm: false));
        }

        // Repository mode copies the whole git repository and tests every test project in it, so it is measured on
        // the sample alone: a copy in its own git repository (the analyzers as analyzer references to the DLLs just
        // built), against that copy's own build + test, as a developer or CI runs them (full rebuild, then the tests).
        var repository = SampleRepository(root, outDirectory, configuration, timeout);
        var copy = Path.Combine(repository, "Aegis.Sample.sln");
        DotnetProcess.RunChecked(repository, ["restore", copy, "-nologo", "-tl:off", "-v:q"], timeout);
        var build = DotnetProcess.Run(repository, ["build", copy, "-c", "Debug", "--no-restore", "--no-incremental", "-nologo", "-tl:off", "-v:q", "-nodeReuse:false"], timeout);
        timings.Add(new EngineTiming("sample build", "dotnet build Aegis.Sample.sln --no-incremental (the sample in its own repository)", build.Elapsed.TotalSeconds, build.ExitCode, null));
        var test = DotnetProcess.Run(repository, ["test", copy, "-c", "Debug", "--no-build", "-nologo", "-tl:off", "-v:q"], timeout);
        timings.Add(new EngineTiming("sample test", "dotnet test Aegis.Sample.sln --no-build (the sample in its own repository)", test.Elapsed.TotalSeconds, test.ExitCode, null));

        // The first verification makes the kept copy (a full copy and build, as a fresh copy); an earlier bench's is removed first.
        DotnetProcess.RunChecked(repository, [cli, "sandbox", "clean", "--repository-root", repository], timeout);
        timings.Add(Verify("sample repository mode", cli, copy, "repository", Path.Combine(outDirectory, "engine", "sample-repository"), repository, timeout, warm: false));

        // The second, after an edit in one source file (a developer's next verification): the kept copy is synced and
        // built incrementally. Against the same reference, and against the sample's own incremental build after that edit.
        var edited = Path.Combine(repository, "Aegis.Sample", "Program.cs");
        File.AppendAllText(edited, "\n// bench: an edit between two verifications\n");
        var incremental = DotnetProcess.Run(repository, ["build", copy, "-c", "Debug", "--no-restore", "-nologo", "-tl:off", "-v:q", "-nodeReuse:false"], timeout);
        timings.Add(new EngineTiming("sample build after edit", "dotnet build Aegis.Sample.sln (incremental, after the edit)", incremental.Elapsed.TotalSeconds, incremental.ExitCode, null));
        timings.Add(Verify("sample repository mode, kept copy", cli, copy, "repository", Path.Combine(outDirectory, "engine", "sample-repository-kept"), repository, timeout, warm: false));
        DotnetProcess.Run(repository, [cli, "sandbox", "clean", "--repository-root", repository], timeout);
        return new EngineResult(timings);
    }

    /// <summary>
    /// samples/ copied (no bin, obj, databases) into its own git repository under the bench's folder, the analyzer
    /// project references replaced by analyzer references to the built DLLs.
    /// </summary>
    private static string SampleRepository(string root, string outDirectory, string configuration, TimeSpan timeout)
    {
        var c = configuration.ToLowerInvariant();
        var analyzers = new[] { "Aegis.Analyzers", "Aegis.Analyzers.CodeFixes" }
            .Select(name => Path.Combine(root, "artifacts", "bin", name, c, name + ".dll"))
            .ToList();
        // The CLI just built references both, so they are built in the same configuration already.
        if (analyzers.FirstOrDefault(a => !File.Exists(a)) is { } missing)
        {
            throw new BenchException($"Built the CLI but found no {missing}");
        }

        var repository = Path.Combine(outDirectory, "engine", "sample-repo");
        if (Directory.Exists(repository))
        {
            Directory.Delete(repository, recursive: true);
        }

        var samples = Path.Combine(root, "samples");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(samples, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                || relative.Contains("TestResults/", StringComparison.Ordinal) || relative.EndsWith(".db", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(repository, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var project = Path.Combine(repository, "Aegis.Sample", "Aegis.Sample.csproj");
        var text = File.ReadAllText(project);
        var start = text.IndexOf("<ItemGroup Condition=\"'$(AegisPackageVersion)' == ''\">", StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf("</ItemGroup>", start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new BenchException($"The sample's analyzer project references were not found in {project}");
        }

        var references = string.Concat(analyzers.Select(a => $"\n    <Analyzer Include=\"{a}\" />"));
        File.WriteAllText(project, text[..start] + "<ItemGroup>" + references + "\n  " + text[end..]);
        File.WriteAllText(Path.Combine(repository, ".gitignore"), "bin/\nobj/\n*.db\nTestResults/\n.aegis-test-results/\n");
        foreach (var git in new[] { "init -q -b main .", "add -A", "-c user.name=bench -c user.email=bench@aegis.invalid -c commit.gpgsign=false commit -qm sample" })
        {
            Git(repository, git, timeout);
        }

        return repository;
    }

    private static void Git(string directory, string arguments, TimeSpan timeout)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new BenchException("git did not start");
        if (!process.WaitForExit((int)timeout.TotalMilliseconds) || process.ExitCode != 0)
        {
            throw new BenchException($"git {arguments} failed in {directory}: {process.StandardError.ReadToEnd()}");
        }
    }

    private static EngineTiming Verify(string name, string cli, string target, string sandbox, string output, string workingDirectory, TimeSpan timeout, bool warm)
    {
        Directory.CreateDirectory(output);
        string[] arguments = [cli, "verify", target, "--sandbox", sandbox, "--json", "--output", output];
        if (warm)
        {
            DotnetProcess.Run(workingDirectory, arguments, timeout);
        }

        var result = DotnetProcess.Run(workingDirectory, arguments, timeout, new Dictionary<string, string> { ["AEGIS_TRACE"] = "1" });
        var command = $"dotnet artifacts/bin/Aegis.Cli/<c>/Aegis.Cli.dll verify {Path.GetFileName(target)} --sandbox {sandbox} --json";
        var phases = TraceSeconds(result.Output, "sandbox-build") is { } built
            ? new SandboxPhases(TraceSeconds(result.Output, "sandbox-copy") ?? 0, built, TraceSeconds(result.Output, "sandbox-tests") ?? 0, CopyLine(output))
            : null;
        return new EngineTiming(name, command, result.Elapsed.TotalSeconds, result.ExitCode, Status(result.Output), TraceSeconds(result.Output, "inputs"), TraceSeconds(result.Output, "sandbox"), phases);
    }

    /// <summary>What the sandbox said of its copy ("fresh copy: …" or "kept copy: …"), from the stdout tail of the card in <paramref name="output"/>.</summary>
    private static string? CopyLine(string output)
    {
        foreach (var card in Directory.EnumerateFiles(output, "risk-card.json", SearchOption.AllDirectories))
        {
            var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(card), "aegis: sandbox ((?:fresh|kept) copy[^\"\n]*)");
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }

        return null;
    }

    /// <summary>The sum of the engine's "aegis: trace &lt;phase&gt; N ms" lines, in seconds.</summary>
    private static double? TraceSeconds(string output, string phase)
    {
        double? total = null;
        var prefix = "aegis: trace " + phase + " ";
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(prefix, StringComparison.Ordinal) && trimmed.EndsWith(" ms", StringComparison.Ordinal)
                && double.TryParse(trimmed[prefix.Length..^3], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                total = (total ?? 0) + ms / 1000;
            }
        }

        return total;
    }

    /// <summary>The card's status and risk, read from the card the --json output names; the reason when it failed.</summary>
    private static string? Status(string output)
    {
        // The JSON object is the lines from "{" to "}"; trace and gate lines go around it.
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l == "{");
        var end = lines.FindLastIndex(l => l == "}");
        if (start < 0 || end < start)
        {
            return DotnetProcess.Tail(output, 3).Trim();
        }

        try
        {
            using var document = JsonDocument.Parse(string.Join('\n', lines.Skip(start).Take(end - start + 1)));
            var rootElement = document.RootElement;
            if (rootElement.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
            {
                return error.ToString();
            }

            if (rootElement.TryGetProperty("card", out var path) && path.ValueKind == JsonValueKind.String && File.Exists(path.GetString()))
            {
                using var card = JsonDocument.Parse(File.ReadAllText(path.GetString()!));
                var parts = new List<string>();
                foreach (var key in new[] { "status", "risk_score", "risk_level", "recommendation" })
                {
                    if (card.RootElement.TryGetProperty(key, out var value) && value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                    {
                        parts.Add($"{key}={value}");
                    }
                }

                return string.Join(' ', parts);
            }
        }
        catch (JsonException)
        {
            return "unparsed output";
        }

        return null;
    }

    public static string ToText(EngineResult r)
    {
        var sb = new StringBuilder();
        sb.Append("Engine (Risk Card via the CLI; wall time of one run after an untimed warm-up where noted)\n");
        foreach (var t in r.Timings)
        {
            var inputs = t.InputsSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $" (of which MSBuild evaluation {seconds:0.00} s)") : string.Empty;
            inputs += t.SandboxSeconds is { } sandbox ? string.Create(CultureInfo.InvariantCulture, $" (of which the sandbox {sandbox:0.00} s)") : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"  {t.Name,-34} {t.Seconds,8:0.00} s{inputs}  exit {t.ExitCode}  {t.Status}\n");
            if (t.SandboxPhases is { } phases)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {"",-34} sandbox phases: copy {phases.Copy:0.00} s, build {phases.Build:0.00} s, tests {phases.Tests:0.00} s ({phases.Copied ?? "copy not reported"})\n");
            }
        }

        return sb.ToString();
    }
}
