using System.Text.RegularExpressions;
using Aegis.Analyzers.Infrastructure;

namespace Aegis.Analyzers.Secrets;

/// <summary>When a token format counts: anywhere, or only where the name or text says what it is.</summary>
internal enum PatternContext
{
    Anywhere,

    /// <summary>Only when the member name or the text mentions AWS (a bare 40-character string is too common).</summary>
    Aws,

    /// <summary>Only after <c>AccountKey=</c> or in a key-named member (an 88-character base64 string is too common).</summary>
    KeyNamed,
}

/// <summary>One known token format: a row of <see cref="SecretPatterns.All"/>.</summary>
internal sealed class SecretPattern
{
    public SecretPattern(string kind, string displayName, string pattern, string severity, double confidence, PatternContext context = PatternContext.Anywhere, string[]? anchors = null)
    {
        Anchors = anchors;
        Kind = kind;
        DisplayName = displayName;
        Severity = severity;
        Confidence = confidence;
        Context = context;

        // Built on first use: most literals fail every anchor, so most compiler processes never need most patterns,
        // and each construction parses the pattern (a fixed cost paid again in every build's fresh compiler).
        regex = new Lazy<Regex>(() => new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, SecretPatterns.MatchTimeout));
    }

    private readonly Lazy<Regex> regex;

    /// <summary>The <c>secret_kind</c> slug.</summary>
    public string Kind { get; }

    public string DisplayName { get; }

    public Regex Regex => regex.Value;

    public string Severity { get; }

    public double Confidence { get; }

    public PatternContext Context { get; }

    /// <summary>
    /// Text every match contains, one of these at least (null: none fixed). Most string literals are SQL, messages
    /// and keys; an ordinal search rules them out before the regex runs.
    /// </summary>
    public IReadOnlyList<string>? Anchors { get; }

    /// <summary>The first match in <paramref name="text"/>, or null (also when matching times out).</summary>
    public Match? Find(string text)
    {
        if (Anchors is not null && !TextSearch.ContainsAny(text, Anchors, StringComparison.Ordinal))
        {
            return null;
        }

        return SecretPatterns.Find(Regex, text);
    }
}

/// <summary>
/// Token formats recognised anywhere in string literals, most specific first. Every pattern is linear (no nested
/// quantifiers) and bounded; matching still runs under <see cref="MatchTimeout"/>.
/// </summary>
internal static class SecretPatterns
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    private const string High = IncidentSeverities.High;
    private const string Medium = IncidentSeverities.Medium;

    public static readonly IReadOnlyList<SecretPattern> All = new[]
    {
        new SecretPattern("private-key", "private key", @"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----", High, 0.95, anchors: new[] { "-----BEGIN " }),
        new SecretPattern("aws-access-key-id", "AWS access key ID", @"(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])", High, 0.95, anchors: new[] { "AKIA", "ASIA" }),
        new SecretPattern("github-token", "GitHub token", @"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])", High, 0.95, anchors: new[] { "ghp_", "gho_", "ghu_", "ghs_", "ghr_" }),
        new SecretPattern("github-token", "GitHub token", @"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{36,255}(?![A-Za-z0-9_])", High, 0.95, anchors: new[] { "github_pat_" }),
        new SecretPattern("stripe-secret-key", "Stripe secret key", @"(?<![A-Za-z0-9_])sk_live_[A-Za-z0-9]{24,247}(?![A-Za-z0-9_])", High, 0.95, anchors: new[] { "sk_live_" }),
        new SecretPattern("stripe-restricted-key", "Stripe restricted key", @"(?<![A-Za-z0-9_])rk_live_[A-Za-z0-9]{24,247}(?![A-Za-z0-9_])", High, 0.95, anchors: new[] { "rk_live_" }),
        new SecretPattern("stripe-test-key", "Stripe test secret key", @"(?<![A-Za-z0-9_])[sr]k_test_[A-Za-z0-9]{24,247}(?![A-Za-z0-9_])", Medium, 0.95, anchors: new[] { "k_test_" }),
        new SecretPattern("slack-webhook", "Slack webhook URL", @"https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32}", High, 0.95, anchors: new[] { "https://hooks.slack.com/services/" }),
        new SecretPattern("slack-token", "Slack token", @"(?<![A-Za-z0-9])xox[abprs]-[0-9]{8,14}-[0-9A-Za-z-]{10,240}", High, 0.95, anchors: new[] { "xox" }),
        new SecretPattern("sendgrid-api-key", "SendGrid API key", @"(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", High, 0.95, anchors: new[] { "SG." }),
        new SecretPattern("google-api-key", "Google API key", @"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])", High, 0.95, anchors: new[] { "AIza" }),
        new SecretPattern("jwt", "JSON Web Token", @"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}(?![A-Za-z0-9_-])", Medium, 0.90, anchors: new[] { "eyJ" }),
        new SecretPattern("azure-storage-key", "Azure storage account key", @"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])", High, 0.95, PatternContext.KeyNamed, anchors: new[] { "==" }),
        new SecretPattern("aws-secret-access-key", "AWS secret access key", @"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])", High, 0.85, PatternContext.Aws),
    };

    /// <summary>
    /// Formats that look like secrets but are public by design (Stripe publishable keys). A literal that matches one
    /// is not examined further.
    /// </summary>
    public static readonly IReadOnlyList<SecretPattern> PublicFormats = new[]
    {
        new SecretPattern("stripe-publishable-key", "Stripe publishable key", @"(?<![A-Za-z0-9_])pk_(live|test)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9_])", Medium, 0, anchors: new[] { "pk_live_", "pk_test_" }),
    };

    /// <summary>Published look-alikes that are not secrets (vendor documentation examples, the storage emulator key).</summary>
    public static readonly IReadOnlyList<string> DocumentedPublicValues = new[]
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    };

    /// <summary><c>Password=</c>, <c>Pwd=</c>, <c>AccountKey=</c>, <c>SharedAccessKey=</c> in a connection string.</summary>
    public static readonly Regex ConnectionStringSecret = new(
        @"(^|;)\s*(?<name>password|pwd|accountkey|sharedaccesskey)\s*=\s*(?<secret>'[^']*'|""[^""]*""|[^;]*)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture,
        MatchTimeout);

    /// <summary>An <c>Authorization</c> header value: <c>Basic dXNlcjpwYXNz</c> or <c>Bearer abc.def</c>.</summary>
    public static readonly Regex AuthorizationHeader = new(
        @"^\s*(Authorization:\s*)?(?<scheme>Basic|Bearer)\s+(?<secret>[A-Za-z0-9+/=._~-]+)\s*$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture,
        MatchTimeout);

    /// <summary>The first match of <paramref name="regex"/>, or null (also when matching times out).</summary>
    public static Match? Find(Regex regex, string text)
    {
        try
        {
            var match = regex.Match(text);
            return match.Success ? match : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    public static bool IsDocumentedPublicValue(string value)
    {
        foreach (var known in DocumentedPublicValues)
        {
            if (string.Equals(known, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        // AWS and others mark documentation values with EXAMPLE in the value itself.
        return value.IndexOf("EXAMPLE", StringComparison.Ordinal) >= 0;
    }
}
