using System.Globalization;
using System.Text.RegularExpressions;

namespace Aegis.Engine.RiskCards;

/// <summary>Counts a unified diff's lines and finds risky patterns and sensitive data in what it adds or removes.</summary>
public static class DiffAnalyzer
{
    /// <summary>A risky pattern: its name, points (8 to 15), and whether it is looked for in added or removed lines.</summary>
    public sealed record RiskyPattern(string Name, int Points, bool InAddedLines, Regex Pattern);

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>The catalog (DESIGN.md "risky patterns"); a new pattern is a new row. Documented in docs/risk-card.md.</summary>
    public static readonly RiskyPattern[] Patterns =
    {
        new("DROP statement", 15, true, new Regex(@"\bDROP\s+(TABLE|DATABASE|SCHEMA|VIEW|INDEX|USER|PROCEDURE)\b", Options)),
        new("DELETE without WHERE", 12, true, new Regex(@"\bDELETE\s+FROM\s+[\w\.\[\]""`]+\s*(;|""|'|$)(?![^\n]*\bWHERE\b)", Options)),
        new("TRUNCATE", 12, true, new Regex(@"\bTRUNCATE\s+TABLE\b", Options)),
        new("removed [Authorize]", 15, false, new Regex(@"\[\s*Authorize\b|\.RequireAuthorization\s*\(", Options)),
        new("added [AllowAnonymous]", 10, true, new Regex(@"\[\s*AllowAnonymous\b|\.AllowAnonymous\s*\(", Options)),
        new("disabled TLS validation", 15, true, new Regex(@"ServerCertificateCustomValidationCallback\s*=|DangerousAcceptAnyServerCertificateValidator|ServerCertificateValidationCallback\s*\+?=\s*\([^)]*\)\s*=>\s*true|CheckCertificateRevocationList\s*=\s*false", Options)),
        new("Process.Start with non-constant input", 10, true, new Regex(@"Process\.Start\s*\(\s*(?!""[^""]*""\s*\))[^)]", Options)),
        new("added secret", 15, true, new Regex(@"(?!)", Options)), // Filled from SecretMasker.Find, see Analyze.
        new("disabled security check", 8, true, new Regex(@"#pragma\s+warning\s+disable\s+AEG\d+|SuppressMessage\(\s*""Aegis", Options)),
    };

    public static DiffAnalysis Analyze(string diff, SecretMasker masker)
    {
        var added = new List<string>();
        var removed = new List<string>();
        foreach (var line in diff.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith('+'))
            {
                added.Add(line[1..]);
            }
            else if (line.StartsWith('-'))
            {
                removed.Add(line[1..]);
            }
        }

        var addedText = string.Join("\n", added);
        var removedText = string.Join("\n", removed);
        var risky = new List<string>();
        foreach (var pattern in Patterns)
        {
            if (pattern.Name == "added secret")
            {
                continue;
            }

            if (pattern.Name == "removed [Authorize]")
            {
                // Only a removal when the patched side does not keep the same authorization.
                if (pattern.Pattern.Matches(removedText).Count > pattern.Pattern.Matches(addedText).Count)
                {
                    risky.Add(pattern.Name);
                }

                continue;
            }

            var text = pattern.InAddedLines ? addedText : removedText;
            var other = pattern.InAddedLines ? removedText : addedText;
            if (pattern.Pattern.Matches(text).Count > pattern.Pattern.Matches(other).Count)
            {
                risky.Add(pattern.Name);
            }
        }

        var sensitive = masker.Find(addedText).Distinct(StringComparer.Ordinal).ToList();
        if (sensitive.Count > 0)
        {
            risky.Add("added secret");
        }

        var summary = added.Count.ToString(CultureInfo.InvariantCulture) + " line(s) added, " + removed.Count.ToString(CultureInfo.InvariantCulture) + " removed"
            + (risky.Count == 0 ? "; no risky patterns" : "; risky: " + string.Join(", ", risky))
            + (sensitive.Count == 0 ? "" : "; " + sensitive.Count.ToString(CultureInfo.InvariantCulture) + " secret(s) added");
        return new DiffAnalysis { LinesAdded = added.Count, LinesRemoved = removed.Count, RiskyPatterns = risky, SensitiveData = sensitive, Summary = summary };
    }

    public static int PointsFor(string patternName) => Patterns.FirstOrDefault(p => p.Name == patternName)?.Points ?? 8;
}
