using Aegis.Engine.History;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Events;

/// <summary>
/// <c>.aegis/inbox/results/</c>: one file per event, <c>&lt;event id&gt;.json</c> (a result for input without an id:
/// <c>&lt;result id&gt;.json</c>). Written atomically, then indexed in <c>.aegis/aegis.db</c>.
/// </summary>
public static class EventResults
{
    public static string DirectoryFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "inbox", "results");

    public static string PathFor(string repositoryRoot, EventResult result) => PathFor(repositoryRoot, result.EventId ?? result.Id);

    public static string PathFor(string repositoryRoot, string eventId) => Path.Combine(DirectoryFor(repositoryRoot), eventId + ".json");

    /// <summary>Writes the result (replacing an earlier one for the same event, unless <paramref name="createNew"/>) and
    /// indexes it. Returns the path, or null when <paramref name="createNew"/> found one there already. An index
    /// failure goes to <paramref name="warn"/> (AEGB079); the file is written either way.</summary>
    public static string? Record(string repositoryRoot, EventResult result, bool createNew = false, Action<string, string>? warn = null)
    {
        var path = PathFor(repositoryRoot, result);
        try
        {
            if (createNew)
            {
                if (!AtomicFile.TryCreate(path, result.ToJson()))
                {
                    return null;
                }
            }
            else
            {
                AtomicFile.WriteAllText(path, result.ToJson());
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write the event result " + path + ": " + exception.Message, exception);
        }

        if (HistoryIndex.TryRecordResult(repositoryRoot, path, result) is { } warning)
        {
            warn?.Invoke(ErrorCodes.HistoryIndexUnavailable, warning);
        }

        return path;
    }
}
