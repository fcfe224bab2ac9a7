namespace Aegis.Engine.Knowledge;

/// <summary>
/// What the repairs of one <c>(rule, remediation_strategy)</c> did so far: each sandboxed attempt, how many the sandbox
/// verified or failed, and how many verified repairs a later snapshot showed undone (<c>regressed</c>).
/// </summary>
public sealed record KnowledgePattern(string Rule, string RemediationStrategy, int Attempts, int Verified, int Failed, int Regressed, DateTimeOffset? LastOutcomeAt)
{
    /// <summary>Repairs with a verdict: what the boost's sample size counts.</summary>
    public int Decided => Verified + Failed;

    public static KnowledgePattern Empty(string rule, string remediationStrategy) => new(rule, remediationStrategy, 0, 0, 0, 0, null);
}

/// <summary>One incident's repair as a card's sandbox judged it: <c>verified</c>, <c>failed</c> or <c>unverified</c> (an attempt without a verdict).</summary>
public sealed record RepairOutcome(string Rule, string RemediationStrategy, string Fingerprint, string ValidationStatus);

/// <summary>A verified patch written to the working tree (<c>aegis fix</c>, <c>watch --apply</c>): if a later snapshot shows its incident again, the repair regressed.</summary>
public sealed record AppliedRepair(string Fingerprint, string Rule, string RemediationStrategy, DateTimeOffset At);

/// <summary>The knowledge base as read: the patterns, and the repairs written to the working tree that a snapshot may show undone.</summary>
public sealed class KnowledgeState
{
    public static KnowledgeState Empty { get; } = new(Array.Empty<KnowledgePattern>(), Array.Empty<AppliedRepair>(), null);

    public KnowledgeState(IReadOnlyList<KnowledgePattern> patterns, IReadOnlyList<AppliedRepair> applied, DateTimeOffset? updatedAt)
    {
        Patterns = patterns;
        Applied = applied;
        UpdatedAt = updatedAt;
    }

    public IReadOnlyList<KnowledgePattern> Patterns { get; }

    public IReadOnlyList<AppliedRepair> Applied { get; }

    public DateTimeOffset? UpdatedAt { get; }

    public KnowledgePattern? Find(string rule, string remediationStrategy)
        => Patterns.FirstOrDefault(p => p.Rule == rule && p.RemediationStrategy == remediationStrategy);
}
