using System.Globalization;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// <c>.aegis/history/</c>: one file per card, never rewritten. A record is written to a temp file and renamed to
/// <c>&lt;ts in ms&gt;-&lt;request_id&gt;.json</c>; the name is unique per card, so parallel builds of many projects
/// never contend for one file (no lock, no lost append, no torn line) and a reader sees whole records only.
/// </summary>
public static class RiskHistory
{
    public static string DirectoryFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "history");

    public static string Record(string repositoryRoot, RiskCard card, string cardJson)
    {
        var path = PathFor(repositoryRoot, card);
        if (!AtomicFile.TryCreate(path, cardJson))
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "history record already exists: " + path);
        }

        return path;
    }

    /// <summary>The record's file: <c>&lt;ts in ms&gt;-&lt;request_id&gt;.json</c>.</summary>
    public static string PathFor(string repositoryRoot, RiskCard card)
        => Path.Combine(DirectoryFor(repositoryRoot), ((long)Math.Round(card.Ts * 1000)).ToString("D15", CultureInfo.InvariantCulture) + "-" + card.RequestId + ".json");

    public static IReadOnlyList<string> List(string repositoryRoot)
    {
        var directory = DirectoryFor(repositoryRoot);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.json").OrderBy(p => p, StringComparer.Ordinal).ToList()
            : Array.Empty<string>();
    }
}
