namespace Aegis.Engine.Policy;

/// <summary>Something a detector counts in a file: a key that says what it is, its 1-based line, and the line's text.</summary>
public readonly record struct Occurrence(string Key, int Line, string Text);

/// <summary>Before/after comparison: only what a change adds or removes counts, so a pattern present in both is not new.</summary>
public static class Occurrences
{
    /// <summary>
    /// The occurrences of <paramref name="after"/> beyond as many of the same key in <paramref name="before"/>: a
    /// moved or re-indented line is not added. Of several with one key, those whose text was not there before are
    /// named first.
    /// </summary>
    public static IEnumerable<Occurrence> Added(IReadOnlyList<Occurrence> before, IReadOnlyList<Occurrence> after)
    {
        var beforeTexts = before.Select(o => Normalize(o.Text)).ToHashSet(StringComparer.Ordinal);
        foreach (var group in after.GroupBy(o => o.Key, StringComparer.Ordinal))
        {
            var excess = group.Count() - before.Count(o => o.Key == group.Key);
            if (excess <= 0)
            {
                continue;
            }

            foreach (var occurrence in group.OrderBy(o => beforeTexts.Contains(Normalize(o.Text)) ? 1 : 0).ThenBy(o => o.Line).Take(excess).OrderBy(o => o.Line))
            {
                yield return occurrence;
            }
        }
    }

    /// <summary>The occurrences of <paramref name="before"/> that <paramref name="after"/> no longer has.</summary>
    public static IEnumerable<Occurrence> Removed(IReadOnlyList<Occurrence> before, IReadOnlyList<Occurrence> after) => Added(after, before);

    /// <summary>Every line of <paramref name="text"/> with its 1-based number.</summary>
    public static IEnumerable<(int Line, string Text)> Lines(string? text)
        => (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select((line, index) => (index + 1, line));

    /// <summary>The 1-based line of a character offset.</summary>
    public static int LineOf(string text, int offset)
    {
        var line = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    /// <summary>A line as evidence: trimmed, at most 160 characters.</summary>
    public static string Evidence(string text)
    {
        var trimmed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return trimmed.Length <= 160 ? trimmed : trimmed[..159] + "…";
    }

    private static string Normalize(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
