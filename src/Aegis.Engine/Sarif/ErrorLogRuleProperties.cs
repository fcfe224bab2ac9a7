using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Analyzers;
using Aegis.Engine.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Engine.Sarif;

/// <summary>
/// Gives Aegis's rules in the compiler's SARIF error log (<c>$(ErrorLog)</c>) the properties code scanning ranks
/// security alerts by: <c>security-severity</c>, <c>precision</c>, <c>problem.severity</c>, and the <c>security</c> and
/// CWE tags. The compiler writes a descriptor's custom tags as <c>properties.tags</c> but has no way to write other
/// rule properties, hence this step after the build. Other tools' rules and all results are left as they are.
/// </summary>
public static class ErrorLogRuleProperties
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // The compiler writes quotes and non-ASCII text as they are; escaping them would change every message.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Updates the log at <paramref name="path"/> in place (atomically; untouched when nothing changes) and returns the
    /// number of Aegis rules it describes. SARIF 2.1 (<c>runs[].tool.driver.rules[]</c>) and the compiler's default
    /// 1.0 (<c>runs[].rules</c>, an object keyed by rule ID) are both understood.
    /// </summary>
    /// <exception cref="AegisException">AEGB012: the log cannot be read, parsed or written.</exception>
    public static int AddTo(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new JsonException("the log is not a JSON object");
            var rules = 0;
            var changed = false;
            foreach (var run in (root["runs"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                foreach (var rule in RulesOf(run))
                {
                    if (rule["id"] is JsonValue id && id.TryGetValue<string>(out var ruleId) && RowFor(ruleId) is { } row)
                    {
                        rules++;
                        changed |= Describe(rule, row);
                    }
                }
            }

            if (changed)
            {
                AtomicFile.WriteAllText(path, root.ToJsonString(Indented) + "\n");
            }

            return rules;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            throw new AegisException(ErrorCodes.ErrorLogNotUpdated, "cannot add the code-scanning properties of the Aegis rules to the SARIF log " + path + ": " + exception.Message, exception);
        }
    }

    private static IEnumerable<JsonObject> RulesOf(JsonObject run)
        => run["tool"]?["driver"]?["rules"] is JsonArray version2
            ? version2.OfType<JsonObject>()
            : run["rules"] is JsonObject version1
                ? version1.Select(p => p.Value).OfType<JsonObject>()
                : Enumerable.Empty<JsonObject>();

    /// <summary>The row of an Aegis rule ID; also for a second descriptor of one ID, which a log may write as <c>AEG003-001</c>.</summary>
    private static RuleCodeScanning? RowFor(string ruleId)
    {
        var dash = ruleId.IndexOf('-', StringComparison.Ordinal);
        return RuleCodeScanning.For(dash > 0 && ruleId[(dash + 1)..].All(char.IsAsciiDigit) ? ruleId[..dash] : ruleId);
    }

    /// <summary>Sets the rule's properties; true when anything changed.</summary>
    private static bool Describe(JsonObject rule, RuleCodeScanning row)
    {
        if (rule["properties"] is not JsonObject properties)
        {
            properties = new JsonObject();
            rule["properties"] = properties;
        }

        var changed = Set(properties, "security-severity", row.SecuritySeverity);
        changed |= Set(properties, "precision", row.Precision);
        changed |= Set(properties, "problem.severity", ProblemSeverity(row.RuleId));
        if (properties["tags"] is not JsonArray tags)
        {
            tags = new JsonArray();
            properties["tags"] = tags;
        }

        var present = tags.Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToHashSet(StringComparer.Ordinal);
        foreach (var tag in row.Tags.Where(t => !present.Contains(t)))
        {
            tags.Add(tag);
            changed = true;
        }

        return changed;
    }

    private static bool Set(JsonObject properties, string name, string value)
    {
        if (properties[name] is JsonValue existing && existing.TryGetValue<string>(out var text) && text == value)
        {
            return false;
        }

        properties[name] = value;
        return true;
    }

    /// <summary>The rule's default level in code scanning's words (an .editorconfig severity does not reach the log's rules).</summary>
    private static string ProblemSeverity(string ruleId)
        => DiagnosticRules.All.First(d => d.Id == ruleId).DefaultSeverity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "recommendation",
        };
}
