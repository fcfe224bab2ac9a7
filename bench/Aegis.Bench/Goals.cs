using System.Globalization;
using System.Text;

namespace Aegis.Bench;

/// <summary>The performance goals, judged on this run's figures (printed, never asserted).</summary>
internal static class Goals
{
    public const double MaxShareOfCompile = 0.05;
    public const double MinPeerRatio = 5.0;
    public const double MaxDocumentMs = 20.0;
    public const double MaxFileModeSeconds = 2.0;
    public const double MaxRepositoryRatio = 1.2;

    public static string ToText(IReadOnlyList<Measurement> measurements, LatencyResult? latency, EngineResult? engine, int documentLines)
    {
        var sb = new StringBuilder();
        void Goal(bool? met, string text) =>
            sb.Append(met switch { true => "GOAL met    ", false => "GOAL missed ", null => "GOAL n/a    " }).Append(text).Append('\n');

        var aegis = measurements.FirstOrDefault(m => m.Target == "generated" && m.Configuration == "aegis");
        if (aegis is not null)
        {
            Goal(aegis.OwnShareOfCompile <= MaxShareOfCompile, Invariant($"Aegis analyzer time <= 5% of compile time: {aegis.OwnSeconds:0.000} s of {aegis.CompileSeconds:0.00} s = {aegis.OwnShareOfCompile:0.00%} (generated)"));
            // sidebyside is Aegis plus three SDK rules in one build, not a peer: its own time is Aegis's, judged below.
            foreach (var peer in measurements.Where(m => m.Target == "generated" && m.Configuration is not ("baseline" or "aegis" or "sidebyside")))
            {
                var ratio = aegis.OwnSeconds > 0 ? peer.OwnSeconds / aegis.OwnSeconds : double.PositiveInfinity;
                Goal(ratio >= MinPeerRatio, Invariant($"Aegis >= 5x faster than {peer.Configuration}: {peer.OwnSeconds:0.000} s / {aegis.OwnSeconds:0.000} s = {ratio:0.0}x"));
            }
        }
        else
        {
            Goal(null, "build goals: the builds suite did not measure the generated solution with aegis");
        }

        // Aegis's three rules against the NetAnalyzers rules of the same families: in one build (sidebyside) when
        // measured, else the aegis build against the netanalyzers build (AnalysisMode=All) of the same run.
        foreach (var target in new[] { "small", "generated" })
        {
            var same = measurements.FirstOrDefault(m => m.Target == target && m.Configuration == "sidebyside");
            var ours = same ?? measurements.FirstOrDefault(m => m.Target == target && m.Configuration == "aegis");
            var theirs = same ?? measurements.FirstOrDefault(m => m.Target == target && m.Configuration == "netanalyzers");
            if (ours is null || theirs is null || theirs.CoveringRules.Count == 0)
            {
                continue;
            }

            var how = same is not null ? "same build" : "aegis vs netanalyzers build";
            Goal(ours.AegisRulesSeconds < theirs.CoveringSeconds, Invariant($"Aegis's three rules < CA2100+CA3001+CA5390 ({target}, {how}): {ours.AegisRulesSeconds:0.000} s vs {theirs.CoveringSeconds:0.000} s"));
        }

        if (latency is not null && latency.AegisRules.Any())
        {
            var worst = latency.AegisRules.OrderByDescending(r => r.MedianMs).First();
            // The rule's own time, as the IDE's analyzer telemetry and a build's /reportanalyzer count it; the driver's
            // binding of the document (the floor's wall time) is shared with the compiler's own diagnostics.
            Goal(worst.MedianMs <= MaxDocumentMs, Invariant($"per-document latency <= 20 ms on a {latency.DocumentLines:N0}-line document: slowest rule {worst.Ids} {worst.MedianMs:0.0} ms (median of the rule's own time after an edit)"));
        }
        else
        {
            Goal(null, Invariant($"per-document latency on a {documentLines:N0}-line document: latency suite not run"));
        }

        // The build target hands the engine the compiler's inputs; `verify` evaluates the projects with MSBuild first.
        // The goal is judged on the card itself: verify's time without that evaluation.
        var fileTiming = engine?.Timings.FirstOrDefault(t => t.Name == "sample file mode" && t.ExitCode is 0 or 1);
        var file = fileTiming is null ? (double?)null : fileTiming.Seconds - (fileTiming.InputsSeconds ?? 0);
        Goal(file is null ? null : file <= MaxFileModeSeconds, file is null ? "file-mode Risk Card on the sample: not measured" : Invariant($"file-mode Risk Card <= 2 s on the sample: {file:0.00} s (verify {fileTiming!.Seconds:0.00} s less its MSBuild evaluation {fileTiming.InputsSeconds ?? 0:0.00} s)"));
        var repository = engine?.Seconds("sample repository mode");
        var build = engine?.Timings.FirstOrDefault(t => t.Name == "sample build")?.Seconds;
        var test = engine?.Timings.FirstOrDefault(t => t.Name == "sample test")?.Seconds;
        if (repository is not null && build is not null && test is not null)
        {
            var ratio = repository.Value / (build.Value + test.Value);
            Goal(ratio <= MaxRepositoryRatio, Invariant($"repository mode <= 1.2x the sample's build + test: {repository:0.00} s / ({build:0.00} + {test:0.00}) s = {ratio:0.00}x"));
            if (engine!.Timings.FirstOrDefault(t => t.Name == "sample repository mode")?.SandboxSeconds is { } sandbox)
            {
                // The sandbox alone (copy, build, tests), without verify's own analysis and MSBuild evaluation.
                sb.Append(Invariant($"            of which the repository sandbox itself (copy, build, tests): {sandbox:0.00} s / ({build:0.00} + {test:0.00}) s = {sandbox / (build.Value + test.Value):0.00}x")).Append('\n');
            }
        }
        else
        {
            Goal(null, "repository mode vs build + test: not measured");
        }

        // The second verification, after an edit in one source file: the kept copy synced and built incrementally.
        var kept = engine?.Timings.FirstOrDefault(t => t.Name == "sample repository mode, kept copy" && t.ExitCode is 0 or 1);
        if (kept is not null && build is not null && test is not null)
        {
            var reference = build.Value + test.Value;
            Goal(kept.Seconds / reference <= MaxRepositoryRatio, Invariant($"repository mode, second verification (kept copy) <= 1.2x: {kept.Seconds:0.00} s / ({build:0.00} + {test:0.00}) s = {kept.Seconds / reference:0.00}x"));
            if (kept.SandboxPhases is { } phases)
            {
                sb.Append(Invariant($"            of which the sandbox: sync {phases.Copy:0.00} s + build {phases.Build:0.00} s + tests {phases.Tests:0.00} s = {(phases.Copy + phases.Build + phases.Tests) / reference:0.00}x; the sample's own build {build:0.00} s, test {test:0.00} s")).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
