using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary>
/// Which analyzer rules guard security, so lowering or suppressing them is tampering: ours, and the usual security
/// rules of the analyzers a .NET repository runs beside them. A new analyzer's security rules are a new row.
/// </summary>
public static class SecurityRules
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>Rule IDs: Aegis, NetAnalyzers' SQL review and injection/crypto rules, Sonar's SQL and password rules, Security Code Scan.</summary>
    public static readonly (string Source, Regex Ids)[] RuleIds =
    {
        ("Aegis.Analyzers", new Regex(@"^AEG\d+$", Options)),
        ("NetAnalyzers: review SQL queries", new Regex(@"^CA2100$", Options)),
        ("NetAnalyzers: injection (CA3001-CA3012)", new Regex(@"^CA30(0[1-9]|1[0-2])$", Options)),
        ("NetAnalyzers: cryptography and protocols (CA5xxx)", new Regex(@"^CA5\d{3}$", Options)),
        ("SonarAnalyzer: SQL injection, hard-coded credentials", new Regex(@"^S(2077|2068)$", Options)),
        ("Security Code Scan", new Regex(@"^SCS\d+$", Options)),
    };

    /// <summary>Diagnostic categories whose rules are all security rules (<c>SuppressMessage</c> and category severities).</summary>
    public static readonly Regex Categories = new(@"^(Aegis(\..*)?|Security|Microsoft\.Security)$", Options);

    public static bool IsSecurityRule(string id) => RuleIds.Any(r => r.Ids.IsMatch(id.Trim()));

    public static bool IsSecurityCategory(string category) => Categories.IsMatch(category.Trim());
}
