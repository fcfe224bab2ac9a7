namespace Aegis.Sample.Catalog;

public sealed class Product
{
    public int Id { get; set; }

    public string Sku { get; set; } = "";

    public string Name { get; set; } = "";

    public string Category { get; set; } = "";

    public long PriceCents { get; set; }

    public int Stock { get; set; }
}

public sealed record NewProduct(string Sku, string Name, string Category, long PriceCents, int Stock, string Warehouse = "Main");

public sealed record PriceChange(long PriceCents);
