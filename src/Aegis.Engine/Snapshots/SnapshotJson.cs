using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>The snapshot file (docs/snapshot.schema.json): written in a fixed property order, read strictly (a file that
/// does not have the shape is a <see cref="FormatException"/>, which the store turns into AEGB005 naming it).</summary>
public static class SnapshotJson
{
    public static string Write(Snapshot snapshot)
    {
        var json = new JsonText().BeginObject()
            .Property("schema", snapshot.Schema)
            .Property("id", snapshot.Id)
            .Property("name", snapshot.Name)
            .Property("created_at", snapshot.CreatedAt)
            .Property("tool_version", snapshot.ToolVersion)
            .Name("repository").BeginObject()
                .Property("name", snapshot.RepositoryName)
                .Property("git_head", snapshot.GitHead)
            .EndObject()
            .Property("lines_of_code", snapshot.LinesOfCode)
            .Name("health_score").Number(snapshot.HealthScore, "0.00")
            .Name("profile");
        WriteNode(json, snapshot.Profile);
        json.Name("files").BeginObject();
        foreach (var (file, hash) in snapshot.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            json.Property(file, hash);
        }

        json.EndObject().Name("incidents").BeginArray();
        foreach (var incident in Ordered(snapshot.Incidents))
        {
            WriteIncident(json, incident, withSecretHash: true);
        }

        json.EndArray().Name("accepted").BeginArray();
        foreach (var accepted in snapshot.Accepted.OrderBy(a => a.At, StringComparer.Ordinal).ThenBy(a => a.Fingerprint, StringComparer.Ordinal))
        {
            json.BeginObject().Property("fingerprint", accepted.Fingerprint).Property("by", accepted.By).Property("why", accepted.Why).Property("at", accepted.At).EndObject();
        }

        return json.EndArray().EndObject().ToString();
    }

    /// <summary>One incident as snapshots and drift print it (drift leaves the secret hash out: it is for matching only).</summary>
    public static void WriteIncident(JsonText json, SnapshotIncident incident, bool withSecretHash)
    {
        json.BeginObject()
            .Property("fingerprint", incident.Fingerprint)
            .Property("rule", incident.Rule)
            .Property("family", incident.Family)
            .Property("severity", incident.Severity)
            .Name("confidence").Number(incident.Confidence, "0.00")
            .Property("file", incident.File)
            .Property("line", incident.Line)
            .Property("symbol", incident.Symbol)
            .Property("evidence", RiskCards.SecretMasker.None.Mask(incident.Evidence));
        if (withSecretHash && incident.SecretHash is not null)
        {
            json.Property("secret_hash", incident.SecretHash);
        }

        json.Property("remediation_strategy", incident.RemediationStrategy).EndObject();
    }

    public static IEnumerable<SnapshotIncident> Ordered(IEnumerable<SnapshotIncident> incidents)
        => incidents.OrderBy(i => i.File, StringComparer.Ordinal).ThenBy(i => i.Line).ThenBy(i => i.Rule, StringComparer.Ordinal).ThenBy(i => i.Fingerprint, StringComparer.Ordinal);

    /// <exception cref="FormatException">The text is not an <c>aegis.snapshot/v1</c> document.</exception>
    public static Snapshot Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new FormatException(exception.Message, exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("expected a JSON object");
            }

            var schema = OptionalString(root, "schema");
            if (schema != Snapshot.SchemaName)
            {
                throw new FormatException($"'schema' must be \"{Snapshot.SchemaName}\" (got {(schema is null ? "none" : "\"" + schema + "\"")})");
            }

            var repository = Property(root, "repository", JsonValueKind.Object);
            var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Property(root, "files", JsonValueKind.Object).EnumerateObject())
            {
                files[file.Name] = file.Value.ValueKind == JsonValueKind.String ? file.Value.GetString()! : throw new FormatException($"'files.{file.Name}' must be a string");
            }

            return new Snapshot
            {
                Schema = schema,
                Id = RequiredString(root, "id"),
                Name = OptionalString(root, "name"),
                CreatedAt = RequiredString(root, "created_at"),
                ToolVersion = OptionalString(root, "tool_version") ?? "",
                RepositoryName = OptionalString(repository, "name") ?? "",
                GitHead = OptionalString(repository, "git_head"),
                LinesOfCode = Property(root, "lines_of_code", JsonValueKind.Number).TryGetInt32(out var lines) && lines >= 0 ? lines : throw new FormatException("'lines_of_code' must be a whole number ≥ 0"),
                HealthScore = Property(root, "health_score", JsonValueKind.Number).GetDouble() is var health and >= 0 and <= 1 ? health : throw new FormatException("'health_score' must be between 0 and 1"),
                Profile = root.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object ? (JsonObject)JsonNode.Parse(profile.GetRawText())! : new JsonObject(),
                Files = files,
                Incidents = Property(root, "incidents", JsonValueKind.Array).EnumerateArray().Select(ParseIncident).ToList(),
                Accepted = root.TryGetProperty("accepted", out var accepted) && accepted.ValueKind == JsonValueKind.Array
                    ? accepted.EnumerateArray().Select(a => new AcceptedIncident(RequiredString(a, "fingerprint"), OptionalString(a, "by") ?? "", OptionalString(a, "why") ?? "", OptionalString(a, "at") ?? "")).ToList()
                    : Array.Empty<AcceptedIncident>(),
            };
        }
    }

    private static SnapshotIncident ParseIncident(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("every incident must be an object");
        }

        return new SnapshotIncident
        {
            Fingerprint = RequiredString(element, "fingerprint"),
            Rule = RequiredString(element, "rule"),
            Family = OptionalString(element, "family") ?? "",
            Severity = RequiredString(element, "severity"),
            Confidence = element.TryGetProperty("confidence", out var confidence) && confidence.ValueKind == JsonValueKind.Number ? confidence.GetDouble() : 1.0,
            File = RequiredString(element, "file"),
            Line = element.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number && line.TryGetInt32(out var l) ? l : 0,
            Symbol = OptionalString(element, "symbol") ?? "",
            Evidence = OptionalString(element, "evidence") ?? "",
            SecretHash = OptionalString(element, "secret_hash"),
            RemediationStrategy = OptionalString(element, "remediation_strategy") ?? "",
        };
    }

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind)
        => element.TryGetProperty(name, out var value) && value.ValueKind == kind ? value : throw new FormatException($"'{name}' must be {Article(kind)}");

    private static string RequiredString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"'{name}' must be a non-empty string");

    private static string? OptionalString(JsonElement element, string name)
        => !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString()
            : throw new FormatException($"'{name}' must be a string");

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        _ => "a " + kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Any JSON node through the ordered writer (the profile section).</summary>
    private static void WriteNode(JsonText json, JsonNode? node)
    {
        switch (node)
        {
            case null:
                json.Null();
                break;
            case JsonObject obj:
                json.BeginObject();
                foreach (var (name, value) in obj)
                {
                    json.Name(name);
                    WriteNode(json, value);
                }

                json.EndObject();
                break;
            case JsonArray array:
                json.BeginArray();
                foreach (var item in array)
                {
                    WriteNode(json, item);
                }

                json.EndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                json.String(value.GetValue<string>());
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                json.Bool(value.GetValueKind() == JsonValueKind.True);
                break;
            case JsonValue value:
                var number = value.ToJsonString();
                if (long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
                {
                    json.Number(whole);
                }
                else
                {
                    json.Number(double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture), "R");
                }

                break;
        }
    }
}
