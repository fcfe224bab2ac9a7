using System.Net;
using System.Net.Http.Json;
using Aegis.Sample.Inventory;
using Aegis.Sample.Orders;
using Aegis.Sample.Security;

namespace Aegis.Sample.Tests;

/// <summary>The minimal-API back office under /api/admin, and the order deletion endpoint.</summary>
[Trait("Category", "Functional")]
public sealed class AdminApiTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    [Fact]
    public async Task Anonymous_callers_get_401_from_the_admin_api()
    {
        var response = await factory.CreateClient().GetAsync("/api/admin/inventory");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Staff_can_list_stock_per_warehouse()
    {
        var client = factory.CreateStaffClient();

        var main = await client.GetFromJsonAsync<List<StockLevel>>("/api/admin/inventory");
        var north = await client.GetFromJsonAsync<List<StockLevel>>("/api/admin/inventory?warehouse=North");

        Assert.Equal(["MUG-001", "MUG-002", "TEA-010"], main!.Select(s => s.Sku));
        Assert.Equal(["BAG-100", "TEA-011"], north!.Select(s => s.Sku));
    }

    [Fact]
    public async Task Staff_see_low_stock_and_can_restock()
    {
        var client = factory.CreateStaffClient();

        var low = await client.GetFromJsonAsync<List<StockLevel>>("/api/admin/inventory/low-stock?threshold=5");
        var restocked = await client.PostAsJsonAsync("/api/admin/inventory/TEA-011/restock", new Restock(20));
        var unknown = await client.PostAsJsonAsync("/api/admin/inventory/NOPE-1/restock", new Restock(1));
        var lowAfter = await client.GetFromJsonAsync<List<StockLevel>>("/api/admin/inventory/low-stock?threshold=5");

        Assert.Contains(low!, s => s.Sku == "TEA-011");
        Assert.Equal(HttpStatusCode.OK, restocked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain(lowAfter!, s => s.Sku == "TEA-011");
    }

    [Fact]
    public async Task Staff_can_ship_and_delete_an_order()
    {
        var placed = await factory.CreateClient().PostAsJsonAsync("/api/orders", new CreateOrderRequest("alan@example.com", [new OrderLineRequest("MUG-001", 1)]));
        var order = await placed.Content.ReadFromJsonAsync<CreatedOrder>();
        var client = factory.CreateStaffClient();

        var shipped = await client.PostAsync($"/api/admin/orders/{order!.Id}/ship", content: null);
        var status = await client.GetFromJsonAsync<OrderStatusView>($"/api/orders/{order.Id}/status");
        var deleted = await client.DeleteAsync($"/api/orders/{order.Id}");
        var gone = await client.GetAsync($"/api/orders/{order.Id}");

        Assert.Equal(HttpStatusCode.NoContent, shipped.StatusCode);
        Assert.Equal("Shipped", status!.Status);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_refund_needs_a_payment()
    {
        var placed = await factory.CreateClient().PostAsJsonAsync("/api/orders", new CreateOrderRequest("alan@example.com", [new OrderLineRequest("TEA-010", 1)]));
        var order = await placed.Content.ReadFromJsonAsync<CreatedOrder>();

        var response = await factory.CreateStaffClient().PostAsync($"/api/admin/orders/{order!.Id}/refund", content: null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Staff_can_read_the_account_policy()
    {
        var policy = await factory.CreateStaffClient().GetFromJsonAsync<StaffAccountPolicy>("/api/admin/account-policy");

        Assert.Equal(StaffAccountPolicy.MinPasswordLength, policy!.MinimumPasswordLength);
        Assert.Equal("/account/reset", policy.ResetRoute);
    }
}
