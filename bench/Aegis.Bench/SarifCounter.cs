using System.Text.Json;

namespace Aegis.Bench;

/// <summary>Counts unsuppressed results per rule ID in the compiler's SARIF error log (v1 or v2.1).</summary>
internal static class SarifCounter
{
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
            }
        }

        return counts;
    }

    // v1 marks suppressed results with "suppressionStates", v2.1 with a non-empty "suppressions" array.
    private static bool IsSuppressed(JsonElement result) =>
        (result.TryGetProperty("suppressionStates", out var states) && states.ValueKind == JsonValueKind.Array && states.GetArrayLength() > 0)
        || (result.TryGetProperty("suppressions", out var suppressions) && suppressions.ValueKind == JsonValueKind.Array && suppressions.GetArrayLength() > 0);
}
