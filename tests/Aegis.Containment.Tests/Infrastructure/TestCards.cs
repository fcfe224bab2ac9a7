using Aegis.Engine.Infrastructure;

namespace Aegis.Containment.Tests.Infrastructure;

/// <summary>An incident as a test card lists it.</summary>
public sealed record TestIncident(string Rule, string? Endpoint, string File = "src/Shop/Api.cs", int Line = 10, string? EndpointKind = null)
{
    public string Fingerprint => Hashing.Sha256(Rule + "\n" + File + "\n" + Line + "\n" + Endpoint);
}

/// <summary>Small Risk Cards (<c>aegis.riskcard/v1</c>) written the way the engine writes them, with just the fields
/// containment reads filled in for real.</summary>
public static class TestCards
{
    public static string Json(IReadOnlyList<TestIncident> incidents, bool withPatches = true, string? applyCommand = null)
    {
        var json = new JsonText().BeginObject()
            .Property("schema", "aegis.riskcard/v1")
            .Property("status", "blocked")
            .Name("checks").BeginArray().EndArray()
            .Property("risk_score", 80)
            .Property("risk_level", "CRITICAL")
            .Property("recommendation", "approved_for_rollout")
            .Name("verdicts").BeginObject()
            .Property("code", "blocked").Property("code_reason", "test incidents").Property("top_reason", null)
            .Property("patches", "approved_for_rollout").Property("patches_reason", "verified").Property("apply_command", applyCommand)
            .Property("summary", "test")
            .EndObject()
            .Property("explanation", "test card")
            .Property("diff", "")
            .Name("diff_analysis").BeginObject()
            .Property("lines_added", 1).Property("lines_removed", 1)
            .Name("risky_patterns").BeginArray().EndArray().Name("sensitive_data").BeginArray().EndArray()
            .Property("summary", "1 line added")
            .EndObject()
            .Property("stdout", "")
            .Name("ts").Number(1700000000.0, "0.000")
            .Property("request_id", "req_0123456789abcdef0123456789abcdef")
            .Name("action").BeginObject().Property("kind", "build").EndObject()
            .Name("incidents").BeginArray();
        foreach (var incident in incidents)
        {
            json.BeginObject()
                .Property("rule", incident.Rule)
                .Property("family", incident.Rule)
                .Property("severity", "HIGH")
                .Name("confidence").Number(0.9, "0.00")
                .Property("file", incident.File)
                .Property("line", incident.Line)
                .Property("endpoint", incident.Endpoint)
                .Property("endpoint_kind", incident.EndpointKind)
                .Property("message", "test incident")
                .Property("evidence", "x")
                .Property("remediation_strategy", "parameterize-dapper")
                .Property("verification_strategy", "rescan")
                .Property("fingerprint", incident.Fingerprint)
                .EndObject();
        }

        json.EndArray().Name("patches").BeginArray();
        if (withPatches)
        {
            foreach (var incident in incidents)
            {
                json.BeginObject()
                    .Property("file", incident.File)
                    .Property("original_sha256", new string('0', 64))
                    .Property("patched_sha256", new string('1', 64))
                    .Property("diff", "--- a/" + incident.File + "\n+++ b/" + incident.File + "\n@@ -1 +1 @@\n-old\n+new\n")
                    .Property("plan", "- " + incident.Rule + " line " + incident.Line + ": fix")
                    .Property("validation_status", "verified")
                    .Name("fixes").BeginArray().String(incident.Fingerprint).EndArray()
                    .EndObject();
            }
        }

        return json.EndArray()
            .Name("sandbox").BeginObject().Property("mode", "file").Name("commands").BeginArray().EndArray().EndObject()
            .Name("health_score").Number(0.5, "0.00")
            .EndObject().ToString();
    }
}
