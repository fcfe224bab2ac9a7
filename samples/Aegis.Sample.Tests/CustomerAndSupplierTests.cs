using System.Net;
using System.Net.Http.Json;
using Aegis.Sample.Data;

namespace Aegis.Sample.Tests;

/// <summary>The EF Core area.</summary>
[Trait("Category", "Functional")]
public sealed class CustomerAndSupplierTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    [Fact]
    public async Task Customers_can_be_listed_looked_up_and_filtered_by_city()
    {
        var client = factory.CreateStaffClient();

        var all = await client.GetFromJsonAsync<List<Customer>>("/api/customers");
        var grace = await client.GetFromJsonAsync<Customer>("/api/customers/lookup?email=grace@example.com");
        var london = await client.GetFromJsonAsync<List<Customer>>("/api/customers/in/London");
        var nobody = await client.GetAsync("/api/customers/lookup?email=nobody@example.com");

        Assert.Equal(3, all!.Count);
        Assert.Equal("Grace Hopper", grace!.Name);
        Assert.Equal(["Ada Lovelace", "Alan Turing"], london!.Select(c => c.Name));
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    [Fact]
    public async Task Suppliers_are_for_staff_only()
    {
        var response = await factory.CreateClient().GetAsync("/api/suppliers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Staff_can_find_suppliers_by_city_and_name_and_deactivate_them()
    {
        var client = factory.CreateStaffClient();

        var all = await client.GetFromJsonAsync<List<Supplier>>("/api/suppliers");
        var bristol = await client.GetFromJsonAsync<List<Supplier>>("/api/suppliers/in/Bristol");
        var potter = all!.Single(s => s.Name == "Potter & Sons");
        var found = await client.GetFromJsonAsync<List<Supplier>>("/api/suppliers/search?name=potter");
        var deactivated = await client.PostAsync($"/api/suppliers/{potter.Id}/deactivate", content: null);
        var afterDeactivation = await client.GetFromJsonAsync<List<Supplier>>("/api/suppliers/search?name=potter");
        var activated = await client.PostAsync($"/api/suppliers/{potter.Id}/activate", content: null);

        Assert.Equal(3, all!.Count);
        Assert.Equal("Leaf Traders", Assert.Single(bristol!).Name);
        Assert.Single(found!);
        Assert.Equal(HttpStatusCode.NoContent, deactivated.StatusCode);
        Assert.Empty(afterDeactivation!);
        Assert.Equal(HttpStatusCode.NoContent, activated.StatusCode);
    }
}
