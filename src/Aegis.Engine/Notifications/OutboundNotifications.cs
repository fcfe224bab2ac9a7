using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Notifications;

/// <summary>
/// What happens around writing a card when the policy asks for it: the AI explanation before the card is rendered,
/// the webhooks after it is on disk. Neither ever fails the build or loses the card: a failure is a warning, and an
/// undelivered webhook is also recorded under <c>.aegis/webhooks/failed/</c>.
/// </summary>
public static class OutboundNotifications
{
    /// <summary>Where undelivered webhooks are recorded, one file per card and webhook.</summary>
    public static string FailedDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "webhooks", "failed");

    /// <summary>Replaces the card's explanation with the AI's when the policy has <c>explanations</c> and the answer passes.</summary>
    public static void Explain(RiskCard card, SecretMasker masker, AegisPolicy policy, Func<string, string?> environment, List<CardWarning> warnings)
    {
        if (policy.Explanations is not { } settings)
        {
            return;
        }

        // The CLI has no synchronization context; Task.Run keeps a front that has one from deadlocking.
        var outcome = Task.Run(() => AiExplanation.ExplainAsync(card, masker, settings, environment, CancellationToken.None)).GetAwaiter().GetResult();
        card.Explanation = outcome.Explanation;
        card.ExplanationSource = outcome.Source;
        card.ExplanationFallbackReason = outcome.FallbackReason is null ? null : masker.Mask(outcome.FallbackReason);
        if (card.ExplanationFallbackReason is { } reason)
        {
            warnings.Add(new CardWarning(ErrorCodes.AiExplanationFellBack, "AI explanation (" + settings.Model + ") not used: " + reason + "; the card carries the plain explanation"));
        }
    }

    /// <summary>Posts the written card's summary to the matching webhooks; records and warns of each one not delivered.</summary>
    public static void Notify(RiskCard card, SecretMasker masker, RiskCardFiles files, IReadOnlyList<Webhook> webhooks, string repositoryRoot, Func<string, string?> environment, List<CardWarning> warnings)
    {
        if (webhooks.Count == 0)
        {
            return;
        }

        var payload = WebhookPayload.For(card, masker, files);
        var results = Task.Run(() => WebhookDelivery.DeliverAsync(webhooks, card, payload, environment, CancellationToken.None)).GetAwaiter().GetResult();
        foreach (var failed in results.Where(r => !r.Delivered))
        {
            var record = RecordFailure(repositoryRoot, card, failed, payload, masker);
            warnings.Add(new CardWarning(ErrorCodes.WebhookNotDelivered, masker.Mask(
                "webhook " + OutboundUrls.Display(failed.Webhook.Url) + " not delivered (" + failed.Failure + ", "
                + failed.Attempts.ToString(CultureInfo.InvariantCulture) + " attempt(s)); the card is written" + (record is null ? "" : "; recorded in " + record))));
        }
    }

    /// <summary>Writes <c>.aegis/webhooks/failed/&lt;request_id&gt;.&lt;index&gt;.json</c> with the payload, so it can be sent again by hand; null if it cannot be written.</summary>
    private static string? RecordFailure(string repositoryRoot, RiskCard card, WebhookResult failed, string payload, SecretMasker masker)
    {
        var path = Path.Combine(FailedDirectory(repositoryRoot), card.RequestId + "." + failed.Index.ToString(CultureInfo.InvariantCulture) + ".json");
        var json = new JsonText().BeginObject()
            .Property("schema", "aegis.webhook-failure/v1")
            .Property("request_id", card.RequestId)
            .Property("webhook", failed.Index)
            .Property("url", OutboundUrls.Display(failed.Webhook.Url))
            .Property("attempts", failed.Attempts)
            .Property("reason", masker.Mask(failed.Failure))
            .Name("at").Number(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, "0.000")
            .EndObject().ToString().TrimEnd('\n');
        try
        {
            // The payload is embedded as it was posted (already masked).
            AtomicFile.WriteAllText(path, json[..^1].TrimEnd() + ",\n  \"payload\": " + payload.TrimEnd('\n').Replace("\n", "\n  ", StringComparison.Ordinal) + "\n}\n");
            return path;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
