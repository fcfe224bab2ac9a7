using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aegis.Sample.Orders;
using Aegis.Sample.Payments;
using Aegis.Sample.Reports;
using Aegis.Sample.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aegis.Sample.Tests.Holes;

/// <summary>
/// The AEG002 holes: secrets in the source. Each test sets the secret in the environment (see
/// <see cref="HoleEnvironment"/>) and checks that the app uses that value; as written it uses the hard-coded one,
/// so each test fails until the fix moves the secret out of the code.
/// </summary>
[Trait("Category", "Hole")]
[Trait("Rule", "AEG002")]
public sealed class HardcodedSecretHoleTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    [Fact]
    public async Task The_payment_client_sends_the_stripe_key_from_the_environment()
    {
        var requests = new ConcurrentQueue<RecordedRequest>();
        var client = WithFakeApis(requests, stripeAnswers: HttpStatusCode.OK).CreateClient();
        var order = await PlacePaidOrderAsync(client);
        client.DefaultRequestHeaders.Add("X-Staff-Key", ShopFactory.StaffKey);

        var refund = await client.PostAsync($"/api/admin/orders/{order.Id}/refund", content: null);

        Assert.Equal(HttpStatusCode.NoContent, refund.StatusCode);
        var stripe = Assert.Single(requests, request => request.Uri.Host == "api.stripe.com");
        Assert.Equal("Bearer " + HoleEnvironment.StripeSecretKey, stripe.Authorization);
    }

    [Fact]
    public async Task The_issue_reporter_sends_the_github_token_from_the_environment()
    {
        // A refused refund files a GitHub issue.
        var requests = new ConcurrentQueue<RecordedRequest>();
        var client = WithFakeApis(requests, stripeAnswers: HttpStatusCode.PaymentRequired).CreateClient();
        var order = await PlacePaidOrderAsync(client);
        client.DefaultRequestHeaders.Add("X-Staff-Key", ShopFactory.StaffKey);

        var refund = await client.PostAsync($"/api/admin/orders/{order.Id}/refund", content: null);

        Assert.Equal(HttpStatusCode.BadGateway, refund.StatusCode);
        var github = Assert.Single(requests, request => request.Uri.Host == "api.github.com");
        Assert.Equal("Bearer " + HoleEnvironment.GitHubToken, github.Authorization);
    }

    [Fact]
    public async Task Report_links_are_signed_with_the_key_from_the_environment()
    {
        var link = await factory.CreateStaffClient().PostAsync("/api/reports/sales/link", content: null);
        var url = (await link.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        var token = Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..]);
        var parts = token.Split('.');

        // A link forged with the environment's key must be accepted too: the app validates with the same key.
        var forged = parts[0] + "." + parts[1] + "." + Sign(parts[0] + "." + parts[1]);
        var download = await factory.CreateClient().GetAsync("/api/reports/download?token=" + Uri.EscapeDataString(forged));

        Assert.Equal(3, parts.Length);
        Assert.Equal(Sign(parts[0] + "." + parts[1]), parts[2]);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }

    [Fact]
    public void The_reporting_connection_string_takes_its_password_from_the_environment()
    {
        var options = factory.Services.GetRequiredService<IOptions<ReportingOptions>>().Value;
        var connectionString = new DbConnectionStringBuilder { ConnectionString = options.WarehouseConnectionString };

        Assert.Equal("reporting-db.internal", connectionString["Server"]);
        Assert.Equal(HoleEnvironment.WarehousePassword, connectionString["Password"]);
    }

    private static string Sign(string content)
        => Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HoleEnvironment.SigningKey), Encoding.UTF8.GetBytes(content)));

    private static async Task<CreatedOrder> PlacePaidOrderAsync(HttpClient client)
    {
        var placed = await client.PostAsJsonAsync("/api/orders", new CreateOrderRequest("ada@example.com", [new OrderLineRequest("TEA-010", 1)], "pi_hole_test"));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return (await placed.Content.ReadFromJsonAsync<CreatedOrder>())!;
    }

    /// <summary>The same app and database, with Stripe and GitHub replaced by a recorder.</summary>
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithFakeApis(ConcurrentQueue<RecordedRequest> requests, HttpStatusCode stripeAnswers)
    {
        HttpStatusCode Answer(Uri uri) => uri.Host == "api.stripe.com" ? stripeAnswers : HttpStatusCode.Created;

        return factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient<StripePaymentClient>().ConfigurePrimaryHttpMessageHandler(() => new RecordingHandler(requests, Answer));
            services.AddHttpClient<GitHubIssueReporter>().ConfigurePrimaryHttpMessageHandler(() => new RecordingHandler(requests, Answer));
        }));
    }
}
