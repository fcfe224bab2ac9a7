using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary>
/// <c>analysis_disabled</c>: an MSBuild property in a project file that switches the analyzers, the Risk Card or its
/// gate off. A table of (property, value that switches off); only a setting the change adds counts.
/// </summary>
public sealed class AnalysisSwitchDetector : ITamperingDetector
{
    public static readonly (string Property, string OffValue)[] Switches =
    {
        ("RunAnalyzers", "false"),
        ("RunAnalyzersDuringBuild", "false"),
        ("EnableNETAnalyzers", "false"),
        ("AegisEnabled", "false"),
        ("AegisRiskCard", "false"),
        ("AegisSandbox", "none"),
        ("AegisFailOn", "never"),
    };

    private static readonly Regex Property = new(@"<(?<name>[A-Za-z]+)(\s[^>]*)?>\s*(?<value>[^<]*?)\s*</\k<name>>", RegexOptions.CultureInvariant);

    private static readonly string[] ProjectExtensions = { ".csproj", ".props", ".targets" };

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
        => ProjectExtensions.Contains(change.Extension)
            ? Occurrences.Added(Find(change.Before), Find(change.After)).Select(o => new TamperingFinding(TamperingKinds.AnalysisDisabled, change.Path, o.Line, Occurrences.Evidence(o.Text)))
            : Enumerable.Empty<TamperingFinding>();

    private static List<Occurrence> Find(string? text)
    {
        var found = new List<Occurrence>();
        foreach (Match match in Property.Matches(text ?? ""))
        {
            var name = match.Groups["name"].Value;
            if (Switches.Any(s => s.Property.Equals(name, StringComparison.OrdinalIgnoreCase) && s.OffValue.Equals(match.Groups["value"].Value, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(new Occurrence(name.ToLowerInvariant(), Occurrences.LineOf(text!, match.Index), match.Value));
            }
        }

        return found;
    }
}
