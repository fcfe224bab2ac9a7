using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Events;

/// <summary>A coded error: what a bad event (or a failed route) gets instead of a card.</summary>
public sealed record EventError(string Code, string Message);

/// <summary>What became of one event: <see cref="Status"/> says which, the other fields say where to look.</summary>
/// <param name="Id">The result's own id (<c>res_…</c>).</param>
/// <param name="EventId">The event's id; null when the event could not be read far enough to have one.</param>
/// <param name="Kind">The event's kind; null likewise.</param>
/// <param name="Status">One of <see cref="EventStatuses"/>.</param>
/// <param name="CardPath">The card written for it (<c>risk-card.json</c>), if any.</param>
/// <param name="RequestId">That card's <c>request_id</c>.</param>
/// <param name="CardStatus">That card's <c>status</c> (<c>allow</c> or <c>blocked</c>).</param>
/// <param name="Recommendation">That card's <c>recommendation</c>.</param>
/// <param name="PlanPath">An advisory's containment plan (<c>plan.json</c>), if any.</param>
/// <param name="Message">One line: what was done (or why nothing was).</param>
/// <param name="Error">For <see cref="EventStatuses.Failed"/>: the one coded error.</param>
/// <param name="Origin">Where the event came from (its file, <c>queue.json[3]</c>, a route).</param>
public sealed record EventResult(
    string Id,
    string? EventId,
    string? Kind,
    string Status,
    string? CardPath,
    string? RequestId,
    string? CardStatus,
    string? Recommendation,
    string? PlanPath,
    string Message,
    EventError? Error,
    string? Origin,
    DateTimeOffset ProcessedAt)
{
    public const string SchemaName = "aegis.eventresult/v1";

    /// <summary>The event's envelope as the result records it (so the history index can be rebuilt from results alone).</summary>
    public EventSummary? Event { get; init; }

    /// <summary>Projects a push (or scan) looked at; Aegis incidents an alert was correlated with (fingerprints).</summary>
    public IReadOnlyList<string> Projects { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> Correlated { get; init; } = Array.Empty<string>();

    public static string NewId() => "res_" + Guid.NewGuid().ToString("N");

    /// <summary>A result for input that never became an event (AEGB075–077).</summary>
    public static EventResult ForBadInput(AegisException error, string? origin, DateTimeOffset now, string? eventId = null, string? kind = null)
        => new(NewId(), eventId, kind, EventStatuses.Failed, null, null, null, null, null, error.Message, new EventError(error.Code, error.Message), origin, now);

    public string ToJson()
    {
        var json = new JsonText().BeginObject()
            .Property("schema", SchemaName)
            .Property("id", Id)
            .Property("event_id", EventId)
            .Property("kind", Kind)
            .Property("status", Status)
            .Property("card", CardPath)
            .Property("request_id", RequestId)
            .Property("card_status", CardStatus)
            .Property("recommendation", Recommendation)
            .Property("plan", PlanPath)
            .Property("message", Message);
        json.Name("projects").InlineArray(Projects.Cast<object?>().ToArray());
        json.Name("correlated").InlineArray(Correlated.Cast<object?>().ToArray());
        json.Name("error");
        if (Error is null)
        {
            json.Null();
        }
        else
        {
            json.BeginObject().Property("code", Error.Code).Property("message", Error.Message).EndObject();
        }

        json.Property("origin", Origin)
            .Property("processed_at", ProcessedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.Name("event");
        if (Event is null)
        {
            json.Null();
        }
        else
        {
            json.BeginObject()
                .Property("id", Event.Id)
                .Property("kind", Event.Kind)
                .Property("source", Event.Source)
                .Property("received_at", Event.ReceivedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                .Property("repository", Event.Repository)
                .Property("ref", Event.Ref)
                .Name("files").InlineArray(Event.Files.Cast<object?>().ToArray())
                .EndObject();
        }

        return json.EndObject().ToString();
    }

    /// <summary>Reads a result file back (the history index's rebuild); throws <see cref="JsonException"/> or
    /// <see cref="FormatException"/> for anything that is not one.</summary>
    public static EventResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || EventParser.OptionalString(root, "schema") != SchemaName)
        {
            throw new FormatException("not an event result (no \"schema\": \"" + SchemaName + "\")");
        }

        string? S(JsonElement e, string name) => EventParser.OptionalString(e, name);
        IReadOnlyList<string> List(JsonElement e, string name)
            => e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : Array.Empty<string>();
        DateTimeOffset Time(string? text) => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UnixEpoch;

        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? new EventError(S(e, "code") ?? "", S(e, "message") ?? "") : null;
        var summary = root.TryGetProperty("event", out var ev) && ev.ValueKind == JsonValueKind.Object
            ? new EventSummary(S(ev, "id") ?? "", S(ev, "kind") ?? "", S(ev, "source") ?? "", Time(S(ev, "received_at")), S(ev, "repository"), S(ev, "ref"), List(ev, "files"))
            : null;
        return new EventResult(
            S(root, "id") ?? throw new FormatException("the result has no id"),
            S(root, "event_id"),
            S(root, "kind"),
            S(root, "status") ?? "",
            S(root, "card"),
            S(root, "request_id"),
            S(root, "card_status"),
            S(root, "recommendation"),
            S(root, "plan"),
            S(root, "message") ?? "",
            error,
            S(root, "origin"),
            Time(S(root, "processed_at")))
        {
            Event = summary,
            Projects = List(root, "projects"),
            Correlated = List(root, "correlated"),
        };
    }
}

/// <summary>The envelope of an event without its payload (payloads may hold a proposed file's content).</summary>
public sealed record EventSummary(string Id, string Kind, string Source, DateTimeOffset ReceivedAt, string? Repository, string? Ref, IReadOnlyList<string> Files)
{
    public static EventSummary Of(AegisEvent e) => new(e.Id, e.Kind, e.Source, e.ReceivedAt, e.Repository, e.Ref, e.Files);
}

/// <summary>Values of <see cref="EventResult.Status"/>.</summary>
public static class EventStatuses
{
    /// <summary>The engine did what the kind asks: a card (scan, push, propose, alert) or a plan (advisory).</summary>
    public const string Processed = "processed";

    /// <summary>Nothing to do, said why (a push that touches no C# project).</summary>
    public const string Skipped = "skipped";

    /// <summary>Bad input or a failed route: <see cref="EventResult.Error"/> holds the one coded error.</summary>
    public const string Failed = "failed";
}
