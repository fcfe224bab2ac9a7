using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Aegis.Engine.Notifications;

/// <summary>How one webhook went: delivered, or the reason it was not after <see cref="Attempts"/> tries.</summary>
public sealed record WebhookResult(int Index, Webhook Webhook, bool Delivered, int Attempts, string? Failure);

/// <summary>
/// Posts a written card's summary to the policy's matching webhooks, in parallel, each with its own bounded retries.
/// Never throws: a webhook that cannot be reached is a result, which <see cref="OutboundNotifications"/> records and warns of.
/// </summary>
public static class WebhookDelivery
{
    /// <summary>The signature header: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of the raw body, as GitHub's <c>X-Hub-Signature-256</c>.</summary>
    public const string SignatureHeader = "X-Aegis-Signature-256";

    public const string EventHeader = "X-Aegis-Event";

    public const string DeliveryHeader = "X-Aegis-Delivery";

    public static string Signature(string secret, byte[] body)
        => "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    public static async Task<IReadOnlyList<WebhookResult>> DeliverAsync(IReadOnlyList<Webhook> webhooks, RiskCard card, string payload, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var matching = webhooks.Select((webhook, index) => (webhook, index)).Where(w => w.webhook.Matches(card)).ToList();
        if (matching.Count == 0)
        {
            return Array.Empty<WebhookResult>();
        }

        // No redirects: a 3xx must not carry the signed card to a host the policy never named.
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var body = Encoding.UTF8.GetBytes(payload);
        return await Task.WhenAll(matching.Select(w => DeliverOneAsync(client, w.index, w.webhook, card.RequestId, body, environment, cancellationToken))).ConfigureAwait(false);
    }

    private static async Task<WebhookResult> DeliverOneAsync(HttpClient client, int index, Webhook webhook, string requestId, byte[] body, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        string? secret = null;
        if (webhook.SecretEnv is not null && (secret = environment(webhook.SecretEnv)) is not { Length: > 0 })
        {
            // An unsigned post would be refused by a receiver that checks, and would look forged: not sent.
            return new WebhookResult(index, webhook, Delivered: false, Attempts: 0, webhook.SecretEnv + " (secret_env) is not set; not sent unsigned");
        }

        var attempts = 0;
        var pipeline = Pipeline(webhook);
        try
        {
            using var response = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    request.Headers.UserAgent.Add(new ProductInfoHeaderValue("aegis", typeof(WebhookDelivery).Assembly.GetName().Version?.ToString(3) ?? "0"));
                    request.Headers.Add(EventHeader, "risk_card");
                    request.Headers.Add(DeliveryHeader, requestId + "." + index.ToString(CultureInfo.InvariantCulture));
                    if (secret is not null)
                    {
                        request.Headers.Add(SignatureHeader, Signature(secret, body));
                    }

                    return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new WebhookResult(index, webhook, Delivered: true, attempts, null)
                : new WebhookResult(index, webhook, Delivered: false, attempts, "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase);
        }
        catch (TimeoutRejectedException)
        {
            return new WebhookResult(index, webhook, Delivered: false, attempts, "timed out (" + Seconds(webhook.Timeout) + " s per attempt, " + Seconds(webhook.TotalBound) + " s in all)");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Connection refused, DNS, TLS: the message names the cause, never the body or the secret.
            return new WebhookResult(index, webhook, Delivered: false, attempts, exception.GetType().Name + ": " + exception.Message);
        }
    }

    /// <summary>Total bound (outer), retries with exponential backoff on 5xx, 408, 429, network errors and timeouts, a timeout per attempt (inner).</summary>
    private static ResiliencePipeline<HttpResponseMessage> Pipeline(Webhook webhook)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(webhook.TotalBound);
        if (webhook.Attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = webhook.Attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = Webhook.FirstRetryDelay,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
            });
        }

        return builder.AddTimeout(webhook.Timeout).Build();
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
