using System.Globalization;
using Aegis.Analyzers;
using Aegis.Engine.Policy;
using Aegis.Engine.Verification;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// DESIGN.md scoring: base 50 if blocked, 10 if allowed; +15 per failed check; +20 more for a policy failure;
/// +25 more for a test failure; +8 to +15 per risky pattern in the diff; +8 to +15 per tampering finding, blocked or
/// scored (its kind's weight; it replaces the points of the risky pattern that names the same edit); +15 when more than
/// 10 lines are deleted; incidents by severity (CRITICAL 12, HIGH 8, MEDIUM 4, LOW 1); capped at 100.
/// </summary>
public static class RiskScorer
{
    public const int BaseBlocked = 50;
    public const int BaseAllowed = 10;
    public const int PerFailedCheck = 15;
    public const int PolicyFailure = 20;
    public const int TestFailure = 25;
    public const int LargeDeletion = 15;
    public const int LargeDeletionThreshold = 10;

    public static int SeverityWeight(string severity) => severity.ToUpperInvariant() switch
    {
        IncidentSeverities.Critical => 12,
        IncidentSeverities.High => 8,
        IncidentSeverities.Medium => 4,
        IncidentSeverities.Low => 1,
        _ => 2,
    };

    /// <summary>Scores the card's status, checks, diff analysis and incidents; fills score, level, health and reasons.</summary>
    public static void Score(RiskCard card)
    {
        var reasons = new List<ScoreReason>();
        var blocked = card.Status == RiskStatus.Blocked;
        var score = blocked ? BaseBlocked : BaseAllowed;
        foreach (var check in card.Checks.Where(c => !c.Passed))
        {
            reasons.Add(new ScoreReason(PerFailedCheck, "check " + check.Name + " failed: " + check.Message));
            if (check.Name == CheckNames.Policy)
            {
                reasons.Add(new ScoreReason(PolicyFailure, "policy failure"));
            }

            if (check.Name == CheckNames.SandboxTests)
            {
                reasons.Add(new ScoreReason(TestFailure, "test failure"));
            }
        }

        // A tampering finding names the edit with its file and line; the risky pattern for the same edit adds nothing more.
        var namedByTampering = card.Tampering.Select(t => TamperingKinds.Get(t.Kind).SameRiskyPattern).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var pattern in card.DiffAnalysis.RiskyPatterns.Where(p => !namedByTampering.Contains(p)))
        {
            reasons.Add(new ScoreReason(DiffAnalyzer.PointsFor(pattern), "risky pattern: " + pattern));
        }

        foreach (var tampering in card.Tampering)
        {
            reasons.Add(new ScoreReason(tampering.Weight, "tampering (" + tampering.Verdict + "): " + tampering.Describe()));
        }

        if (card.DiffAnalysis.LinesRemoved > LargeDeletionThreshold)
        {
            reasons.Add(new ScoreReason(LargeDeletion, card.DiffAnalysis.LinesRemoved.ToString(CultureInfo.InvariantCulture) + " lines deleted"));
        }

        foreach (var incident in card.Incidents)
        {
            reasons.Add(new ScoreReason(SeverityWeight(incident.Severity), incident.Severity + " " + incident.Rule + " in " + incident.File + ":" + incident.Line.ToString(CultureInfo.InvariantCulture)));
        }

        score += reasons.Sum(r => r.Points);
        card.RiskScore = Math.Clamp(score, 0, 100);
        card.RiskLevel = RiskLevels.For(card.RiskScore);
        card.Reasons = reasons.OrderByDescending(r => r.Points).ThenBy(r => r.Text, StringComparer.Ordinal).ToList();
        card.HealthScore = HealthScore.Compute(card.Incidents, card.LinesOfCSharp);
    }
}
