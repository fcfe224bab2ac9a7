namespace Aegis.Analyzers.Infrastructure;

/// <summary>Plain substring searches over a list of words.</summary>
internal static class TextSearch
{
    public static bool ContainsAny(string text, IEnumerable<string> words, StringComparison comparison)
    {
        foreach (var word in words)
        {
            if (text.IndexOf(word, comparison) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
