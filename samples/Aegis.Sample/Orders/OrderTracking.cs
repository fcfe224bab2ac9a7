using Aegis.Sample.Data;
using Dapper;

namespace Aegis.Sample.Orders;

/// <summary>Public order tracking. Operations can point it at a read-only view of the orders table.</summary>
public sealed class OrderTracking
{
    private readonly SqliteConnectionFactory _connections;
    private readonly string _table;

    public OrderTracking(SqliteConnectionFactory connections, IConfiguration config)
    {
        _connections = connections;
        _table = config["Sample:OrdersTable"] ?? "Orders";
    }

    public async Task<OrderStatusView?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OrderStatusView>($"SELECT Id, Status FROM {_table} WHERE Id = @id", new { id }); // planted: AEG001
    }
}
