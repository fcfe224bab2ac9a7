namespace Aegis.Analyzers.Secrets;

/// <summary>
/// Names of resources, cache entries, locks and queues: <c>orders:pending</c>, <c>inventory-sync</c>,
/// <c>feature.flags.refresh</c>. A member that merely ends in <c>Key</c> (<c>LockKey</c>, <c>CacheKey</c>) holds
/// names like these far more often than secrets, and their words and separators give them the entropy of one.
/// </summary>
internal static class ResourceNames
{
    /// <summary>What joins the words of a resource name.</summary>
    private static readonly HashSet<char> Separators = new() { ':', '-', '.' };

    /// <summary>
    /// Two or more lower-case words joined by <see cref="Separators"/>; a word is letters, then optionally digits
    /// (<c>shard2</c>, <c>v3</c>). Random text rarely has that shape: a digit inside a word or an upper-case letter
    /// (<c>x9k2-pq7z</c>, <c>Orders:Zt4Wq9</c>) is not a name.
    /// </summary>
    public static bool IsResourceName(string text)
    {
        var words = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && text[i] is >= 'a' and <= 'z')
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }

            while (i < text.Length && text[i] is >= '0' and <= '9')
            {
                i++;
            }

            words++;
            if (i == text.Length)
            {
                break;
            }

            if (!Separators.Contains(text[i]) || i + 1 == text.Length)
            {
                return false;
            }

            i++;
        }

        return words >= 2;
    }
}
