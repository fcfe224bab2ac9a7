using System.Net;
using System.Net.Http.Json;
using Aegis.Sample.Orders;

namespace Aegis.Sample.Tests.Holes;

/// <summary>
/// The AEG003 holes: two endpoints drifted from the app's convention (the <c>Staff</c> policy) and are open to anyone.
/// Each test fails on the sample as written and passes once the fix adds the convention's authorization.
/// </summary>
[Trait("Category", "Hole")]
[Trait("Rule", "AEG003")]
public sealed class AuthorizationHoleTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    [Fact]
    public async Task Anonymous_callers_cannot_delete_an_order()
    {
        // As written: DELETE /api/orders/{id} is mapped outside the authorized /api/admin group → 204, the order is gone.
        var placed = await factory.CreateClient().PostAsJsonAsync("/api/orders", new CreateOrderRequest("grace@example.com", [new OrderLineRequest("MUG-001", 1)]));
        var order = (await placed.Content.ReadFromJsonAsync<CreatedOrder>())!;

        var deleted = await factory.CreateClient().DeleteAsync($"/api/orders/{order.Id}");
        var stillThere = await factory.CreateStaffClient().GetAsync($"/api/orders/{order.Id}");

        AssertRefused(deleted);
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Theory]
    [InlineData("/api/customers")]
    [InlineData("/api/customers/lookup?email=ada%40example.com")]
    [InlineData("/api/customers/in/London")]
    public async Task Anonymous_callers_cannot_read_customer_records(string path)
    {
        // As written: CustomersController is the one controller without [Authorize(Policy = "Staff")] → 200.
        var response = await factory.CreateClient().GetAsync(path);

        AssertRefused(response);
    }

    private static void AssertRefused(HttpResponseMessage response)
        => Assert.True(
            response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected 401 or 403, got {(int)response.StatusCode} {response.StatusCode}.");
}
