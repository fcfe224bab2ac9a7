using System.Net;
using System.Net.Http.Json;
using Aegis.Sample.Catalog;
using Aegis.Sample.Orders;

namespace Aegis.Sample.Tests;

[Trait("Category", "Functional")]
public sealed class OrderTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    private async Task<CreatedOrder> PlaceOrderAsync(params OrderLineRequest[] lines)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/orders", new CreateOrderRequest("ada@example.com", lines, "pi_test_123"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedOrder>())!;
    }

    [Fact]
    public async Task Anyone_can_place_an_order_and_it_takes_the_stock()
    {
        var client = factory.CreateClient();
        var before = await client.GetFromJsonAsync<Product>("/api/products/3");

        var order = await PlaceOrderAsync(new OrderLineRequest("TEA-010", 2), new OrderLineRequest("MUG-001", 1));
        var after = await client.GetFromJsonAsync<Product>("/api/products/3");

        Assert.Equal((2 * 890) + 1200, order.TotalCents);
        Assert.Equal(before!.Stock - 2, after!.Stock);
    }

    [Fact]
    public async Task An_order_for_more_than_the_stock_is_refused()
    {
        var response = await factory.CreateClient().PostAsJsonAsync(
            "/api/orders",
            new CreateOrderRequest("grace@example.com", [new OrderLineRequest("TEA-011", 1)]));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Customers_can_track_an_order_by_id_and_by_tracking_code()
    {
        var order = await PlaceOrderAsync(new OrderLineRequest("BAG-100", 1));
        var client = factory.CreateClient();

        var byId = await client.GetFromJsonAsync<OrderStatusView>($"/api/orders/{order.Id}/status");
        var byCode = await client.GetFromJsonAsync<OrderStatusView>($"/api/orders/track/{order.TrackingCode}");

        Assert.Equal("Pending", byId!.Status);
        Assert.Equal(order.Id, byCode!.Id);
    }

    [Fact]
    public async Task The_order_book_is_for_staff_only()
    {
        await PlaceOrderAsync(new OrderLineRequest("MUG-001", 1));

        var anonymous = await factory.CreateClient().GetAsync("/api/orders");
        var orders = await factory.CreateStaffClient().GetFromJsonAsync<List<Order>>("/api/orders?status=Pending");
        var count = await factory.CreateStaffClient().GetFromJsonAsync<long>("/api/orders/count?status=Pending");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.NotEmpty(orders!);
        Assert.All(orders!, o => Assert.Equal("Pending", o.Status));
        Assert.Equal(orders!.Count, count);
    }
}
