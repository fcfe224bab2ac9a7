using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aegis.Sample.Orders;
using Aegis.Sample.Reports;

namespace Aegis.Sample.Tests;

[Trait("Category", "Functional")]
public sealed class ReportAndHealthTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    [Fact]
    public async Task Health_and_checkout_configuration_are_public()
    {
        var client = factory.CreateClient();

        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        var checkout = await client.GetFromJsonAsync<JsonElement>("/api/checkout/config");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.StartsWith("pk_test_", checkout.GetProperty("publishableKey").GetString());
    }

    [Fact]
    public async Task Staff_see_sales_per_product()
    {
        await factory.CreateClient().PostAsJsonAsync("/api/orders", new CreateOrderRequest("ada@example.com", [new OrderLineRequest("MUG-002", 2)]));

        var sales = await factory.CreateStaffClient().GetFromJsonAsync<List<SalesLine>>("/api/reports/sales?days=7&top=5");
        var anonymous = await factory.CreateClient().GetAsync("/api/reports/sales");

        Assert.Contains(sales!, line => line.Sku == "MUG-002" && line.Units >= 2 && line.RevenueCents >= 3000);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_signed_link_downloads_the_report_without_the_staff_key()
    {
        var link = await factory.CreateStaffClient().PostAsync("/api/reports/sales/link", content: null);
        var url = (await link.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString();

        var download = await factory.CreateClient().GetAsync(url);
        var tampered = await factory.CreateClient().GetAsync(url + "x");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.StartsWith("sku,name,units,revenue_cents", await download.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
    }

    [Fact]
    public async Task The_export_target_is_shown_without_credentials()
    {
        var body = await factory.CreateStaffClient().GetStringAsync("/api/reports/export-target");

        Assert.Contains("reporting-db.internal", body);
        Assert.DoesNotContain("Password", body, StringComparison.OrdinalIgnoreCase);
    }
}
