using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary>
/// <c>severity_lowered</c>: a security rule's severity lowered in an <c>.editorconfig</c>/<c>.globalconfig</c>
/// (<c>dotnet_diagnostic.AEG001.severity</c>, a security category's or every rule's
/// <c>dotnet_analyzer_diagnostic.*.severity</c>, Aegis' own <c>aegis.*severity</c> options), per section, compared with
/// what the file said before (an unset key is the rule's default); or a security rule added to a project file's
/// <c>NoWarn</c>/<c>WarningsNotAsErrors</c>.
/// </summary>
public sealed class SeverityDetector : ITamperingDetector
{
    /// <summary>Severity values by strength; anything else (or unset) is the rule's default, ranked as a warning.</summary>
    private static readonly Dictionary<string, int> Ranks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["error"] = 4, ["warning"] = 3, ["default"] = 3, ["suggestion"] = 2, ["info"] = 2, ["silent"] = 1, ["hidden"] = 1, ["refactoring"] = 1, ["none"] = 0,
    };

    private const int DefaultRank = 3;

    /// <summary>The configuration keys that set a security rule's severity; the group <c>id</c> or <c>category</c> says whose.</summary>
    private static readonly Regex[] SeverityKeys =
    {
        new(@"^dotnet_diagnostic\.(?<id>[A-Za-z]+\d+)\.severity$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
        new(@"^dotnet_analyzer_diagnostic\.category-(?<category>[^.]+(\.[^.]+)*)\.severity$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
        new(@"^dotnet_analyzer_diagnostic\.severity$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
        new(@"^aegis\.[\w.]*severity$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
    };

    private static readonly Regex NoWarn = new(@"<(?<property>NoWarn|WarningsNotAsErrors)>(?<ids>[^<]*)</\k<property>>", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly string[] ProjectExtensions = { ".csproj", ".props", ".targets" };

    public static bool IsAnalyzerConfig(ChangedFile change)
        => change.Name.Equals(".editorconfig", StringComparison.OrdinalIgnoreCase) || change.Name.EndsWith(".globalconfig", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
    {
        if (IsAnalyzerConfig(change))
        {
            return FromConfig(change);
        }

        return ProjectExtensions.Contains(change.Extension)
            ? Occurrences.Added(NoWarnIds(change.Before), NoWarnIds(change.After)).Select(o => new TamperingFinding(TamperingKinds.SeverityLowered, change.Path, o.Line, o.Key + " added to " + Occurrences.Evidence(o.Text)))
            : Enumerable.Empty<TamperingFinding>();
    }

    private static IEnumerable<TamperingFinding> FromConfig(ChangedFile change)
    {
        var before = Settings(change.Before);
        var after = Settings(change.After);
        foreach (var key in after.Keys.Union(before.Keys).Where(IsSecuritySeverity).Order(StringComparer.Ordinal))
        {
            var was = before.TryGetValue(key, out var old) ? Rank(old.Value) : DefaultRank;
            var now = after.TryGetValue(key, out var current) ? Rank(current.Value) : DefaultRank;
            if (now < was)
            {
                var setting = current.Key ?? old.Key;
                yield return current.Value is null
                    ? new TamperingFinding(TamperingKinds.SeverityLowered, change.Path, null, setting + " = " + old.Value + " removed")
                    : new TamperingFinding(TamperingKinds.SeverityLowered, change.Path, current.Line, setting + " = " + current.Value + (old.Value is null ? "" : " (was " + old.Value + ")"));
            }
        }
    }

    private static int Rank(string? value) => value is not null && Ranks.TryGetValue(value.Trim(), out var rank) ? rank : DefaultRank;

    /// <summary>Whether the key (after its section) sets a security rule's severity.</summary>
    private static bool IsSecuritySeverity(string sectionAndKey)
    {
        var key = sectionAndKey[(sectionAndKey.IndexOf('\n', StringComparison.Ordinal) + 1)..];
        foreach (var pattern in SeverityKeys)
        {
            var match = pattern.Match(key);
            if (!match.Success)
            {
                continue;
            }

            return match.Groups["id"].Success ? SecurityRules.IsSecurityRule(match.Groups["id"].Value)
                : !match.Groups["category"].Success || SecurityRules.IsSecurityCategory(match.Groups["category"].Value);
        }

        return false;
    }

    /// <summary>Every <c>key = value</c>, keyed by section and lower-case key ("[*.cs]\ndotnet_diagnostic.aeg001.severity").</summary>
    private static Dictionary<string, (string? Value, int Line, string? Key)> Settings(string? text)
    {
        var settings = new Dictionary<string, (string? Value, int Line, string? Key)>(StringComparer.Ordinal);
        var section = "";
        foreach (var (number, raw) in Occurrences.Lines(text))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line.EndsWith(']'))
            {
                section = line;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                var value = line[(equals + 1)..];
                var comment = value.IndexOfAny(new[] { '#', ';' });
                var key = line[..equals].Trim();
                settings[section + "\n" + key.ToLowerInvariant()] = ((comment >= 0 ? value[..comment] : value).Trim(), number, key);
            }
        }

        return settings;
    }

    private static List<Occurrence> NoWarnIds(string? text)
    {
        var found = new List<Occurrence>();
        if (text is null)
        {
            return found;
        }

        foreach (Match match in NoWarn.Matches(text))
        {
            foreach (var id in match.Groups["ids"].Value.Split(new[] { ';', ',', ' ', '\t', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).Where(SecurityRules.IsSecurityRule))
            {
                found.Add(new Occurrence(id.ToUpperInvariant(), Occurrences.LineOf(text, match.Index), match.Value));
            }
        }

        return found;
    }
}
