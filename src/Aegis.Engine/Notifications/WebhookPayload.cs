using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Notifications;

/// <summary>
/// The body a webhook receives (<c>aegis.webhook/v1</c>): the card's verdict and counts and where it lies. Never the
/// diff, evidence, output or action; every string is masked, so no secret the card saw leaves the machine.
/// </summary>
public static class WebhookPayload
{
    public const string SchemaName = "aegis.webhook/v1";

    public static string For(RiskCard card, SecretMasker masker, RiskCardFiles files)
    {
        var verdicts = CardVerdicts.For(card);
        var json = new JsonText().BeginObject()
            .Property("schema", SchemaName)
            .Property("event", "risk_card")
            .Property("request_id", card.RequestId)
            .Property("status", card.Status)
            .Property("risk_score", card.RiskScore)
            .Property("risk_level", card.RiskLevel)
            .Property("recommendation", card.Recommendation)
            .Property("summary", masker.Mask(verdicts.Summary))
            .Property("explanation_source", card.ExplanationSource);
        json.Name("counts").BeginObject()
            .Property("incidents", card.Incidents.Count)
            .Property("patches", card.Patches.Count)
            .Property("tampering", card.Tampering.Count)
            .Property("failed_checks", card.Checks.Count(c => !c.Passed));
        json.Name("by_severity").BeginObject();
        foreach (var severity in card.Incidents.GroupBy(i => i.Severity, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            json.Property(severity.Key, severity.Count());
        }

        json.EndObject().EndObject()
            .Property("card", masker.Mask(files.Json))
            .Property("html", masker.Mask(files.Html))
            .Name("ts").Number(card.Ts, "0.000");
        return json.EndObject().ToString();
    }
}
