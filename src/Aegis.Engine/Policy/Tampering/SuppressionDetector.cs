using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary>
/// In C#: <c>warning_disabled</c> — <c>#pragma warning disable</c> of a security rule (or of every warning: no IDs);
/// <c>suppress_message</c> — <c>[SuppressMessage]</c> of a security rule or an Aegis/security category;
/// <c>global_suppression</c> — any entry added to a <c>GlobalSuppressions.cs</c>, the file that exists to silence rules.
/// </summary>
public sealed class SuppressionDetector : ITamperingDetector
{
    public const string GlobalSuppressionsFile = "GlobalSuppressions.cs";

    private const RegexOptions Options = RegexOptions.CultureInvariant;

    private static readonly Regex Pragma = new(@"^\s*#\s*pragma\s+warning\s+disable\b(?<ids>[^/\n]*)", Options);

    private static readonly Regex SuppressMessage = new(@"(Unconditional)?SuppressMessage(Attribute)?\s*\(\s*""(?<category>[^""]*)""\s*,\s*""(?<id>[^"":]*)", Options);

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
    {
        if (change.Extension != ".cs")
        {
            return Enumerable.Empty<TamperingFinding>();
        }

        var global = change.Name.Equals(GlobalSuppressionsFile, StringComparison.OrdinalIgnoreCase);
        var pragmas = Occurrences.Added(Pragmas(change.Before), Pragmas(change.After))
            .Select(o => new TamperingFinding(TamperingKinds.WarningDisabled, change.Path, o.Line, Occurrences.Evidence(o.Text)));
        var suppressions = Occurrences.Added(Suppressions(change.Before, global), Suppressions(change.After, global))
            .Select(o => new TamperingFinding(global ? TamperingKinds.GlobalSuppression : TamperingKinds.SuppressMessage, change.Path, o.Line, Occurrences.Evidence(o.Text)));
        return pragmas.Concat(suppressions).ToList();
    }

    /// <summary>One occurrence per security rule a pragma disables; a pragma without IDs disables them all.</summary>
    private static List<Occurrence> Pragmas(string? text)
    {
        var found = new List<Occurrence>();
        foreach (var (line, content) in Occurrences.Lines(text))
        {
            var match = Pragma.Match(content);
            if (!match.Success)
            {
                continue;
            }

            var ids = match.Groups["ids"].Value.Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length == 0)
            {
                found.Add(new Occurrence("*", line, content));
            }

            found.AddRange(ids.Where(SecurityRules.IsSecurityRule).Select(id => new Occurrence(id.ToUpperInvariant(), line, content)));
        }

        return found;
    }

    private static List<Occurrence> Suppressions(string? text, bool everyEntry)
    {
        var found = new List<Occurrence>();
        foreach (var (line, content) in Occurrences.Lines(text))
        {
            foreach (Match match in SuppressMessage.Matches(content))
            {
                var category = match.Groups["category"].Value;
                var id = match.Groups["id"].Value.Trim();
                if (everyEntry || SecurityRules.IsSecurityRule(id) || SecurityRules.IsSecurityCategory(category))
                {
                    found.Add(new Occurrence(category + "|" + id.ToUpperInvariant() + "|" + Scope(content), line, content));
                }
            }
        }

        return found;
    }

    /// <summary>A global suppression's target, so a second entry for the same rule on another type is new.</summary>
    private static string Scope(string line)
    {
        var target = Regex.Match(line, @"Target\s*=\s*""(?<target>[^""]*)""", Options);
        return target.Success ? target.Groups["target"].Value : "";
    }
}
