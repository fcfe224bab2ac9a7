using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary>
/// <c>verification_removed</c>: an <c>AegisVerifyCommand</c> item removed from a project or props/targets file; a test
/// project removed from a <c>.sln</c>/<c>.slnx</c>; a test project's file deleted.
/// </summary>
public sealed class VerificationRemovedDetector : ITamperingDetector
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>(file extensions, the pattern whose <c>item</c> group names what the build runs, what the evidence calls it).</summary>
    private static readonly (string[] Extensions, Regex Pattern, bool TestProjectsOnly, string Noun)[] BuildEntries =
    {
        (new[] { ".csproj", ".props", ".targets" }, new Regex(@"<AegisVerifyCommand\s[^>]*Include\s*=\s*""(?<item>[^""]*)""", Options), false, "verify command"),
        (new[] { ".sln" }, new Regex(@"^Project\(""[^""]*""\)\s*=\s*""[^""]*""\s*,\s*""(?<item>[^""]*)""", Options | RegexOptions.Multiline), true, "test project"),
        (new[] { ".slnx" }, new Regex(@"<Project\s[^>]*Path\s*=\s*""(?<item>[^""]*)""", Options), true, "test project"),
    };

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
    {
        if (change.After is null && change.Extension == ".csproj" && TestCode.IsInTestProject(change.Path))
        {
            yield return new TamperingFinding(TamperingKinds.VerificationRemoved, change.Path, null, "test project file deleted");
            yield break;
        }

        foreach (var (extensions, pattern, testProjectsOnly, noun) in BuildEntries.Where(e => e.Extensions.Contains(change.Extension)))
        {
            foreach (var removed in Occurrences.Removed(Find(change.Before, pattern, testProjectsOnly), Find(change.After, pattern, testProjectsOnly)))
            {
                yield return new TamperingFinding(TamperingKinds.VerificationRemoved, change.Path, null, noun + " " + removed.Key + " removed");
            }
        }
    }

    private static List<Occurrence> Find(string? text, Regex pattern, bool testProjectsOnly)
        => pattern.Matches(text ?? "")
            .Select(m => (Match: m, Item: m.Groups["item"].Value.Replace('\\', '/')))
            .Where(m => !testProjectsOnly || TestCode.IsInTestProject(m.Item))
            .Select(m => new Occurrence(m.Item, Occurrences.LineOf(text!, m.Match.Index), m.Match.Value))
            .ToList();
}
