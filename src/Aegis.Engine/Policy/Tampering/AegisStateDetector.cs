using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aegis.Engine.Policy;

/// <summary>
/// Aegis' own state under <c>.aegis/</c>: <c>baseline_edited</c> — <c>baseline.json</c> gains an entry or changes (one
/// that only loses entries makes the gate stricter and is not tampering); <c>policy_edited</c> — <c>policy.json</c>
/// changes at all; <c>aegis_state_edited</c> — any other state file changes (the profile, the knowledge base,
/// releases). JSON is compared by content, so re-indenting a file is no edit. The folders the engine itself writes
/// (cards, history, caches) are output, not state.
/// </summary>
public sealed class AegisStateDetector : ITamperingDetector
{
    public const string StateFolder = ".aegis/";

    private static readonly string[] OutputFolders = { ".aegis/propose/", ".aegis/scan/", ".aegis/verify/", ".aegis/history/", ".aegis/cache/", ".aegis/inbox/" };

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
    {
        var path = change.Path.Replace('\\', '/');
        if (!path.StartsWith(StateFolder, StringComparison.OrdinalIgnoreCase) || OutputFolders.Any(f => path.StartsWith(f, StringComparison.OrdinalIgnoreCase)))
        {
            yield break;
        }

        var before = Canonical(change.Before);
        var after = Canonical(change.After);
        if (before.Text == after.Text)
        {
            yield break;
        }

        var name = path[StateFolder.Length..];
        if (name.Equals("baseline.json", StringComparison.OrdinalIgnoreCase))
        {
            var added = Excess(after.Entries, before.Entries);
            var onlyRemoves = change.After is null || (added == 0 && after.Entries.Count < before.Entries.Count && after.Entries.All(before.Entries.Contains));
            if (!onlyRemoves)
            {
                yield return new TamperingFinding(TamperingKinds.BaselineEdited, change.Path, null, added > 0 ? added.ToString(CultureInfo.InvariantCulture) + " entr" + (added == 1 ? "y" : "ies") + " added" : "content changed");
            }

            yield break;
        }

        var kind = name.Equals("policy.json", StringComparison.OrdinalIgnoreCase) ? TamperingKinds.PolicyEdited : TamperingKinds.AegisStateEdited;
        yield return new TamperingFinding(kind, change.Path, null, change.Before is null ? "file created" : change.After is null ? "file deleted" : "content changed");
    }

    private static int Excess(List<string> after, List<string> before)
    {
        var remaining = before.GroupBy(e => e, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var excess = 0;
        foreach (var entry in after)
        {
            if (remaining.TryGetValue(entry, out var count) && count > 0)
            {
                remaining[entry] = count - 1;
            }
            else
            {
                excess++;
            }
        }

        return excess;
    }

    /// <summary>Compact JSON text and every array element's compact text; text that is not JSON stays as it is.</summary>
    private static (string Text, List<string> Entries) Canonical(string? text)
    {
        var entries = new List<string>();
        if (text is null)
        {
            return ("", entries);
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            Collect(document.RootElement, entries);
            return (Compact(document.RootElement), entries);
        }
        catch (JsonException)
        {
            return (text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), entries);
        }
    }

    private static void Collect(JsonElement element, List<string> entries)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                entries.Add(Compact(item));
                Collect(item, entries);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Collect(property.Value, entries);
            }
        }
    }

    private static string Compact(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
