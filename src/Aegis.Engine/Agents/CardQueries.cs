using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Agents;

/// <summary>
/// What agents ask of written cards (the MCP server's <c>scan</c>, <c>explain_card</c> and <c>fix_suggestion</c>):
/// answers built from the cards as written, which are masked, and masked again on the way out.
/// </summary>
public static class CardQueries
{
    /// <summary>A card larger than this is not read: cards are kilobytes, this is something else.</summary>
    public const long MaxCardBytes = 16L * 1024 * 1024;

    /// <summary>How many history records <see cref="FixSuggestion"/> reads, newest first.</summary>
    public const int HistoryDepth = 200;

    private static readonly Regex FingerprintShape = new("^[0-9a-f]{64}$", RegexOptions.CultureInvariant);

    private static readonly string[] IncidentFields = { "rule", "severity", "confidence", "file", "line", "endpoint", "message", "evidence", "remediation_strategy", "fingerprint" };

    /// <summary>A path an agent gave (absolute, or relative to the root) as a full path inside the repository, or AEGB042.</summary>
    public static string InsideRepository(string repositoryRoot, string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Rejected("'" + what + "' is required");
        }

        var root = Path.GetFullPath(repositoryRoot);
        var full = Path.GetFullPath(Path.Combine(root, path));
        var prefix = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full == root || full.StartsWith(prefix, StringComparison.Ordinal)
            ? full
            : throw Rejected("'" + what + "' " + path + " is outside the repository " + root);
    }

    public static AegisException Rejected(string message) => new(ErrorCodes.AgentInputRejected, message);

    /// <summary>The incidents of a written card, with where each stands and the card's path.</summary>
    public static JsonObject Incidents(RiskCardFiles files)
    {
        using var document = JsonDocument.Parse(files.JsonText);
        var card = document.RootElement;
        var incidents = new JsonArray();
        foreach (var incident in card.GetProperty("incidents").EnumerateArray())
        {
            var item = new JsonObject();
            foreach (var field in IncidentFields)
            {
                item[field] = incident.TryGetProperty(field, out var value) ? Masked(value) : null;
            }

            incidents.Add(item);
        }

        return new JsonObject
        {
            ["status"] = card.GetProperty("status").GetString(),
            ["risk_score"] = card.GetProperty("risk_score").GetInt32(),
            ["risk_level"] = card.GetProperty("risk_level").GetString(),
            ["summary"] = Mask(card.GetProperty("verdicts").GetProperty("summary").GetString()),
            ["incidents"] = incidents,
            ["card"] = files.Json,
        };
    }

    /// <summary>A card's verdict, explanation and every check, read from <paramref name="cardPath"/> (inside the repository).</summary>
    public static JsonObject Explain(string repositoryRoot, string? cardPath)
    {
        var full = InsideRepository(repositoryRoot, cardPath, "card");
        using var document = ReadCard(full);
        var card = document.RootElement;
        var checks = new JsonArray();
        foreach (var check in card.GetProperty("checks").EnumerateArray())
        {
            checks.Add(new JsonObject { ["name"] = check[0].GetString(), ["passed"] = check[1].GetBoolean(), ["message"] = Mask(check[2].GetString()) });
        }

        return new JsonObject
        {
            ["status"] = card.GetProperty("status").GetString(),
            ["risk_score"] = card.GetProperty("risk_score").GetInt32(),
            ["risk_level"] = card.GetProperty("risk_level").GetString(),
            ["recommendation"] = card.GetProperty("recommendation").GetString(),
            ["explanation"] = Mask(card.GetProperty("explanation").GetString()),
            ["summary"] = card.TryGetProperty("verdicts", out var verdicts) ? Mask(verdicts.GetProperty("summary").GetString()) : null,
            ["checks"] = checks,
            ["incidents"] = card.GetProperty("incidents").GetArrayLength(),
            ["card"] = full,
        };
    }

    /// <summary>
    /// The patch for an incident's file from the newest card in <c>.aegis/history/</c> that lists the incident
    /// (a patch covers every incident Aegis could fix in its file); verified when one is.
    /// </summary>
    public static JsonObject FixSuggestion(string repositoryRoot, string? fingerprint)
    {
        var wanted = (fingerprint ?? "").Trim().ToLowerInvariant();
        if (!FingerprintShape.IsMatch(wanted))
        {
            throw Rejected("'fingerprint' must be an incident's 64-character hex fingerprint (from scan or a card)");
        }

        foreach (var record in RiskHistory.List(repositoryRoot).Reverse().Take(HistoryDepth))
        {
            using var document = ReadCard(record);
            var card = document.RootElement;
            var incident = card.GetProperty("incidents").EnumerateArray().FirstOrDefault(i => i.GetProperty("fingerprint").GetString() == wanted);
            if (incident.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var file = incident.GetProperty("file").GetString();
            var patch = PatchFixing(card, file, wanted);
            var result = new JsonObject
            {
                ["fingerprint"] = wanted,
                ["rule"] = incident.GetProperty("rule").GetString(),
                ["file"] = file,
                ["line"] = incident.GetProperty("line").GetInt32(),
                ["message"] = Mask(incident.GetProperty("message").GetString()),
                ["card"] = record,
            };
            if (patch.ValueKind != JsonValueKind.Object)
            {
                result["verified"] = false;
                result["patch"] = null;
                result["note"] = "no patch for this incident (" + incident.GetProperty("remediation_strategy").GetString() + "): a person has to fix it";
                return result;
            }

            var status = patch.GetProperty("validation_status").GetString();
            result["verified"] = status == "verified";
            result["patch"] = new JsonObject
            {
                ["file"] = file,
                ["validation_status"] = status,
                ["plan"] = Mask(patch.GetProperty("plan").GetString()),
                ["diff"] = Mask(patch.GetProperty("diff").GetString()),
            };
            result["note"] = status == "verified"
                ? "the sandbox verified this patch; it fixes this incident and every other incident Aegis could fix in " + file
                : "this patch is " + status + ": review it before applying";
            return result;
        }

        throw Rejected("no card in .aegis/history lists an incident with fingerprint " + wanted + "; run scan first");
    }

    /// <summary>
    /// The patch of <paramref name="file"/> that fixes the incident: a card lists the fingerprints each patch fixes
    /// (<c>fixes</c>), so an incident of that file the patch leaves alone (a needs-human-review one) gets none. A card
    /// written before patches listed them falls back to the file's patch. Verified patches first.
    /// </summary>
    private static JsonElement PatchFixing(JsonElement card, string? file, string fingerprint)
    {
        var patches = card.GetProperty("patches").EnumerateArray().Where(p => p.GetProperty("file").GetString() == file).ToList();
        var listsFixes = patches.Any(p => p.TryGetProperty("fixes", out _));
        return patches
            .Where(p => !listsFixes || (p.TryGetProperty("fixes", out var fixes) && fixes.EnumerateArray().Any(f => f.GetString() == fingerprint)))
            .OrderBy(p => p.GetProperty("validation_status").GetString() == "verified" ? 0 : 1)
            .FirstOrDefault();
    }

        private static JsonDocument ReadCard(string path)
    {
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !File.Exists(path))
        {
            throw Rejected("no card at " + path + " (a risk-card.json)");
        }

        if (new FileInfo(path).Length > MaxCardBytes)
        {
            throw Rejected(path + " is too large to be a card");
        }

        try
        {
            var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("schema", out var schema) && schema.GetString() == RiskCard.SchemaName)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Reported below, as any file that is not a card.
        }

        throw Rejected(path + " is not a Risk Card (" + RiskCard.SchemaName + ")");
    }

    private static JsonNode? Masked(JsonElement value)
        => value.ValueKind == JsonValueKind.String ? JsonValue.Create(Mask(value.GetString())) : JsonNode.Parse(value.GetRawText());

    /// <summary>Cards are masked when written; known token formats are masked again in case a file was edited by hand.</summary>
    private static string Mask(string? text) => SecretMasker.None.Mask(text);
}
