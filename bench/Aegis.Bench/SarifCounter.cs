using System.Text.Json;

namespace Aegis.Bench;

/// <summary>
/// Counts unsuppressed results per rule ID in the compiler's SARIF error log (v1 or v2.1), and per rule and level
/// under "ID/level" keys (warning, note, error), so a result moved to the low band shows as a changed level.
/// </summary>
internal static class SarifCounter
{
    public const char LevelSeparator = '/';

    /// <summary>"warning 290, note 4" for <paramref name="id"/>, from the "ID/level" keys of <see cref="Count"/>.</summary>
    public static string Levels(IReadOnlyDictionary<string, int> counts, string id) =>
        string.Join(", ", counts.Where(c => c.Key.StartsWith(id + LevelSeparator, StringComparison.Ordinal))
            .Select(c => $"{c.Key[(id.Length + 1)..]} {c.Value}"));

    public static SortedDictionary<string, int> Count(string path, string idPrefix)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return counts;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("runs", out var runs))
        {
            return counts;
        }

        foreach (var run in runs.EnumerateArray())
        {
            if (!run.TryGetProperty("results", out var results))
            {
                continue;
            }

            foreach (var result in results.EnumerateArray())
            {
                if (!result.TryGetProperty("ruleId", out var ruleId) || ruleId.GetString() is not { } id
                    || !id.StartsWith(idPrefix, StringComparison.Ordinal) || IsSuppressed(result))
                {
                    continue;
                }

                counts[id] = counts.GetValueOrDefault(id) + 1;
                var level = result.TryGetProperty("level", out var levelValue) && levelValue.GetString() is { Length: > 0 } named ? named : "warning";
                var byLevel = id + LevelSeparator + level;
                counts[byLevel] = counts.GetValueOrDefault(byLevel) + 1;
            }
        }

        return counts;
    }

    // v1 marks suppressed results with "suppressionStates", v2.1 with a non-empty "suppressions" array.
    private static bool IsSuppressed(JsonElement result) =>
        (result.TryGetProperty("suppressionStates", out var states) && states.ValueKind == JsonValueKind.Array && states.GetArrayLength() > 0)
        || (result.TryGetProperty("suppressions", out var suppressions) && suppressions.ValueKind == JsonValueKind.Array && suppressions.GetArrayLength() > 0);
}
