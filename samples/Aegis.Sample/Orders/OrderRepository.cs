using System.Globalization;
using Aegis.Sample.Data;
using Dapper;

namespace Aegis.Sample.Orders;

/// <summary>Orders, through Dapper.</summary>
public sealed class OrderRepository(SqliteConnectionFactory connections, TimeProvider clock)
{
    private const string OrderColumns = "Id, TrackingCode, CustomerEmail, Status, TotalCents, PaymentIntentId, CreatedAt";

    /// <summary>Creates the order and takes the stock in one transaction; null when a product is unknown or out of stock.</summary>
    public async Task<CreatedOrder?> CreateAsync(CreateOrderRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var lines = new List<(int ProductId, int Quantity, long UnitPriceCents)>();
        foreach (var line in request.Lines)
        {
            var product = await connection.QuerySingleOrDefaultAsync<StockRow>(
                "SELECT Id, PriceCents, Stock FROM Products WHERE Sku = @Sku",
                new { line.Sku },
                transaction);
            if (product is null || line.Quantity <= 0 || product.Stock < line.Quantity)
            {
                return null;
            }

            lines.Add((product.Id, line.Quantity, product.PriceCents));
        }

        var trackingCode = Guid.NewGuid();
        var total = lines.Sum(line => line.Quantity * line.UnitPriceCents);
        var orderId = await connection.ExecuteScalarAsync<int>(
            """
            INSERT INTO Orders (TrackingCode, CustomerEmail, Status, TotalCents, PaymentIntentId, CreatedAt)
            VALUES (@TrackingCode, @CustomerEmail, @Status, @TotalCents, @PaymentIntentId, @CreatedAt)
            RETURNING Id
            """,
            new
            {
                TrackingCode = trackingCode.ToString("N"),
                request.CustomerEmail,
                Status = nameof(OrderStatus.Pending),
                TotalCents = total,
                request.PaymentIntentId,
                CreatedAt = clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            },
            transaction);

        foreach (var (productId, quantity, unitPriceCents) in lines)
        {
            await connection.ExecuteAsync(
                "INSERT INTO OrderLines (OrderId, ProductId, Quantity, UnitPriceCents) VALUES (@orderId, @productId, @quantity, @unitPriceCents)",
                new { orderId, productId, quantity, unitPriceCents },
                transaction);
            await connection.ExecuteAsync(
                "UPDATE Products SET Stock = Stock - @quantity WHERE Id = @productId",
                new { quantity, productId },
                transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        return new CreatedOrder(orderId, trackingCode, total);
    }

    public async Task<IReadOnlyList<Order>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var orders = await connection.QueryAsync<Order>(
            $"SELECT {OrderColumns} FROM Orders WHERE (@status IS NULL OR Status = @status) ORDER BY Id DESC",
            new { status });
        return orders.AsList();
    }

    public async Task<Order?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Order>($"SELECT {OrderColumns} FROM Orders WHERE Id = @id", new { id });
    }

    public async Task<Order?> FindByTrackingCodeAsync(Guid trackingCode, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Order>($"SELECT {OrderColumns} FROM Orders WHERE TrackingCode = '{trackingCode:N}'");
    }

    public async Task<long> CountAsync(OrderStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM Orders WHERE Status = '{status}'");
    }

    public async Task<bool> SetStatusAsync(int id, OrderStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE Orders SET Status = @status WHERE Id = @id",
            new { status = status.ToString(), id });
        return updated > 0;
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
        return await connection.ExecuteAsync("DELETE FROM Orders WHERE Id = @id", new { id }) > 0;
    }

    private sealed class StockRow
    {
        public int Id { get; set; }

        public long PriceCents { get; set; }

        public int Stock { get; set; }
    }
}
