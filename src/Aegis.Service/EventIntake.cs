using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Engine.Events;
using Aegis.Engine.Infrastructure;

namespace Aegis.Service;

/// <summary>Where <c>POST /events</c> put what it accepted.</summary>
public sealed record AcceptedEvent(string Id, string Kind, bool Duplicate, string Path);

/// <summary>
/// <c>POST /events</c> → <c>.aegis/inbox/events/&lt;id&gt;.json</c>: the event is checked by the engine's parser (the
/// same AEGB075–077 errors as <c>aegis process-event</c>), completed (id, source, received_at) and created — never
/// replaced — before the answer, so an accepted event survives a server killed right after. The inbox's processor
/// (the service's worker, or <c>aegis process-inbox</c>) takes it from there. An id seen before — waiting, or with a
/// result — is answered as a duplicate and not recorded again.
/// </summary>
public sealed class EventIntake(string repositoryRoot)
{
    public const string Origin = "POST /events";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string EventsFolder { get; } = EventInbox.EventsDirectory(repositoryRoot);

    public string ResultsFolder { get; } = EventResults.DirectoryFor(repositoryRoot);

    /// <summary>Events waiting to be processed (the <c>aegis_inbox_depth</c> gauge).</summary>
    public int Depth()
    {
        try
        {
            return EventInbox.Depth(repositoryRoot);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Waiting in <c>events/</c>, or claimed by a processor (<c>processing/&lt;id&gt;.json~…</c>) and not finished yet.</summary>
    public bool IsWaiting(string id)
    {
        var processing = EventInbox.ProcessingDirectory(repositoryRoot);
        return File.Exists(System.IO.Path.Combine(EventsFolder, id + ".json"))
            || (Directory.Exists(processing) && Directory.EnumerateFiles(processing, id + ".json" + EventInbox.ClaimSeparator + "*").Any());
    }

    public AcceptedEvent Accept(string body, string source, DateTimeOffset now)
    {
        JsonObject item;
        try
        {
            item = JsonNode.Parse(body) as JsonObject ?? throw new AegisException(ErrorCodes.EventMalformed, Origin + ": an event is a JSON object");
        }
        catch (JsonException exception)
        {
            throw new AegisException(ErrorCodes.EventMalformed, Origin + ": not JSON: " + exception.Message, exception);
        }

        return Accept(item, source, now);
    }

    public AcceptedEvent Accept(JsonObject item, string source, DateTimeOffset now)
    {
        // The id names the inbox file: only a plain name, whatever the parser would allow.
        var id = String(item, "id") ?? "evt_" + Guid.NewGuid().ToString("N");
        if (!HistoryFileCardIndex.RequestIdShape().IsMatch(id))
        {
            throw ServiceProblem.BadRequest("the event id must be 1-100 letters, digits, '_' or '-' (got '" + id + "')");
        }

        item["id"] = id;
        item["source"] = String(item, "source") ?? source;
        item["received_at"] = String(item, "received_at") ?? now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var text = item.ToJsonString(Indented) + "\n";
        var parsed = EventParser.Parse(text, Origin, source);

        var path = System.IO.Path.Combine(EventsFolder, id + ".json");
        if (File.Exists(System.IO.Path.Combine(ResultsFolder, id + ".json")))
        {
            return new AcceptedEvent(id, parsed.Kind, Duplicate: true, path);
        }

        return new AcceptedEvent(id, parsed.Kind, Duplicate: !AtomicFile.TryCreate(path, text), path);
    }

    private static string? String(JsonObject item, string name)
        => item[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
