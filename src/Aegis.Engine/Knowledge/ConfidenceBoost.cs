namespace Aegis.Engine.Knowledge;

/// <summary>
/// How much a pattern's track record moves an incident's raw confidence (docs/knowledge.md). With <c>n</c> decided
/// repairs (verified + failed) and <c>s</c> successes (verified − regressed, at least 0), the Laplace-smoothed success
/// rate is <c>p = (s + 1) / (n + 2)</c>, and the boost is <c>max_boost × (2p − 1)</c>: 0 below <c>min_samples</c>,
/// strictly within ±<c>max_boost</c>, rising with each success, negative when most repairs fail or regress. Rounded
/// to two decimals (as the card prints confidences), so <c>boosted_confidence</c> is exactly the sum it shows.
/// </summary>
public static class ConfidenceBoost
{
    public static double For(KnowledgePattern? pattern, KnowledgePolicy policy)
    {
        if (pattern is null || pattern.Decided < policy.MinSamples || pattern.Decided <= 0)
        {
            return 0;
        }

        var successes = Math.Max(0, pattern.Verified - pattern.Regressed);
        var rate = (successes + 1.0) / (pattern.Decided + 2.0);
        var boost = policy.MaxBoost * ((2 * rate) - 1);
        return Math.Round(Math.Clamp(boost, -policy.MaxBoost, policy.MaxBoost), 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>Raw confidence plus boost, kept within 0–1.</summary>
    public static double Apply(double confidence, double boost) => Math.Round(Math.Clamp(confidence + boost, 0, 1), 2, MidpointRounding.AwayFromZero);
}
