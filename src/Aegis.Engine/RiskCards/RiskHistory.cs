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

    /// <summary>
    /// Removes the records <paramref name="retention"/> no longer keeps: beyond the newest <c>MaxRecords</c> (by name,
    /// which starts with the card's time) or older than <c>MaxAgeDays</c>. Safe beside parallel writers and pruners:
    /// only files named like a record are touched, never <paramref name="justWritten"/> nor a file written within
    /// <see cref="HistoryRetention.Grace"/>, and a file that cannot be deleted (gone already, locked, read-only) is
    /// skipped. Returns how many records were deleted.
    /// </summary>
    public static int Prune(string repositoryRoot, HistoryRetention retention, string? justWritten = null, DateTimeOffset? now = null, Action<string>? delete = null)
    {
        var directory = DirectoryFor(repositoryRoot);
        if ((retention.MaxRecords <= 0 && retention.MaxAgeDays <= 0) || !Directory.Exists(directory))
        {
            return 0;
        }

        var clock = now ?? DateTimeOffset.UtcNow;
        var oldestKept = retention.MaxAgeDays > 0 ? clock.AddDays(-retention.MaxAgeDays).ToUnixTimeMilliseconds() : long.MinValue;
        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "*.json");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        var records = files
            .Select(path => (Path: path, Milliseconds: RecordMilliseconds(Path.GetFileName(path))))
            .Where(record => record.Milliseconds is not null)
            .OrderByDescending(record => Path.GetFileName(record.Path), StringComparer.Ordinal)
            .ToList();
        var deleted = 0;
        for (var index = 0; index < records.Count; index++)
        {
            var (path, milliseconds) = records[index];
            var beyondCount = retention.MaxRecords > 0 && index >= retention.MaxRecords;
            var tooOld = milliseconds < oldestKept;
            if ((!beyondCount && !tooOld) || string.Equals(path, justWritten, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                if (clock - new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) < HistoryRetention.Grace)
                {
                    continue;
                }

                (delete ?? File.Delete)(path);
                deleted++;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another pruner got there first, or the file is held or protected: it stays until a later run.
            }
        }

        return deleted;
    }

    /// <summary>The card time of a record's file name (<c>&lt;15 digits&gt;-&lt;request_id&gt;.json</c>), or null for any other file.</summary>
    private static long? RecordMilliseconds(string fileName)
        => fileName.Length > 21 && fileName[15] == '-' && fileName.Take(15).All(char.IsAsciiDigit)
            && long.TryParse(fileName.AsSpan(0, 15), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? milliseconds
            : null;

    public static IReadOnlyList<string> List(string repositoryRoot)
    {
        var directory = DirectoryFor(repositoryRoot);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.json").OrderBy(p => p, StringComparer.Ordinal).ToList()
            : Array.Empty<string>();
    }
}
