using System.Net;
using System.Net.Http.Json;
using Aegis.Sample.Catalog;

namespace Aegis.Sample.Tests;

[Trait("Category", "Functional")]
public sealed class CatalogueTests(ShopFactory factory) : IClassFixture<ShopFactory>
{
    [Fact]
    public async Task Anyone_can_list_the_catalogue_sorted_by_name()
    {
        var products = await factory.CreateClient().GetFromJsonAsync<List<Product>>("/api/products");

        Assert.NotNull(products);
        Assert.True(products.Count >= 5);
        Assert.Equal(products.Select(p => p.Name).Order(StringComparer.Ordinal), products.Select(p => p.Name));
    }

    [Fact]
    public async Task The_catalogue_can_be_sorted_by_price()
    {
        var products = await factory.CreateClient().GetFromJsonAsync<List<Product>>("/api/products?sort=PriceCents");

        Assert.NotNull(products);
        Assert.Equal(products.Select(p => p.PriceCents).Order(), products.Select(p => p.PriceCents));
    }

    [Fact]
    public async Task Search_finds_products_by_name_and_by_sku()
    {
        var client = factory.CreateClient();

        var byName = await client.GetFromJsonAsync<List<Product>>("/api/products/search?q=mug");
        var bySku = await client.GetFromJsonAsync<List<Product>>("/api/products/search?q=TEA-010");

        Assert.Equal(["Enamel mug", "Stoneware mug"], byName!.Select(p => p.Name));
        Assert.Equal("Breakfast tea, 250 g", Assert.Single(bySku!).Name);
    }

    [Fact]
    public async Task Products_can_be_read_by_id_and_by_category()
    {
        var client = factory.CreateClient();

        var product = await client.GetFromJsonAsync<Product>("/api/products/1");
        var pantry = await client.GetFromJsonAsync<List<Product>>("/api/products/category/Pantry");
        var missing = await client.GetAsync("/api/products/9999");

        Assert.Equal("MUG-001", product!.Sku);
        Assert.All(pantry!, p => Assert.Equal("Pantry", p.Category));
        Assert.Equal(2, pantry!.Count);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_cannot_change_the_catalogue()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/products", new NewProduct("PEN-001", "Fountain pen", "Stationery", 3500, 5));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_staff_key_is_rejected()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Staff-Key", "not-the-key");

        var response = await client.PostAsJsonAsync("/api/products", new NewProduct("PEN-002", "Pencil", "Stationery", 150, 5));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Staff_can_add_a_product_and_change_its_price()
    {
        var client = factory.CreateStaffClient();

        var created = await client.PostAsJsonAsync("/api/products", new NewProduct("PEN-003", "Ink, blue", "Stationery", 600, 12));
        var product = await created.Content.ReadFromJsonAsync<Product>();
        var changed = await client.PutAsJsonAsync($"/api/products/{product!.Id}/price", new PriceChange(650));
        var reread = await client.GetFromJsonAsync<Product>($"/api/products/{product.Id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(650, reread!.PriceCents);
    }
}
