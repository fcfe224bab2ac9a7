namespace Aegis.Analyzers.Profile;

/// <summary>Typed reads from a parsed JSON object, with the default when a field is missing or of another type.</summary>
internal static class JsonFields
{
    public static string? String(Dictionary<string, object?> json, string name)
        => json.TryGetValue(name, out var value) ? value as string : null;

    public static int Int(Dictionary<string, object?> json, string name)
        => json.TryGetValue(name, out var value) && value is double number ? (int)number : 0;

    public static bool Bool(Dictionary<string, object?> json, string name)
        => json.TryGetValue(name, out var value) && value is true;

    public static IReadOnlyList<string> Strings(Dictionary<string, object?> json, string name)
        => json.TryGetValue(name, out var value) && value is List<object?> items
            ? items.OfType<string>().ToArray()
            : Array.Empty<string>();

    public static Dictionary<string, object?>? Object(Dictionary<string, object?> json, string name)
        => json.TryGetValue(name, out var value) ? value as Dictionary<string, object?> : null;

    public static KeyValuePair<string, object?> Field(string name, object? value) => new(name, value);
}
