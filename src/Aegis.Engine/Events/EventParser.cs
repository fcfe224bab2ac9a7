using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Containment;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Events;

/// <summary>
/// Reads events (docs/event.schema.json) with one coded error per bad input, naming where it came from: AEGB075 not
/// JSON or not an object, AEGB076 a wrong envelope field, AEGB077 a payload that does not fit its kind. Defaults:
/// a missing <c>id</c> is generated, a missing <c>received_at</c> is now, a missing <c>source</c> is the intake's.
/// </summary>
public static partial class EventParser
{
    /// <summary>An event larger than this is refused before it is parsed (a proposed file's content included).</summary>
    public const int MaxEventBytes = 8 * 1024 * 1024;

    /// <summary>Fields the envelope knows; any other top-level field is kept out (an event is data, not options).</summary>
    private static readonly IReadOnlySet<string> EnvelopeFields = new HashSet<string>(StringComparer.Ordinal) { "id", "kind", "source", "received_at", "repository", "ref", "files", "payload", "$schema" };

    /// <summary>Each kind's own payload check, as data: throws <see cref="FormatException"/> with the reason.</summary>
    private static readonly IReadOnlyDictionary<string, Action<AegisEvent>> PayloadChecks = new Dictionary<string, Action<AegisEvent>>(StringComparer.Ordinal)
    {
        [EventKinds.Scan] = e => OptionalRelativePath(e.Payload, "target"),
        [EventKinds.Push] = e =>
        {
            if (e.Files.Count == 0)
            {
                throw new FormatException("a push event names the changed files: 'files' (or payload.commits[].added/modified/removed) is empty");
            }
        },
        [EventKinds.Propose] = e => ProposedActionOf(e),
        [EventKinds.Alert] = e => AlertIncidents.Read(e),
        [EventKinds.Advisory] = e => AdvisoryOf(e, origin: null),
    };

    /// <summary>Parses one event; throws <see cref="AegisException"/> (AEGB075–077) naming <paramref name="origin"/>.</summary>
    public static AegisEvent Parse(string json, string? origin = null, string defaultSource = "cli", Func<DateTimeOffset>? clock = null)
    {
        if (json.Length > MaxEventBytes)
        {
            throw new AegisException(ErrorCodes.EventMalformed, Where(origin) + "the event is larger than " + (MaxEventBytes / 1024 / 1024).ToString(CultureInfo.InvariantCulture) + " MiB");
        }

        using (var document = Json(json, origin))
        {
            return FromElement(document.RootElement, origin, defaultSource, clock);
        }
    }

    /// <summary>One event from an element (an array item of a queue, a request body already parsed).</summary>
    public static AegisEvent FromElement(JsonElement element, string? origin = null, string defaultSource = "cli", Func<DateTimeOffset>? clock = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AegisException(ErrorCodes.EventMalformed, Where(origin) + "an event is a JSON object (got " + element.ValueKind.ToString().ToLowerInvariant() + ")");
        }

        AegisEvent parsed;
        try
        {
            parsed = Envelope(element, defaultSource, clock ?? (() => DateTimeOffset.UtcNow));
        }
        catch (FormatException exception)
        {
            throw new AegisException(ErrorCodes.EventInvalid, Where(origin) + exception.Message, exception);
        }

        try
        {
            PayloadChecks[parsed.Kind](parsed);
        }
        catch (Exception exception) when (exception is FormatException or AegisException or JsonException or InvalidOperationException)
        {
            throw new AegisException(ErrorCodes.EventPayloadInvalid, Where(origin) + "event " + parsed.Id + " (" + parsed.Kind + "): " + exception.Message, exception);
        }

        return parsed;
    }

    private static JsonDocument Json(string json, string? origin)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            throw new AegisException(ErrorCodes.EventMalformed, Where(origin) + "not JSON: " + exception.Message, exception);
        }
    }

    /// <summary>A queue file: a JSON array of events. Each element is parsed on its own, so one bad element does not
    /// stop the rest: an element is either an event or the coded error it got, with where it is (<c>queue.json[3]</c>).
    /// Not an array is AEGB075.</summary>
    public static IReadOnlyList<QueuedEvent> ParseQueue(string json, string? origin = null, string defaultSource = "cli", Func<DateTimeOffset>? clock = null)
    {
        using (var document = Json(json, origin))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new AegisException(ErrorCodes.EventMalformed, Where(origin) + "an event queue is a JSON array of events");
            }

            var results = new List<QueuedEvent>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var at = (origin ?? "queue") + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                try
                {
                    results.Add(new QueuedEvent(at, FromElement(element, at, defaultSource, clock), null));
                }
                catch (AegisException exception)
                {
                    var (id, kind) = Identify(element);
                    results.Add(new QueuedEvent(at, null, exception) { Id = id, Kind = kind });
                }

                index++;
            }

            return results;
        }
    }

    /// <summary>What a bad event says it is, as far as it can be trusted: its <c>id</c> when that is a valid id, its
    /// <c>kind</c> when that is a known kind (so its result is filed under its id); nulls otherwise.</summary>
    public static (string? Id, string? Kind) Identify(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        string? Text(string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var id = Text("id") is { } i && EventId().IsMatch(i) ? i : null;
        var kind = Text("kind") is { } k && EventKinds.All.Contains(k, StringComparer.Ordinal) ? k : null;
        return (id, kind);
    }

    /// <summary><see cref="Identify(JsonElement)"/> for a text that may not even be JSON.</summary>
    public static (string? Id, string? Kind) Identify(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return Identify(document.RootElement);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The propose action a <c>propose</c> event carries: the payload itself, or its <c>action</c> object.</summary>
    public static ProposedAction ProposedActionOf(AegisEvent e)
    {
        var action = e.Payload.TryGetProperty("action", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : e.Payload;
        return ProposedAction.Parse(action.GetRawText());
    }

    /// <summary>The advisory an <c>advisory</c> event carries, read by the same rules <c>aegis contain --event</c> applies.</summary>
    public static AdvisoryEvent AdvisoryOf(AegisEvent e, string? origin)
        => AdvisoryEvent.FromPayload(origin ?? "event " + e.Id, e.Id, e.Payload);

    private static AegisEvent Envelope(JsonElement root, string defaultSource, Func<DateTimeOffset> clock)
    {
        if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !EnvelopeFields.Contains(name)) is { } unknown)
        {
            throw new FormatException("unknown field '" + Clip(unknown) + "' (an event has id, kind, source, received_at, repository, ref, files, payload)");
        }

        var kind = OptionalString(root, "kind") ?? throw new FormatException("the event has no 'kind' (one of " + string.Join(", ", EventKinds.All) + ")");
        if (!EventKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            throw new FormatException("unknown kind '" + Clip(kind) + "' (one of " + string.Join(", ", EventKinds.All) + ")");
        }

        var id = OptionalString(root, "id") ?? "evt_" + Guid.NewGuid().ToString("N");
        if (!EventId().IsMatch(id))
        {
            throw new FormatException("bad id '" + Clip(id) + "': letters, digits, '.', '_', '-', starting with a letter or digit, at most 128 characters");
        }

        var receivedText = OptionalString(root, "received_at");
        var received = clock();
        if (receivedText is not null && !DateTimeOffset.TryParse(receivedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out received))
        {
            throw new FormatException("bad received_at '" + Clip(receivedText) + "': an ISO 8601 time such as 2026-01-31T12:00:00Z");
        }

        var payload = root.TryGetProperty("payload", out var p) ? p : default;
        if (payload.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw new FormatException("'payload' is a JSON object");
        }

        var payloadCopy = payload.ValueKind == JsonValueKind.Object ? payload.Clone() : EmptyObject();
        var files = Files(root, kind, payloadCopy);
        return new AegisEvent(id, kind, OptionalString(root, "source") ?? defaultSource, received.ToUniversalTime(), OptionalString(root, "repository"), OptionalString(root, "ref"), files, payloadCopy);
    }

    /// <summary>The event's files, checked; for a push without any, the files a GitHub-style push payload's commits touch.</summary>
    private static IReadOnlyList<string> Files(JsonElement root, string kind, JsonElement payload)
    {
        var files = new List<string>();
        if (root.TryGetProperty("files", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("'files' is an array of repository-relative paths");
            }

            foreach (var item in list.EnumerateArray())
            {
                files.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new FormatException("'files' holds strings only"));
            }
        }

        if (files.Count == 0 && kind == EventKinds.Push && payload.TryGetProperty("commits", out var commits) && commits.ValueKind == JsonValueKind.Array)
        {
            foreach (var commit in commits.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
            {
                foreach (var field in new[] { "added", "modified", "removed" })
                {
                    if (commit.TryGetProperty(field, out var paths) && paths.ValueKind == JsonValueKind.Array)
                    {
                        files.AddRange(paths.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                    }
                }
            }
        }

        return files.Select(CheckedRelativePath).Distinct(StringComparer.Ordinal).ToList();
    }

    private static void OptionalRelativePath(JsonElement payload, string name)
    {
        if (OptionalString(payload, name) is { } path)
        {
            CheckedRelativePath(path);
        }
    }

    /// <summary>A repository-relative path with <c>/</c>; absolute paths and <c>..</c> segments are refused.</summary>
    internal static string CheckedRelativePath(string path)
    {
        var normalized = path.Replace('\\', '/');
        if (normalized.Length == 0 || normalized.Length > 1024 || normalized.Contains('\0', StringComparison.Ordinal))
        {
            throw new FormatException("bad file path '" + Clip(path) + "'");
        }

        if (normalized.StartsWith('/') || Path.IsPathRooted(path) || (normalized.Length > 1 && normalized[1] == ':'))
        {
            throw new FormatException("file path '" + Clip(path) + "' is absolute; events name repository-relative paths");
        }

        if (normalized.Split('/').Any(segment => segment == ".."))
        {
            throw new FormatException("file path '" + Clip(path) + "' escapes the repository through '..'");
        }

        return normalized.StartsWith("./", StringComparison.Ordinal) ? normalized[2..] : normalized;
    }

    internal static string? OptionalString(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException("'" + name + "' is a string");
    }

    private static JsonElement EmptyObject()
    {
        using var empty = JsonDocument.Parse("{}");
        return empty.RootElement.Clone();
    }

    private static string Where(string? origin) => origin is null ? "" : origin + ": ";

    /// <summary>Input echoed in a message is cut short and kept on one line.</summary>
    internal static string Clip(string text) => ConfigText.OneLine(text.Length > 80 ? text[..80] + "…" : text);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex EventId();
}

/// <summary>One element of a queue: the event, or the coded error it got (with the id and kind it claimed, if valid).</summary>
public sealed record QueuedEvent(string Origin, AegisEvent? Event, AegisException? Error)
{
    public string? Id { get; init; }

    public string? Kind { get; init; }
}
