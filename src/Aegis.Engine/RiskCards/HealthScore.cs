using Aegis.Engine.Analysis;
using Aegis.Engine.Snapshots;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// The repository's security health, 0.0–1.0, the same number in the card, snapshots, drift and status
/// (docs/risk-card.md): <c>1 / (1 + density)</c>, where density is the incidents' summed severity weight
/// (<see cref="RiskScorer.SeverityWeight"/> ÷ 10: CRITICAL 1.2, HIGH 0.8, MEDIUM 0.4, LOW 0.1) per thousand lines of C#,
/// counting at least 1,000 lines; rounded down to two decimals, so that it is 1.0 exactly only with no incidents.
/// </summary>
public static class HealthScore
{
    /// <summary>Below this many lines a repository counts as this size: one incident in a ten-line file is not worse
    /// than the same incident in a thousand lines.</summary>
    public const int MinimumLines = 1000;

    public static double Compute(IEnumerable<Incident> incidents, int linesOfCSharp)
        => Compute(incidents.Select(i => i.Severity), linesOfCSharp);

    public static double Compute(IEnumerable<SnapshotIncident> incidents, int linesOfCSharp)
        => Compute(incidents.Select(i => i.Severity), linesOfCSharp);

    /// <summary>The printed score: <see cref="Exact"/> rounded down to two decimals.</summary>
    public static double Compute(IEnumerable<string> severities, int linesOfCSharp)
        => Math.Floor(Exact(severities, linesOfCSharp) * 100) / 100;

    /// <summary>The unrounded score: strictly lower with every incident, higher with size, in (0, 1].</summary>
    public static double Exact(IEnumerable<string> severities, int linesOfCSharp)
    {
        var weight = severities.Sum(s => RiskScorer.SeverityWeight(s) / 10.0);
        var thousands = Math.Max(linesOfCSharp, MinimumLines) / 1000.0;
        return 1.0 / (1.0 + weight / thousands);
    }
}
