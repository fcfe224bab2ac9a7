using Aegis.Sample.Data;
using Microsoft.Data.Sqlite;

namespace Aegis.Sample.Inventory;

public sealed record StockLevel(string Sku, string Name, int Stock, string Warehouse);

public sealed record Restock(int Quantity);

/// <summary>Warehouse stock, for the back office. Plain ADO.NET.</summary>
public static class InventoryEndpoints
{
    public static async Task<IResult> ListStock(SqliteConnectionFactory connections, CancellationToken cancellationToken, string warehouse = "Main")
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Sku, Name, Stock, Warehouse FROM Products WHERE Warehouse = '" + warehouse + "' ORDER BY Sku"; // planted: AEG001
        return Results.Ok(await ReadStockAsync(command, cancellationToken));
    }

    public static async Task<IResult> LowStock(SqliteConnectionFactory connections, CancellationToken cancellationToken, int threshold = 5)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Sku, Name, Stock, Warehouse FROM Products WHERE Stock < $threshold ORDER BY Stock, Sku";
        command.Parameters.AddWithValue("$threshold", threshold);
        return Results.Ok(await ReadStockAsync(command, cancellationToken));
    }

    public static async Task<IResult> RestockItem(string sku, Restock restock, SqliteConnectionFactory connections, CancellationToken cancellationToken)
    {
        if (restock.Quantity <= 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [nameof(Restock.Quantity)] = ["Must be positive."] });
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = new SqliteCommand("UPDATE Products SET Stock = Stock + $quantity WHERE Sku = $sku RETURNING Stock", connection);
        command.Parameters.AddWithValue("$quantity", restock.Quantity);
        command.Parameters.AddWithValue("$sku", sku);
        var stock = await command.ExecuteScalarAsync(cancellationToken);
        return stock is null ? Results.NotFound() : Results.Ok(new { sku, stock = Convert.ToInt32(stock, System.Globalization.CultureInfo.InvariantCulture) });
    }

    private static async Task<List<StockLevel>> ReadStockAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var levels = new List<StockLevel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            levels.Add(new StockLevel(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
        }

        return levels;
    }
}
