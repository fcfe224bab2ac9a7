using System.Net.Http.Headers;

namespace Aegis.Sample.Payments;

/// <summary>Refunds through Stripe's REST API.</summary>
public sealed class StripePaymentClient(HttpClient http, ILogger<StripePaymentClient> logger)
{
    private const string SecretKey = "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"; // planted: AEG002

    public async Task<bool> RefundAsync(string paymentIntentId, long amountCents, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.stripe.com/v1/refunds")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["payment_intent"] = paymentIntentId,
                ["amount"] = amountCents.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Stripe refused the refund of {PaymentIntent}: {Status}", paymentIntentId, response.StatusCode);
        }

        return response.IsSuccessStatusCode;
    }
}
