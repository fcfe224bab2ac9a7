using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Agents;

/// <summary>An agent's pre-edit hook payload, reduced to what Aegis judges: which file, and its new text or the edits to it.</summary>
public sealed class HookRequest
{
    /// <summary>The actor the card records (and the policy recognises an agent by).</summary>
    public string Actor { get; init; } = "agent";

    /// <summary>The agent's tool (Write, Edit, …) or event that asked.</summary>
    public string Tool { get; init; } = "";

    /// <summary>Why the request is not an edit Aegis judges (another tool or event), or null when it is.</summary>
    public string? NotJudged { get; init; }

    /// <summary>As the agent gave it: absolute, or relative to the repository root.</summary>
    public string FilePath { get; init; } = "";

    public string? Content { get; init; }

    public string? Patch { get; init; }

    public IReadOnlyList<TextEdit>? Edits { get; init; }

    public string Intent { get; init; } = "";

    /// <summary>A hook payload larger than this is refused unread: no real edit is this big.</summary>
    public const int MaxPayloadChars = 8 * 1024 * 1024;

    internal static JsonElement ParseObject(string payload)
    {
        if (payload.Length > MaxPayloadChars)
        {
            throw Malformed("the payload is larger than " + (MaxPayloadChars / 1024 / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + " MiB");
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw Malformed("the payload is not a JSON object");
        }
        catch (JsonException exception)
        {
            throw Malformed("the payload is not JSON: " + exception.Message);
        }
    }

    internal static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => throw Malformed("'" + name + "' must be a string"),
            }
            : null;

    internal static string RequiredString(JsonElement element, string name, string where)
        => String(element, name) ?? throw Malformed(where + " has no '" + name + "'");

    internal static bool Boolean(JsonElement element, string name)
        => element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Malformed("'" + name + "' must be true or false"),
            }
            : false;

    /// <summary>Edits as <c>{old_string, new_string, replace_all?}</c> objects.</summary>
    internal static List<TextEdit> Edit(JsonElement element, string where)
        => new() { new TextEdit(RequiredString(element, "old_string", where), RequiredString(element, "new_string", where), Boolean(element, "replace_all")) };

    internal static List<TextEdit> EditList(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var edits) || edits.ValueKind != JsonValueKind.Array || edits.GetArrayLength() == 0)
        {
            throw Malformed(where + " has no '" + name + "' array of edits");
        }

        return edits.EnumerateArray().SelectMany((e, i) => e.ValueKind == JsonValueKind.Object
            ? Edit(e, name + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]")
            : throw Malformed(name + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "] is not an object")).ToList();
    }

    internal static AegisException Malformed(string message) => new(ErrorCodes.HookPayloadMalformed, "malformed hook payload: " + message);
}
