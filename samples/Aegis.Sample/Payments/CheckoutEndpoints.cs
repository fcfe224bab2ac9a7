namespace Aegis.Sample.Payments;

/// <summary>What the storefront needs to start a checkout. Publishable keys are meant to be public.</summary>
public static class CheckoutEndpoints
{
    private const string TestPublishableKey = "pk_test_51Zu6s89YVHR6cEXZZXxCkpCnXI0MhjIaV0U6vnH7U55AVF4vewtisw9LHuxTaxwWLeX73nJms61ipBhf2VZ6lMjOUSN6gu0oJg";

    public static IResult GetConfiguration(IConfiguration configuration)
    {
        var publishableKey = configuration["Stripe:PublishableKey"];
        return Results.Ok(new
        {
            publishableKey = string.IsNullOrEmpty(publishableKey) ? TestPublishableKey : publishableKey,
            currency = "eur",
        });
    }
}
