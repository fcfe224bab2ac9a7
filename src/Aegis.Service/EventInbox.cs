using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;

namespace Aegis.Service;

/// <summary>Where <c>POST /events</c> puts what it accepted; what happened to it later.</summary>
public sealed record AcceptedEvent(string Id, string Kind, bool Duplicate, string Path);

/// <summary>
/// <c>POST /events</c> → <c>.aegis/inbox/events/&lt;id&gt;.json</c>, created (never replaced) before the answer, so an
/// accepted event survives a server killed right after; the event worker (or <c>aegis process-inbox</c>) takes it from
/// there. An id seen before — waiting, or with a result — is answered as a duplicate and not recorded again.
/// </summary>
public sealed class EventInbox(string repositoryRoot)
{
    /// <summary>The kinds of DESIGN's event model; the processor routes each.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "scan", "push", "propose", "alert", "advisory" };

    public string EventsFolder { get; } = Path.Combine(repositoryRoot, ".aegis", "inbox", "events");

    public string ResultsFolder { get; } = Path.Combine(repositoryRoot, ".aegis", "inbox", "results");

    /// <summary>Events waiting to be processed (for the <c>aegis_inbox_depth</c> gauge).</summary>
    public int Depth()
    {
        try
        {
            return Directory.Exists(EventsFolder) ? Directory.EnumerateFiles(EventsFolder, "*.json").Count() : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Checks the event's shape (id, kind, files inside the repository), completes it and records it.</summary>
    public AcceptedEvent Accept(string body, string source, DateTimeOffset now)
    {
        JsonObject item;
        try
        {
            item = JsonNode.Parse(body) as JsonObject ?? throw ServiceProblem.BadRequest("the event must be a JSON object");
        }
        catch (JsonException exception)
        {
            throw ServiceProblem.BadRequest("the event is not JSON: " + exception.Message);
        }

        return Accept(item, source, now);
    }

    public AcceptedEvent Accept(JsonObject item, string source, DateTimeOffset now)
    {
        var kind = String(item, "kind") ?? throw ServiceProblem.BadRequest("the event has no 'kind' (one of " + string.Join(", ", Kinds.Order(StringComparer.Ordinal)) + ")");
        if (!Kinds.Contains(kind))
        {
            throw ServiceProblem.BadRequest("unknown event kind '" + kind + "' (one of " + string.Join(", ", Kinds.Order(StringComparer.Ordinal)) + ")");
        }

        var id = String(item, "id") ?? "evt_" + Guid.NewGuid().ToString("N");
        if (!HistoryFileCardIndex.RequestIdShape().IsMatch(id))
        {
            throw ServiceProblem.BadRequest("the event id must be 1-100 letters, digits, '_' or '-' (got '" + id + "')");
        }

        if (item["files"] is JsonArray files)
        {
            foreach (var file in files)
            {
                var path = file is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw ServiceProblem.BadRequest("'files' must be an array of paths");
                if (AegisPolicy.CheckLocation(repositoryRoot, path.Replace('\\', '/')) is { } problem)
                {
                    throw ServiceProblem.BadRequest("'files': " + problem);
                }
            }
        }

        item["id"] = id;
        item["source"] = String(item, "source") ?? source;
        item["received_at"] = now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var path1 = Path.Combine(EventsFolder, id + ".json");
        if (File.Exists(Path.Combine(ResultsFolder, id + ".json")))
        {
            return new AcceptedEvent(id, kind, Duplicate: true, path1);
        }

        var created = AtomicFile.TryCreate(path1, item.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new AcceptedEvent(id, kind, Duplicate: !created, path1);
    }

    private static string? String(JsonObject item, string name)
        => item[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
