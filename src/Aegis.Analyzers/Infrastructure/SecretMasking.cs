using System.Globalization;
using System.Text.RegularExpressions;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// Replaces secrets with <c>[secret kind len=N prefix=abcd…]</c>: given literal values, and any text matching a known
/// token format. It lives here (not in the engine) so that an analyzer or suppressor masks evidence byte-identically to
/// the engine's cards and snapshots; the engine's <c>SecretMasker</c> is a front over it.
/// </summary>
public sealed class SecretMasking
{
    /// <summary>Known token formats (the same families AEG002 knows), as data.</summary>
    private static readonly (string Kind, Regex Pattern)[] TokenFormats =
    {
        ("aws-access-key", new Regex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b", RegexOptions.CultureInvariant)),
        ("github-token", new Regex(@"\bgh[pousr]_[A-Za-z0-9]{36,255}\b", RegexOptions.CultureInvariant)),
        ("github-token", new Regex(@"\bgithub_pat_[A-Za-z0-9_]{22,255}\b", RegexOptions.CultureInvariant)),
        ("stripe-key", new Regex(@"\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b", RegexOptions.CultureInvariant)),
        ("slack-token", new Regex(@"\bxox[abprs]-[A-Za-z0-9-]{10,}\b", RegexOptions.CultureInvariant)),
        ("google-api-key", new Regex(@"\bAIza[0-9A-Za-z_\-]{35}\b", RegexOptions.CultureInvariant)),
        ("jwt", new Regex(@"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b", RegexOptions.CultureInvariant)),
        ("private-key", new Regex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)", RegexOptions.CultureInvariant)),
        ("azure-account-key", new Regex(@"(?<=AccountKey=)[A-Za-z0-9+/=]{20,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)),
        // Not an HTML-escaped quote: the HTML card is masked again after rendering, and `Password=" + lookup` is code.
        ("password", new Regex(@"(?<=\b(Password|Pwd)=)(?!&(?:quot|#39|apos);)[^;""'\s]{4,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)),
    };

    private readonly string[] literals;

    public SecretMasking(IEnumerable<string> literals)
    {
        this.literals = literals.Where(l => l != null && l.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(l => l.Length).ThenBy(l => l, StringComparer.Ordinal).ToArray();
    }

    public static SecretMasking None { get; } = new(Array.Empty<string>());

    public IReadOnlyList<string> Literals => literals;

    public static string MaskValue(string kind, string value)
    {
        var prefix = value.Length > 8 ? value.Substring(0, 4) : "";
        return "[secret " + kind + " len=" + value.Length.ToString(CultureInfo.InvariantCulture) + (prefix.Length > 0 ? " prefix=" + prefix + "…" : "") + "]";
    }

    public string Mask(string? text)
    {
        if (text is null || text.Length == 0)
        {
            return text ?? "";
        }

        foreach (var literal in literals)
        {
            if (text.IndexOf(literal, StringComparison.Ordinal) >= 0)
            {
                text = text.Replace(literal, MaskValue("literal", literal));
            }
        }

        foreach (var (kind, pattern) in TokenFormats)
        {
            text = pattern.Replace(text, m => m.Value.StartsWith("[secret", StringComparison.Ordinal) ? m.Value : MaskValue(kind, m.Value));
        }

        return text;
    }

    /// <summary>The kinds of known-format secrets in <paramref name="text"/> (for diff analysis), masked.</summary>
    public IEnumerable<string> Find(string text)
    {
        foreach (var literal in literals)
        {
            if (text.IndexOf(literal, StringComparison.Ordinal) >= 0)
            {
                yield return MaskValue("literal", literal);
            }
        }

        foreach (var (kind, pattern) in TokenFormats)
        {
            foreach (Match match in pattern.Matches(text))
            {
                yield return MaskValue(kind, match.Value);
            }
        }
    }
}
