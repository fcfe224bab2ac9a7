namespace Aegis.Engine.Policy;

/// <summary>
/// One kind of tampering: a change that switches a check off rather than passing it. Its name in the card and in
/// <c>.aegis/policy.json</c>, what it means in words, its weight in the score (8 to 15, as DESIGN's risky patterns),
/// what the policy does with it by default for an agent (people are scored on everything), and the diff analysis'
/// risky pattern that names the same edit (whose points it then replaces, so one edit is not counted twice).
/// </summary>
public sealed record TamperingKind(string Name, string Title, int Weight, string AgentDefault, string? SameRiskyPattern = null);

/// <summary>What the policy does with a tampering finding.</summary>
public static class TamperingVerdicts
{
    public const string Block = "block";
    public const string Score = "score";

    /// <summary>The finding's verdict in the card.</summary>
    public const string Blocked = "blocked";

    public const string Scored = "scored";

    public static bool IsValid(string value) => value is Block or Score;
}

/// <summary>The catalog (docs/risk-card.md, "Tampering"); a new kind is a new row and a detector that reports it.</summary>
public static class TamperingKinds
{
    public const string SeverityLowered = "severity_lowered";
    public const string AnalysisDisabled = "analysis_disabled";
    public const string WarningDisabled = "warning_disabled";
    public const string SuppressMessage = "suppress_message";
    public const string GlobalSuppression = "global_suppression";
    public const string BaselineEdited = "baseline_edited";
    public const string PolicyEdited = "policy_edited";
    public const string AegisStateEdited = "aegis_state_edited";
    public const string AllowAnonymousAdded = "allow_anonymous_added";
    public const string TestDeleted = "test_deleted";
    public const string TestSkipped = "test_skipped";
    public const string AssertionWeakened = "assertion_weakened";
    public const string VerificationRemoved = "verification_removed";

    // An agent that cannot make a check pass is tempted to switch it off: everything that silences the analyzers or
    // rewrites Aegis' own state is blocked; what may be legitimate (a public endpoint, a removed test) is scored.
    public static readonly TamperingKind[] All =
    {
        new(SeverityLowered, "lowered a security rule's severity", 15, TamperingVerdicts.Block),
        new(AnalysisDisabled, "switched analysis or the Risk Card gate off", 15, TamperingVerdicts.Block),
        new(WarningDisabled, "disabled a security rule with #pragma", 12, TamperingVerdicts.Block, "disabled security check"),
        new(SuppressMessage, "suppressed a security rule with [SuppressMessage]", 12, TamperingVerdicts.Block, "disabled security check"),
        new(GlobalSuppression, "added a GlobalSuppressions.cs entry", 12, TamperingVerdicts.Block, "disabled security check"),
        new(BaselineEdited, "added to the incident baseline (.aegis/baseline.json)", 15, TamperingVerdicts.Block),
        new(PolicyEdited, "edited the Aegis policy (.aegis/policy.json)", 15, TamperingVerdicts.Block),
        new(AegisStateEdited, "edited Aegis state under .aegis/", 10, TamperingVerdicts.Block),
        new(AllowAnonymousAdded, "made an endpoint public ([AllowAnonymous])", 10, TamperingVerdicts.Score, "added [AllowAnonymous]"),
        new(TestDeleted, "deleted a test", 12, TamperingVerdicts.Score),
        new(TestSkipped, "skipped a test", 10, TamperingVerdicts.Score),
        new(AssertionWeakened, "weakened an assertion to a constant", 10, TamperingVerdicts.Score),
        new(VerificationRemoved, "removed a verify command or test project from the build", 12, TamperingVerdicts.Score),
    };

    public static TamperingKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    public static TamperingKind Get(string name) => Find(name) ?? throw new ArgumentException("unknown tampering kind " + name, nameof(name));
}
