using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Notifications;

/// <summary>The checks <c>webhooks</c> and <c>explanations</c> share: unknown keys, flags and timeouts are AEGB005 naming the key.</summary>
internal static class SectionValues
{
    public static AegisException Corrupt(string path, string what)
        => new(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {what}; fix or delete it (it is not overwritten)");

    /// <summary>A key the section does not know is a typo or a secret put where it does not belong (<c>secret</c>, <c>api_key</c>): refused.</summary>
    public static void RejectUnknown(JsonElement section, string name, string kind, string[] known, string path)
    {
        if (section.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !known.Contains(n, StringComparer.Ordinal)) is { } unknown)
        {
            throw Corrupt(path, $"'{name}.{unknown}' is not {kind} setting ({string.Join(", ", known)})");
        }
    }

    public static bool Flag(JsonElement section, string key, string name, string path)
    {
        if (!section.TryGetProperty(key, out var value))
        {
            return false;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Corrupt(path, $"'{name}.{key}' must be true or false");
    }

    public static TimeSpan Seconds(JsonElement section, string key, string name, double defaultSeconds, double maxSeconds, string path)
    {
        if (!section.TryGetProperty(key, out var value))
        {
            return TimeSpan.FromSeconds(defaultSeconds);
        }

        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is > 0 and var seconds && seconds <= maxSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw Corrupt(path, $"'{name}.{key}' must be seconds, more than 0 and at most {maxSeconds.ToString(CultureInfo.InvariantCulture)}");
    }
}
