using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Sarif;

/// <summary>
/// Writes the baseline's verdict into the compiler's SARIF log (<c>$(ErrorLog)</c>): each Aegis result the card lists
/// gets <c>baselineState</c> (SARIF 2.1: <c>new</c> / <c>unchanged</c>; 1.0: <c>new</c> / <c>existing</c>), and a
/// baselined one that the compiler did not already mark suppressed (the suppressor writes <c>inSource</c>) gets an
/// <c>external</c> suppression naming the baseline. Results are never removed: code scanning shows suppressed ones
/// as dismissed. Results the card does not list (another tool's, or hidden ones) are left as they are.
/// </summary>
public static class ErrorLogBaselineStates
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // As ErrorLogRuleProperties: the compiler writes quotes and non-ASCII text as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Updates the log in place (atomically; untouched when nothing changes); returns the results marked.</summary>
    /// <exception cref="AegisException">AEGB012: the log cannot be read, parsed or written.</exception>
    public static int AddTo(string path, RiskCard card, string repositoryRoot)
    {
        if (card.Baseline is null)
        {
            return 0;
        }

        var states = card.Incidents
            .Where(i => i.BaselineState is not null)
            .GroupBy(i => Key(i.Rule, i.File, i.Line))
            .ToDictionary(g => g.Key, g => g.First().BaselineState!, StringComparer.Ordinal);
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new JsonException("the log is not a JSON object");
            var version1 = root["version"] is JsonValue v && v.TryGetValue<string>(out var version) && version.StartsWith("1.", StringComparison.Ordinal);
            var marked = 0;
            var changed = false;
            foreach (var run in (root["runs"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                foreach (var result in (run["results"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                {
                    if (Locate(result, version1) is not { } location
                        || !states.TryGetValue(Key(RuleOf(result), RepositoryPaths.Relative(repositoryRoot, location.File), location.Line), out var state))
                    {
                        continue;
                    }

                    marked++;
                    changed |= Mark(result, state, version1, card.Baseline.Id);
                }
            }

            if (changed)
            {
                AtomicFile.WriteAllText(path, root.ToJsonString(Indented) + "\n");
            }

            return marked;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            throw new AegisException(ErrorCodes.ErrorLogNotUpdated, "cannot add the baseline states of the Aegis results to the SARIF log " + path + ": " + exception.Message, exception);
        }
    }

    private static string Key(string rule, string file, int line) => rule + "|" + file + "|" + line.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The rule ID without the <c>-001</c> the log gives a second descriptor of one ID.</summary>
    private static string RuleOf(JsonObject result)
    {
        var id = result["ruleId"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && id[(dash + 1)..].All(char.IsAsciiDigit) ? id[..dash] : id;
    }

    /// <summary>The result's file (a local path) and first line: 2.1 <c>physicalLocation.artifactLocation</c>, 1.0 <c>resultFile</c>.</summary>
    private static (string File, int Line)? Locate(JsonObject result, bool version1)
    {
        var first = (result["locations"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        var physical = version1 ? first?["resultFile"] : first?["physicalLocation"];
        var uri = (version1 ? physical?["uri"] : physical?["artifactLocation"]?["uri"]) is JsonValue u && u.TryGetValue<string>(out var text) ? text : null;
        var line = physical?["region"]?["startLine"] is JsonValue l && l.TryGetValue<int>(out var number) ? number : 0;
        if (uri is null || line == 0)
        {
            return null;
        }

        var file = Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.IsFile ? absolute.LocalPath : uri;
        return Path.IsPathRooted(file) ? (file, line) : null;
    }

    /// <summary>Sets the state (and, when baselined and not yet suppressed, the external suppression); true when anything changed.</summary>
    private static bool Mark(JsonObject result, string state, bool version1, string baselineId)
    {
        var changed = false;
        var written = version1 && state == BaselineStates.Unchanged ? "existing" : state;
        if (!(result["baselineState"] is JsonValue existing && existing.TryGetValue<string>(out var current) && current == written))
        {
            result["baselineState"] = written;
            changed = true;
        }

        if (state != BaselineStates.Unchanged)
        {
            return changed;
        }

        if (version1)
        {
            if (result["suppressionStates"] is not JsonArray { Count: > 0 })
            {
                result["suppressionStates"] = new JsonArray("suppressedExternally");
                changed = true;
            }
        }
        else if (result["suppressions"] is not JsonArray { Count: > 0 })
        {
            result["suppressions"] = new JsonArray(new JsonObject { ["kind"] = "external", ["justification"] = "in baseline " + baselineId });
            changed = true;
        }

        return changed;
    }
}
