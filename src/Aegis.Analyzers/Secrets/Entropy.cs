namespace Aegis.Analyzers.Secrets;

/// <summary>Shannon entropy and the "obviously fake" shapes of test data.</summary>
internal static class Entropy
{
    /// <summary>Bits per character of <paramref name="text"/> (0 for empty text).</summary>
    public static double Shannon(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var counts = new Dictionary<char, int>();
        foreach (var c in text)
        {
            counts.TryGetValue(c, out var n);
            counts[c] = n + 1;
        }

        double entropy = 0;
        foreach (var count in counts.Values)
        {
            var p = (double)count / text.Length;
            entropy -= p * Math.Log(p, 2);
        }

        return entropy;
    }

    /// <summary>
    /// True for values no one would use as a real secret: one character repeated (<c>aaaaaaaa</c>, <c>00000</c>),
    /// at most two distinct characters, or a run where every character follows the previous one
    /// (<c>12345678</c>, <c>abcdefgh</c>).
    /// </summary>
    public static bool IsTrivial(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        var distinct = new HashSet<char>(text);
        if (distinct.Count <= 2)
        {
            return true;
        }

        var ascending = true;
        var descending = true;
        for (var i = 1; i < text.Length; i++)
        {
            ascending &= text[i] == text[i - 1] + 1 || (text[i] == '0' && text[i - 1] == '9');
            descending &= text[i] == text[i - 1] - 1;
        }

        return ascending || descending;
    }
}
