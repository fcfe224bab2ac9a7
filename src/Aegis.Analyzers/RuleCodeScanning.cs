namespace Aegis.Analyzers;

/// <summary>
/// What code-scanning tools rank a rule by: its weakness (CWE), a CVSS-like <c>security-severity</c> (GitHub code
/// scanning: 9.0 and above critical, 7.0 high, 4.0 medium, below low) and how often a finding is real
/// (<c>precision</c>). One row per rule; the descriptors' tags and the SARIF rule properties both come from here.
/// </summary>
public sealed class RuleCodeScanning
{
    private RuleCodeScanning(string ruleId, int cwe, string securitySeverity, string precision)
    {
        RuleId = ruleId;
        Cwe = cwe;
        SecuritySeverity = securitySeverity;
        Precision = precision;
    }

    /// <summary>
    /// The numbers, and why. Scores follow the CVSS 3.1 base score of the weakness exploited from the network, as
    /// CodeQL's queries for the same weaknesses score them; precision says how much of the finding is inference.
    /// </summary>
    public static IReadOnlyList<RuleCodeScanning> All { get; } = new[]
    {
        // SQL injection: read and write the database, no privileges needed beyond the endpoint's (AV:N/AC:L/PR:L → 8.8).
        // Precision high: the text provably reaches a SQL sink and is provably not constant.
        new RuleCodeScanning(RuleIdentifiers.NonConstantSql, cwe: 89, securitySeverity: "8.8", precision: "high"),

        // A secret in source is readable by everyone with the code or a build output, not by the network at large
        // (confidentiality only → 7.5). Precision medium: names and entropy are heuristics.
        new RuleCodeScanning(RuleIdentifiers.HardcodedSecret, cwe: 798, securitySeverity: "7.5", precision: "medium"),

        // An endpoint open to anonymous callers (confidentiality → 7.5). Precision medium: "should be authorized" is
        // inferred from the repository's convention.
        new RuleCodeScanning(RuleIdentifiers.MissingAuthorization, cwe: 862, securitySeverity: "7.5", precision: "medium"),
    };

    public string RuleId { get; }

    /// <summary>The CWE number, e.g. 89 for CWE-89.</summary>
    public int Cwe { get; }

    /// <summary>A number from 0.0 to 10.0, as text with a dot (SARIF property bags hold it as a string).</summary>
    public string SecuritySeverity { get; }

    /// <summary><c>very-high</c>, <c>high</c>, <c>medium</c> or <c>low</c> (the SARIF/CodeQL vocabulary).</summary>
    public string Precision { get; }

    /// <summary>
    /// The rule's tags: <c>security</c> (what marks a code-scanning alert as a security alert) and the CWE in GitHub's
    /// <c>external/cwe/cwe-N</c> form. They are the descriptor's custom tags, which the compiler's SARIF log writes.
    /// </summary>
    public IReadOnlyList<string> Tags => new[] { "security", "external/cwe/cwe-" + Cwe.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>The row of <paramref name="ruleId"/>, or null for an ID that is not an Aegis rule.</summary>
    public static RuleCodeScanning? For(string ruleId)
    {
        foreach (var row in All)
        {
            if (row.RuleId == ruleId)
            {
                return row;
            }
        }

        return null;
    }
}
