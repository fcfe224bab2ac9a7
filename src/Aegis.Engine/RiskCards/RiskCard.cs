using Aegis.Engine.Analysis;
using Aegis.Engine.Patching;
using Aegis.Engine.Policy;
using Aegis.Engine.Verification;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// The Risk Card (schema <c>aegis.riskcard/v1</c>). Field names and shapes follow DESIGN.md exactly; JSON is the
/// source of truth and Markdown/HTML are rendered from it.
/// </summary>
public sealed class RiskCard
{
    public const string SchemaName = "aegis.riskcard/v1";

    public string Schema { get; set; } = SchemaName;

    /// <summary><c>allow</c> or <c>blocked</c>.</summary>
    public string Status { get; set; } = RiskStatus.Allow;

    public List<Check> Checks { get; set; } = new();

    public int RiskScore { get; set; }

    public string RiskLevel { get; set; } = RiskLevels.Low;

    public string Recommendation { get; set; } = Recommendations.ApprovedForRollout;

    public string Explanation { get; set; } = "";

    /// <summary>Which explanation the card carries: <c>plain</c> (the engine's) or <c>ai:&lt;model&gt;</c> (policy <c>explanations</c>).</summary>
    public string ExplanationSource { get; set; } = Notifications.AiExplanation.PlainSource;

    /// <summary>Why the AI explanation was not used, when one was asked for; null otherwise.</summary>
    public string? ExplanationFallbackReason { get; set; }

    public string Diff { get; set; } = "";

    public DiffAnalysis DiffAnalysis { get; set; } = new();

    public string Stdout { get; set; } = "";

    public double Ts { get; set; }

    public string RequestId { get; set; } = "";

    /// <summary>What was evaluated: ordered key/value pairs (values are strings, numbers, booleans or string lists).</summary>
    public List<KeyValuePair<string, object?>> Action { get; set; } = new();

    public List<Incident> Incidents { get; set; } = new();

    public List<PatchArtifact> Patches { get; set; } = new();

    /// <summary>Edits that switch a check off rather than pass it (Policy/Tampering), each blocked or scored by the policy.</summary>
    public List<TamperingFinding> Tampering { get; set; } = new();

    public SandboxSummary Sandbox { get; set; } = new();

    public double HealthScore { get; set; }

    /// <summary>Lines of C# in the analyzed projects (not printed): what <see cref="RiskCards.HealthScore"/> divides by.</summary>
    public int LinesOfCSharp { get; set; }

    /// <summary>The baseline the incidents were compared with (<c>baseline</c> in the card); null when none applies.</summary>
    public CardBaseline? Baseline { get; set; }

    /// <summary>The scoring lines that added points, highest first (not serialized; used for gate messages).</summary>
    public List<ScoreReason> Reasons { get; set; } = new();

    /// <summary>Masks this card's secrets (the AEG002 literals it saw) in everything written from it (not serialized).</summary>
    public SecretMasker Masker { get; set; } = SecretMasker.None;
}

public sealed class DiffAnalysis
{
    public int LinesAdded { get; set; }

    public int LinesRemoved { get; set; }

    public List<string> RiskyPatterns { get; set; } = new();

    public List<string> SensitiveData { get; set; } = new();

    public string Summary { get; set; } = "";
}

public sealed class SandboxSummary
{
    public string Mode { get; set; } = SandboxModes.None;

    public List<CommandRecord> Commands { get; set; } = new();
}

public sealed record ScoreReason(int Points, string Text);

/// <summary>
/// The card's <c>baseline</c>: which baseline applied, how many incidents are new and unchanged, and the verdict the card
/// would have with only the new ones (what <c>--fail-on-new-only</c> / <c>AegisFailOnNewOnly</c> gates on).
/// </summary>
public sealed class CardBaseline
{
    /// <summary>Repository-relative when inside the repository.</summary>
    public string Path { get; set; } = "";

    public string Id { get; set; } = "";

    public int New { get; set; }

    public int Unchanged { get; set; }

    public string NewOnlyStatus { get; set; } = RiskStatus.Allow;

    public int NewOnlyRiskScore { get; set; }

    public string NewOnlyRiskLevel { get; set; } = RiskLevels.Low;

    /// <summary>The new-only scoring lines, highest first (not serialized; used for gate messages).</summary>
    public List<ScoreReason> NewOnlyReasons { get; set; } = new();
}

public static class RiskStatus
{
    public const string Allow = "allow";
    public const string Blocked = "blocked";
}

public static class Recommendations
{
    public const string ApprovedForRollout = "approved_for_rollout";
    public const string Rollback = "rollback";
    public const string NeedsHumanReview = "needs_human_review";
}

public static class RiskLevels
{
    public const string Low = "LOW";
    public const string Medium = "MEDIUM";
    public const string High = "HIGH";
    public const string Critical = "CRITICAL";

    public static readonly string[] Ordered = { Low, Medium, High, Critical };

    /// <summary>LOW 0–19, MEDIUM 20–49, HIGH 50–79, CRITICAL 80–100.</summary>
    public static string For(int score) => score switch
    {
        >= 80 => Critical,
        >= 50 => High,
        >= 20 => Medium,
        _ => Low,
    };

    public static int Rank(string level) => Array.IndexOf(Ordered, level.ToUpperInvariant());
}
