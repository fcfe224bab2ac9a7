using Microsoft.Data.Sqlite;

namespace Aegis.Sample.Data;

/// <summary>Opens connections to the shop database (Dapper and ADO.NET code share it).</summary>
public sealed class SqliteConnectionFactory(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
