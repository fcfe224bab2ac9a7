using System.Collections;
using System.Globalization;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// Writes the card as JSON in a fixed property order. Every string goes through the <see cref="SecretMasker"/>,
/// so no detected secret reaches the file, and Markdown/HTML (rendered from this JSON) inherit that.
/// </summary>
public static class RiskCardJson
{
    public static string Write(RiskCard card, SecretMasker masker)
    {
        string M(string? value) => masker.Mask(value);
        var json = new JsonText().BeginObject();
        json.Property("schema", card.Schema);
        json.Property("status", card.Status);
        json.Name("checks").BeginArray();
        foreach (var check in card.Checks)
        {
            json.InlineArray(M(check.Name), check.Passed, M(check.Message));
        }

        json.EndArray();
        json.Property("risk_score", card.RiskScore);
        json.Property("risk_level", card.RiskLevel);
        json.Property("recommendation", card.Recommendation);
        var verdicts = CardVerdicts.For(card);
        json.Name("verdicts").BeginObject()
            .Property("code", verdicts.Code)
            .Property("code_reason", M(verdicts.CodeReason))
            .Property("top_reason", verdicts.TopReason is null ? null : M(verdicts.TopReason))
            .Property("patches", verdicts.Patches)
            .Property("patches_reason", M(verdicts.PatchesReason))
            .Property("apply_command", verdicts.ApplyCommand is null ? null : M(verdicts.ApplyCommand))
            .Property("summary", M(verdicts.Summary))
            .EndObject();
        json.Property("explanation", M(card.Explanation));
        json.Property("explanation_source", card.ExplanationSource);
        json.Property("explanation_fallback_reason", card.ExplanationFallbackReason is null ? null : M(card.ExplanationFallbackReason));
        json.Property("diff", M(card.Diff));
        json.Name("diff_analysis").BeginObject()
            .Property("lines_added", card.DiffAnalysis.LinesAdded)
            .Property("lines_removed", card.DiffAnalysis.LinesRemoved);
        json.Name("risky_patterns").BeginArray();
        foreach (var pattern in card.DiffAnalysis.RiskyPatterns)
        {
            json.String(M(pattern));
        }

        json.EndArray();
        json.Name("sensitive_data").BeginArray();
        foreach (var item in card.DiffAnalysis.SensitiveData)
        {
            json.String(M(item));
        }

        json.EndArray();
        json.Property("summary", M(card.DiffAnalysis.Summary));
        json.EndObject();
        json.Property("stdout", M(card.Stdout));
        json.Name("ts").Number(card.Ts, "0.000");
        json.Property("request_id", card.RequestId);
        json.Name("action").BeginObject();
        foreach (var (key, value) in card.Action)
        {
            json.Name(key);
            WriteValue(json, value, masker);
        }

        json.EndObject();
        json.Name("incidents").BeginArray();
        foreach (var incident in card.Incidents)
        {
            json.BeginObject()
                .Property("rule", incident.Rule)
                .Property("family", incident.Family)
                .Property("severity", incident.Severity)
                .Name("confidence").Number(incident.Confidence, "0.00")
                .Name("confidence_boost").Number(incident.ConfidenceBoost, "0.00")
                .Name("boosted_confidence").Number(incident.BoostedConfidence, "0.00")
                .Property("file", M(incident.File))
                .Property("line", incident.Line)
                .Property("endpoint", incident.Endpoint is null ? null : M(incident.Endpoint))
                .Property("endpoint_kind", incident.EndpointKind)
                .Property("message", M(incident.Message))
                .Property("evidence", M(incident.Evidence))
                .Property("remediation_strategy", incident.RemediationStrategy)
                .Property("verification_strategy", incident.VerificationStrategy)
                .Property("fingerprint", incident.Fingerprint)
                .Property("symbol", M(incident.Symbol));
            // Only when a baseline applies: a card without one keeps its shape.
            if (incident.BaselineState is { } state)
            {
                json.Property("baseline_state", state);
            }

            json.EndObject();
        }

        json.EndArray();
        json.Name("patches").BeginArray();
        foreach (var patch in card.Patches)
        {
            json.BeginObject()
                .Property("file", M(patch.File))
                .Property("original_sha256", patch.OriginalSha256)
                .Property("patched_sha256", patch.PatchedSha256)
                .Property("diff", M(patch.Diff))
                .Property("plan", M(patch.Plan))
                .Property("validation_status", patch.ValidationStatus);
            json.Name("fixes").BeginArray();
            foreach (var fingerprint in patch.Fixes)
            {
                json.String(fingerprint);
            }

            json.EndArray().EndObject();
        }

        json.EndArray();
        json.Name("tampering").BeginArray();
        foreach (var tampering in card.Tampering)
        {
            json.BeginObject()
                .Property("kind", tampering.Kind)
                .Property("title", tampering.Title)
                .Property("file", M(tampering.File))
                .Name("line");
            if (tampering.Line is { } line)
            {
                json.Number(line);
            }
            else
            {
                json.Null();
            }

            json.Property("evidence", M(tampering.Evidence))
                .Property("verdict", tampering.Verdict)
                .Property("weight", tampering.Weight)
                .EndObject();
        }

        json.EndArray();
        json.Name("sandbox").BeginObject().Property("mode", card.Sandbox.Mode);
        json.Name("commands").BeginArray();
        foreach (var command in card.Sandbox.Commands)
        {
            json.BeginObject()
                .Property("command", M(command.Command))
                .Property("exit_code", command.ExitCode)
                .Property("duration_ms", command.DurationMs)
                .Property("output_tail", M(command.OutputTail))
                .EndObject();
        }

        json.EndArray().EndObject();
        json.Name("health_score").Number(card.HealthScore, "0.00");
        if (card.Baseline is { } baseline)
        {
            json.Name("baseline").BeginObject()
                .Property("path", M(baseline.Path))
                .Property("id", baseline.Id)
                .Property("new", baseline.New)
                .Property("unchanged", baseline.Unchanged)
                .Name("new_only").BeginObject()
                    .Property("status", baseline.NewOnlyStatus)
                    .Property("risk_score", baseline.NewOnlyRiskScore)
                    .Property("risk_level", baseline.NewOnlyRiskLevel)
                .EndObject()
                .EndObject();
        }

        json.EndObject();
        return json.ToString();
    }

    private static void WriteValue(JsonText json, object? value, SecretMasker masker)
    {
        switch (value)
        {
            case null: json.Null(); break;
            case string s: json.String(masker.Mask(s)); break;
            case bool b: json.Bool(b); break;
            case int i: json.Number(i); break;
            case long l: json.Number(l); break;
            case double d: json.Number(d, "0.###"); break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                json.BeginObject();
                foreach (var (k, v) in pairs)
                {
                    json.Name(k);
                    WriteValue(json, v, masker);
                }

                json.EndObject();
                break;
            case IEnumerable items:
                json.BeginArray();
                foreach (var item in items)
                {
                    WriteValue(json, item, masker);
                }

                json.EndArray();
                break;
            default: json.String(masker.Mask(Convert.ToString(value, CultureInfo.InvariantCulture))); break;
        }
    }
}
