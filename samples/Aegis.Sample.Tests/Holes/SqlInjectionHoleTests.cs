using System.Net;
using System.Net.Http.Json;
using Aegis.Sample.Catalog;
using Aegis.Sample.Inventory;

namespace Aegis.Sample.Tests.Holes;

/// <summary>
/// The AEG001 holes the code fix closes (parameterized queries): user text changes the SQL. Each test fails on the
/// sample as written and passes once the queries are parameterized. The two needs-human-review findings (the
/// <c>ORDER BY {sort}</c> column and the configured table name) get no fix, so they have no hole test here.
/// </summary>
[Trait("Category", "Hole")]
[Trait("Rule", "AEG001")]
public sealed class SqlInjectionHoleTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    private const string AlwaysTrue = "' OR '1'='1";

    [Fact]
    public async Task Product_search_with_an_injection_payload_finds_nothing()
    {
        // As written: ... WHERE Name LIKE '%' OR '1'='1%' OR Sku = '' OR '1'='1' → the whole catalogue.
        var response = await factory.CreateClient().GetAsync("/api/products/search?q=" + Uri.EscapeDataString(AlwaysTrue));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<List<Product>>())!);
    }

    [Fact]
    public async Task Product_search_finds_a_name_with_an_apostrophe()
    {
        // As written: the apostrophe ends the string literal, SQLite reports a syntax error → 500.
        var created = await factory.CreateStaffClient().PostAsJsonAsync("/api/products", new NewProduct("TEA-099", "Builder's tea, 500 g", "Pantry", 650, 10));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var response = await factory.CreateClient().GetAsync("/api/products/search?q=" + Uri.EscapeDataString("Builder's"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("TEA-099", Assert.Single((await response.Content.ReadFromJsonAsync<List<Product>>())!).Sku);
    }

    [Fact]
    public async Task Customer_lookup_with_an_injection_payload_finds_nobody()
    {
        // As written: FromSqlRaw(... WHERE Email = '' OR '1'='1') → the first customer, 200.
        var response = await factory.CreateStaffClient().GetAsync("/api/customers/lookup?email=" + Uri.EscapeDataString(AlwaysTrue));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Customer_lookup_of_an_address_with_an_apostrophe_is_answered()
    {
        // As written: a syntax error → 500. Nobody has this address, so the right answer is 404.
        var response = await factory.CreateStaffClient().GetAsync("/api/customers/lookup?email=" + Uri.EscapeDataString("o'brien@example.com"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stock_of_a_warehouse_named_with_an_apostrophe_is_answered()
    {
        // As written: the ADO.NET CommandText is cut at the apostrophe → 500. No such warehouse: an empty list.
        var response = await factory.CreateStaffClient().GetAsync("/api/admin/inventory?warehouse=" + Uri.EscapeDataString("O'Brien"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<List<StockLevel>>())!);
    }

    [Fact]
    public async Task Stock_of_a_warehouse_with_an_injection_payload_lists_nothing()
    {
        // As written: ... WHERE Warehouse = 'North' OR '1'='1' → every warehouse's stock.
        var response = await factory.CreateStaffClient().GetAsync("/api/admin/inventory?warehouse=" + Uri.EscapeDataString("North" + AlwaysTrue));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<List<StockLevel>>())!);
    }
}
