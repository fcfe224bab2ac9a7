using System.Globalization;
using System.Text;

namespace Aegis.Bench;

/// <summary>What the control suite measured: wall times of the CLI verbs on the generated solution.</summary>
internal sealed record ControlResult(string Solution, int Lines, double SnapshotSeconds, double DriftSeconds, IReadOnlyList<double> StatusSeconds, IReadOnlyList<string> Failures)
{
    public double StatusMedian => StatusSeconds.Count == 0 ? double.NaN : StatusSeconds.Order().ElementAt(StatusSeconds.Count / 2);
}

/// <summary>
/// The control plane through the CLI (docs/cli.md) on the generated solution: <c>aegis snapshot --baseline</c> (after
/// one untimed run: restore, MSBuild evaluation caches), <c>aegis drift --json</c> against that baseline, and
/// <c>aegis status --json</c> (files only, no compilation) five times; the median is the figure for the ≤ 0.5 s goal.
/// </summary>
internal static class ControlPlane
{
    public const double StatusGoalSeconds = 0.5;
    private const int StatusRuns = 5;

    public static ControlResult Run(string root, string outDirectory, string configuration, TimeSpan timeout, string generatedDirectory)
    {
        var cliLog = Path.Combine(outDirectory, "logs", "cli-build-control.log");
        DotnetProcess.RunChecked(root, ["build", Path.Combine(root, "src", "Aegis.Cli", "Aegis.Cli.csproj"), "-c", configuration,
            "-nologo", "-tl:off", "-v:q", "-nodeReuse:false", $"-flp:v=n;logfile={cliLog}"], timeout, cliLog);
        var cli = Path.Combine(root, "artifacts", "bin", "Aegis.Cli", configuration.ToLowerInvariant(), "Aegis.Cli.dll");
        if (!File.Exists(cli))
        {
            throw new BenchException($"Built the CLI but found no {cli}");
        }

        var solution = Directory.EnumerateFiles(generatedDirectory, "*.sln").FirstOrDefault() ?? throw new BenchException("no .sln in " + generatedDirectory);
        var state = Path.Combine(generatedDirectory, ".aegis");
        if (Directory.Exists(state))
        {
            Directory.Delete(state, recursive: true);
        }

        var lines = Directory.EnumerateFiles(generatedDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Sum(f => File.ReadLines(f).Count());
        var failures = new List<string>();
        string[] Verb(params string[] arguments) => [cli, .. arguments, "--repository-root", generatedDirectory];
        var environment = new Dictionary<string, string> { ["CI"] = "true" };

        // Untimed: restore and the first MSBuild evaluation; also leaves a snapshot for the timed one to follow.
        Check("snapshot (warm-up)", DotnetProcess.Run(generatedDirectory, Verb("snapshot", solution, "--json"), timeout, environment), failures);
        var snapshot = DotnetProcess.Run(generatedDirectory, Verb("snapshot", solution, "--baseline", "--json"), timeout, environment);
        Check("snapshot", snapshot, failures);
        var drift = DotnetProcess.Run(generatedDirectory, Verb("drift", solution, "--json"), timeout, environment);
        Check("drift", drift, failures);
        var status = new List<double>();
        for (var run = 0; run < StatusRuns; run++)
        {
            var result = DotnetProcess.Run(generatedDirectory, Verb("status", "--json"), timeout, environment);
            Check("status", result, failures);
            status.Add(result.Elapsed.TotalSeconds);
        }

        return new ControlResult(solution, lines, snapshot.Elapsed.TotalSeconds, drift.Elapsed.TotalSeconds, status, failures);
    }

    private static void Check(string name, ProcessResult result, List<string> failures)
    {
        if (result.ExitCode != 0)
        {
            failures.Add($"{name}: exit code {result.ExitCode}: {DotnetProcess.Tail(result.Output, 3).Trim()}");
        }
    }

    public static string ToText(ControlResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(FormattableString.Invariant($"Control plane on {Path.GetFileName(result.Solution)} ({result.Lines:N0} lines of C#), wall time of the CLI process:"));
        text.AppendLine(FormattableString.Invariant($"  aegis snapshot --baseline   {result.SnapshotSeconds,8:0.00} s"));
        text.AppendLine(FormattableString.Invariant($"  aegis drift --json          {result.DriftSeconds,8:0.00} s"));
        text.AppendLine(FormattableString.Invariant($"  aegis status --json         {result.StatusMedian,8:0.00} s  (median of {result.StatusSeconds.Count}: {string.Join(", ", result.StatusSeconds.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))})"));
        foreach (var failure in result.Failures)
        {
            text.AppendLine("  FAILED " + failure);
        }

        text.Append(FormattableString.Invariant($"GOAL {(result.Failures.Count == 0 && result.StatusMedian <= StatusGoalSeconds ? "met" : "missed")}: aegis status ≤ {StatusGoalSeconds:0.0} s (median {result.StatusMedian:0.00} s)"));
        return text.ToString();
    }
}
