using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary><c>allow_anonymous_added</c>: an <c>[AllowAnonymous]</c> attribute or <c>.AllowAnonymous()</c> call the change adds to C#.</summary>
public sealed class AllowAnonymousDetector : ITamperingDetector
{
    private static readonly Regex AllowAnonymous = new(@"[\[,]\s*(global::)?([\w.]+\.)?AllowAnonymous(Attribute)?\b|\.AllowAnonymous\s*\(", RegexOptions.CultureInvariant);

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
        => change.Extension == ".cs"
            ? Occurrences.Added(Find(change.Before), Find(change.After)).Select(o => new TamperingFinding(TamperingKinds.AllowAnonymousAdded, change.Path, o.Line, Occurrences.Evidence(o.Text)))
            : Enumerable.Empty<TamperingFinding>();

    private static List<Occurrence> Find(string? text)
        => Occurrences.Lines(text)
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(l => AllowAnonymous.Matches(l.Text).Select(_ => new Occurrence("AllowAnonymous", l.Line, l.Text)))
            .ToList();
}
