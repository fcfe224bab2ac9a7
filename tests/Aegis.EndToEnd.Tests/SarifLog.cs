using System.Text.Json;

namespace Aegis.EndToEnd.Tests;

/// <summary>A result of a SARIF 2.1 log as the compiler writes it (/errorlog:path,version=2.1).</summary>
internal sealed record SarifResult(
    string RuleId,
    string Level,
    string Message,
    string? FilePath,
    int Line,
    bool Suppressed,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>A custom property of the diagnostic (Diagnostic.Properties), or null.</summary>
    public string? Property(string name) => Properties.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{FilePath}:{Line}: {Level} {RuleId}: {Message}";
}

internal static class SarifLog
{
    public static List<SarifResult> ReadResults(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        if (root.TryGetProperty("version", out var version) && version.GetString() is { } text && !text.StartsWith("2.1", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is SARIF {text}, not 2.1.");
        }

        var results = new List<SarifResult>();
        foreach (var run in root.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out var runResults))
            {
                continue;
            }

            foreach (var result in runResults.EnumerateArray())
            {
                results.Add(ReadResult(result));
            }
        }

        return results;
    }

    private static SarifResult ReadResult(JsonElement result)
    {
        var ruleId = result.TryGetProperty("ruleId", out var id) ? id.GetString() ?? "" : "";
        var level = result.TryGetProperty("level", out var lvl) ? lvl.GetString() ?? "warning" : "warning";
        var message = result.TryGetProperty("message", out var msg) && msg.TryGetProperty("text", out var msgText) ? msgText.GetString() ?? "" : "";
        var suppressed = result.TryGetProperty("suppressions", out var suppressions) && suppressions.GetArrayLength() > 0;

        string? filePath = null;
        var line = 0;
        if (result.TryGetProperty("locations", out var locations) && locations.GetArrayLength() > 0
            && locations[0].TryGetProperty("physicalLocation", out var physical))
        {
            if (physical.TryGetProperty("artifactLocation", out var artifact) && artifact.TryGetProperty("uri", out var uri)
                && uri.GetString() is { } uriText)
            {
                filePath = Uri.TryCreate(uriText, UriKind.Absolute, out var absolute) && absolute.IsFile ? absolute.LocalPath : uriText;
            }

            if (physical.TryGetProperty("region", out var region) && region.TryGetProperty("startLine", out var startLine))
            {
                line = startLine.GetInt32();
            }
        }

        // The compiler writes Diagnostic.Properties under properties.customProperties.
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (result.TryGetProperty("properties", out var bag) && bag.TryGetProperty("customProperties", out var custom)
            && custom.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in custom.EnumerateObject())
            {
                properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? "" : property.Value.GetRawText();
            }
        }

        return new SarifResult(ruleId, level, message, filePath, line, suppressed, properties);
    }
}
