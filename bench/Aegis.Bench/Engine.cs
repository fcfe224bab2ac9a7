using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aegis.Bench;

/// <summary>One timed engine (or reference) command.</summary>
internal sealed record EngineTiming(string Name, string Command, double Seconds, int ExitCode, string? Status);

/// <summary>What the engine suite measured.</summary>
internal sealed record EngineResult(IReadOnlyList<EngineTiming> Timings)
{
    public double? Seconds(string name) => Timings.FirstOrDefault(t => t.Name == name && t.ExitCode is 0 or 1)?.Seconds;
}

/// <summary>
/// The Risk Card engine through its CLI (docs/cli.md): <c>aegis verify &lt;sln&gt; --sandbox file --json</c> on the sample
/// (and optionally the generated solution), and <c>--sandbox repository</c> against the sample's own
/// <c>dotnet build</c> + <c>dotnet test</c>. Each command runs once untimed first (restore, first-run caches).
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

        // The sample's own build + test, as a developer or CI runs them (full rebuild, then the tests).
        DotnetProcess.RunChecked(samplesDirectory, ["restore", sample, "-nologo", "-tl:off", "-v:q"], timeout);
        var build = DotnetProcess.Run(samplesDirectory, ["build", sample, "-c", "Debug", "--no-restore", "--no-incremental", "-nologo", "-tl:off", "-v:q", "-nodeReuse:false"], timeout);
        timings.Add(new EngineTiming("sample build", "dotnet build samples/Aegis.Sample.sln --no-incremental", build.Elapsed.TotalSeconds, build.ExitCode, null));
        var test = DotnetProcess.Run(samplesDirectory, ["test", sample, "-c", "Debug", "--no-build", "-nologo", "-tl:off", "-v:q"], timeout);
        timings.Add(new EngineTiming("sample test", "dotnet test samples/Aegis.Sample.sln --no-build", test.Elapsed.TotalSeconds, test.ExitCode, null));

        timings.Add(Verify("sample repository mode", cli, sample, "repository", Path.Combine(outDirectory, "engine", "sample-repository"), samplesDirectory, timeout, warm: false));
        return new EngineResult(timings);
    }

    private static EngineTiming Verify(string name, string cli, string target, string sandbox, string output, string workingDirectory, TimeSpan timeout, bool warm)
    {
        Directory.CreateDirectory(output);
        string[] arguments = [cli, "verify", target, "--sandbox", sandbox, "--json", "--output", output];
        if (warm)
        {
            DotnetProcess.Run(workingDirectory, arguments, timeout);
        }

        var result = DotnetProcess.Run(workingDirectory, arguments, timeout);
        var command = $"dotnet artifacts/bin/Aegis.Cli/<c>/Aegis.Cli.dll verify {Path.GetFileName(target)} --sandbox {sandbox} --json";
        return new EngineTiming(name, command, result.Elapsed.TotalSeconds, result.ExitCode, Status(result.Output));
    }

    /// <summary>The card's status and risk from the --json output; the reason when it failed.</summary>
    private static string? Status(string output)
    {
        var start = output.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return DotnetProcess.Tail(output, 3).Trim();
        }

        try
        {
            using var document = JsonDocument.Parse(output[start..]);
            var rootElement = document.RootElement;
            if (rootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return error.ToString();
            }

            if (rootElement.TryGetProperty("risk_card", out var card) && card.ValueKind == JsonValueKind.Object)
            {
                var parts = new List<string>();
                foreach (var key in new[] { "status", "risk", "level", "recommendation" })
                {
                    if (card.TryGetProperty(key, out var value) && value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                    {
                        parts.Add($"{key}={value}");
                    }
                }

                return parts.Count > 0 ? string.Join(' ', parts) : null;
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
            sb.Append(CultureInfo.InvariantCulture, $"  {t.Name,-24} {t.Seconds,8:0.00} s  exit {t.ExitCode}  {t.Status}\n");
        }

        return sb.ToString();
    }
}
