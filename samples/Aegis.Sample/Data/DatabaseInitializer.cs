using Dapper;

namespace Aegis.Sample.Data;

/// <summary>Creates the schema and seeds a small catalogue the first time the app starts on a database.</summary>
public static class DatabaseInitializer
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS Products (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            Sku TEXT NOT NULL UNIQUE,
            Name TEXT NOT NULL,
            Category TEXT NOT NULL,
            PriceCents INTEGER NOT NULL,
            Stock INTEGER NOT NULL,
            Warehouse TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS Orders (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            TrackingCode TEXT NOT NULL UNIQUE,
            CustomerEmail TEXT NOT NULL,
            Status TEXT NOT NULL,
            TotalCents INTEGER NOT NULL,
            PaymentIntentId TEXT NULL,
            CreatedAt TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS OrderLines (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            OrderId INTEGER NOT NULL REFERENCES Orders(Id) ON DELETE CASCADE,
            ProductId INTEGER NOT NULL REFERENCES Products(Id),
            Quantity INTEGER NOT NULL,
            UnitPriceCents INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS Customers (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            Email TEXT NOT NULL UNIQUE,
            Name TEXT NOT NULL,
            City TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS Suppliers (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            Name TEXT NOT NULL,
            City TEXT NOT NULL,
            ContactEmail TEXT NOT NULL,
            Active INTEGER NOT NULL DEFAULT 1);
        """;

    private static readonly object[] SeedProducts =
    [
        new { Sku = "MUG-001", Name = "Enamel mug", Category = "Kitchen", PriceCents = 1200, Stock = 40, Warehouse = "Main" },
        new { Sku = "MUG-002", Name = "Stoneware mug", Category = "Kitchen", PriceCents = 1500, Stock = 3, Warehouse = "Main" },
        new { Sku = "TEA-010", Name = "Breakfast tea, 250 g", Category = "Pantry", PriceCents = 890, Stock = 120, Warehouse = "Main" },
        new { Sku = "TEA-011", Name = "Green tea, 100 g", Category = "Pantry", PriceCents = 990, Stock = 0, Warehouse = "North" },
        new { Sku = "BAG-100", Name = "Canvas tote bag", Category = "Bags", PriceCents = 2500, Stock = 15, Warehouse = "North" },
    ];

    private static readonly object[] SeedCustomers =
    [
        new { Email = "ada@example.com", Name = "Ada Lovelace", City = "London" },
        new { Email = "grace@example.com", Name = "Grace Hopper", City = "Arlington" },
        new { Email = "alan@example.com", Name = "Alan Turing", City = "London" },
    ];

    private static readonly object[] SeedSuppliers =
    [
        new { Name = "Potter & Sons", City = "Stoke", ContactEmail = "orders@potter.example" },
        new { Name = "Leaf Traders", City = "Bristol", ContactEmail = "sales@leaf.example" },
        new { Name = "Canvas Works", City = "Leeds", ContactEmail = "hello@canvas.example" },
    ];

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var connections = services.GetRequiredService<SqliteConnectionFactory>();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(Schema);

        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM Products") > 0)
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO Products (Sku, Name, Category, PriceCents, Stock, Warehouse) VALUES (@Sku, @Name, @Category, @PriceCents, @Stock, @Warehouse)",
            SeedProducts,
            transaction);
        await connection.ExecuteAsync(
            $"INSERT INTO {nameof(ShopDbContext.Customers)} (Email, Name, City) VALUES (@Email, @Name, @City)",
            SeedCustomers,
            transaction);
        await connection.ExecuteAsync(
            $"INSERT INTO {nameof(ShopDbContext.Suppliers)} (Name, City, ContactEmail) VALUES (@Name, @City, @ContactEmail)",
            SeedSuppliers,
            transaction);
        await transaction.CommitAsync(cancellationToken);
    }
}
