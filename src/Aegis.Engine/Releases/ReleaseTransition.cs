using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>
/// One move of a release, stored as its own file (<c>transitions/NNNN.json</c>, created once and never rewritten):
/// who, when, why, from, to and the weight it leaves. The first (<c>create</c>) also carries the release's definition.
/// </summary>
public sealed record ReleaseTransition(
    string Release,
    int Sequence,
    string Action,
    string? From,
    string To,
    int Weight,
    string Actor,
    string Reason,
    string At,
    ReleaseDefinition? Definition = null)
{
    public const string Schema = "aegis.release-transition/v1";

    public string ToJson()
    {
        var json = new JsonText().BeginObject();
        WriteFields(json);
        return json.EndObject().ToString();
    }

    internal void WriteFields(JsonText json)
    {
        json.Property("schema", Schema)
            .Property("release", Release)
            .Property("sequence", Sequence)
            .Property("action", Action)
            .Property("from", From)
            .Property("to", To)
            .Property("weight", Weight)
            .Property("actor", Actor)
            .Property("reason", Reason)
            .Property("at", At);
        if (Definition is not null)
        {
            json.Name("definition");
            Definition.WriteTo(json);
        }
    }

    /// <summary>Parses a stored transition; anything malformed is a <see cref="FormatException"/> the store names the file with.</summary>
    public static ReleaseTransition Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "schema") != Schema)
            {
                throw new FormatException($"not a release transition (expected \"schema\": \"{Schema}\")");
            }

            var action = Required(root, "action");
            var to = Required(root, "to");
            if (!ReleaseStates.Actions.Contains(action) || ReleaseStates.Target(action, Text(root, "from")) != to)
            {
                throw new FormatException($"'{action}' from '{Text(root, "from") ?? "nothing"}' to '{to}' is not a legal move");
            }

            return new ReleaseTransition(
                Required(root, "release"),
                Number(root, "sequence"),
                action,
                Text(root, "from"),
                to,
                Number(root, "weight"),
                Required(root, "actor"),
                Text(root, "reason") ?? "",
                Required(root, "at"),
                root.TryGetProperty("definition", out var definition) && definition.ValueKind == JsonValueKind.Object ? ReleaseDefinition.Parse(definition) : null);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException(exception.Message, exception);
        }
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(JsonElement element, string name)
        => Text(element, name) ?? throw new FormatException($"'{name}' is missing or not a string");

    private static int Number(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FormatException($"'{name}' is missing or not a whole number");
}

/// <summary>What a release is: its flag name and the card it carries, and whether it was forced past the card's verdict.</summary>
public sealed record ReleaseDefinition(string Name, ReleaseCardReference Card, bool Forced, string? ForceNote)
{
    internal void WriteTo(JsonText json)
    {
        json.BeginObject().Property("name", Name).Name("card");
        Card.WriteTo(json);
        json.Property("forced", Forced).Property("force_note", ForceNote).EndObject();
    }

    internal static ReleaseDefinition Parse(JsonElement element)
        => new(
            element.GetProperty("name").GetString() ?? throw new FormatException("'definition.name' is missing"),
            ReleaseCardReference.Parse(element.GetProperty("card")),
            element.GetProperty("forced").GetBoolean(),
            element.TryGetProperty("force_note", out var note) && note.ValueKind == JsonValueKind.String ? note.GetString() : null);
}
