using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001 code fix for ADO.NET: AddWithValue, Add(new XParameter), CreateParameter; @name, :name and ?.</summary>
public sealed partial class AEG001NonConstantSqlFixerTests
{
    /// <summary>A provider the tests cannot reference ({0} namespace, {1} type prefix), with its own parameter types.</summary>
    private const string AdoStub = """
        namespace {0}
        {
            public sealed class {1}Connection : System.Data.Common.DbConnection
            {
                public override string ConnectionString { get; set; } = "";
                public override string Database => "";
                public override string DataSource => "";
                public override string ServerVersion => "";
                public override System.Data.ConnectionState State => System.Data.ConnectionState.Closed;
                public override void ChangeDatabase(string databaseName) { }
                public override void Close() { }
                public override void Open() { }
                protected override System.Data.Common.DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel) => throw null!;
                public new {1}Command CreateCommand() => new {1}Command();
                protected override System.Data.Common.DbCommand CreateDbCommand() => new {1}Command();
            }

            public sealed class {1}ParameterCollection
            {
                public {1}Parameter Add({1}Parameter parameter) => parameter;
                public {1}Parameter AddWithValue(string parameterName, object? value) => new {1}Parameter(parameterName, value);
            }

            public sealed class {1}Parameter : System.Data.Common.DbParameter
            {
                public {1}Parameter() { }
                public {1}Parameter(string parameterName, object? value) { ParameterName = parameterName; Value = value; }
                public override System.Data.DbType DbType { get; set; }
                public override System.Data.ParameterDirection Direction { get; set; }
                public override bool IsNullable { get; set; }
                [System.Diagnostics.CodeAnalysis.AllowNull]
                public override string ParameterName { get; set; } = "";
                public override int Size { get; set; }
                [System.Diagnostics.CodeAnalysis.AllowNull]
                public override string SourceColumn { get; set; } = "";
                public override bool SourceColumnNullMapping { get; set; }
                public override object? Value { get; set; }
                public override void ResetDbType() { }
            }

            public sealed class {1}Command : System.Data.Common.DbCommand
            {
                public {1}Command() { }
                public {1}Command(string cmdText, {1}Connection connection) { CommandText = cmdText; }
                [System.Diagnostics.CodeAnalysis.AllowNull]
                public override string CommandText { get; set; } = "";
                public override int CommandTimeout { get; set; }
                public override System.Data.CommandType CommandType { get; set; }
                public override bool DesignTimeVisible { get; set; }
                public override System.Data.UpdateRowSource UpdatedRowSource { get; set; }
                public new {1}Connection? Connection { get; set; }
                protected override System.Data.Common.DbConnection? DbConnection { get; set; }
                public new {1}ParameterCollection Parameters { get; } = new();
                protected override System.Data.Common.DbParameterCollection DbParameterCollection => throw null!;
                protected override System.Data.Common.DbTransaction? DbTransaction { get; set; }
                public override void Cancel() { }
                public override int ExecuteNonQuery() => 0;
                public override object? ExecuteScalar() => null;
                public override void Prepare() { }
                public new {1}Parameter CreateParameter() => new();
                protected override System.Data.Common.DbParameter CreateDbParameter() => new {1}Parameter();
                protected override System.Data.Common.DbDataReader ExecuteDbDataReader(System.Data.CommandBehavior behavior) => throw null!;
            }
        }
        """;

    private static AnalyzerTest Ado(string source) => Test(source, EquivalenceKeys.ParameterizeAdo);

    private static string AdoStubFor(string ns, string prefix) => AdoStub.Replace("{0}", ns).Replace("{1}", prefix);

    [Fact]
    public async Task Fix_Sqlite_CommandTextConcatenation_AddWithValueAfterTheAssignment()
    {
        await Ado("""
                using System.Threading.Tasks;
                using Microsoft.Data.Sqlite;

                public static class InventoryEndpoints
                {
                    public static async Task<object?> ListStock(SqliteConnection connection, string warehouse = "Main")
                    {
                        await using var command = connection.CreateCommand();
                        command.CommandText = [|"SELECT Sku, Name FROM Products WHERE Warehouse = '" + warehouse + "' ORDER BY Sku"|]; // planted
                        return await command.ExecuteScalarAsync();
                    }
                }
                """)
            .ExpectFix("""
                using System.Threading.Tasks;
                using Microsoft.Data.Sqlite;

                public static class InventoryEndpoints
                {
                    public static async Task<object?> ListStock(SqliteConnection connection, string warehouse = "Main")
                    {
                        await using var command = connection.CreateCommand();
                        command.CommandText = "SELECT Sku, Name FROM Products WHERE Warehouse = @warehouse ORDER BY Sku"; // planted
                        command.Parameters.AddWithValue("@warehouse", warehouse);
                        return await command.ExecuteScalarAsync();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Npgsql_UsingVarConstructor_AddNewParameterStyle()
    {
        await Ado("""
                using Npgsql;

                public class Users
                {
                    public object? Find(NpgsqlConnection connection, string name, string city)
                    {
                        using var command = new NpgsqlCommand([|$"SELECT Id FROM Users WHERE Name = '{name}' AND City = '{city}'"|], connection);
                        return command.ExecuteScalar();
                    }

                    public object? ById(NpgsqlConnection connection, int id)
                    {
                        using var command = new NpgsqlCommand("SELECT Name FROM Users WHERE Id = @id", connection);
                        command.Parameters.Add(new NpgsqlParameter("@id", id));
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ExpectFix("""
                using Npgsql;

                public class Users
                {
                    public object? Find(NpgsqlConnection connection, string name, string city)
                    {
                        using var command = new NpgsqlCommand("SELECT Id FROM Users WHERE Name = @name AND City = @city", connection);
                        command.Parameters.Add(new NpgsqlParameter("@name", name));
                        command.Parameters.Add(new NpgsqlParameter("@city", city));
                        return command.ExecuteScalar();
                    }

                    public object? ById(NpgsqlConnection connection, int id)
                    {
                        using var command = new NpgsqlCommand("SELECT Name FROM Users WHERE Id = @id", connection);
                        command.Parameters.Add(new NpgsqlParameter("@id", id));
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_SqlClient_ObjectInitializer_AddWithValue_ExistingNameKeptUnique()
    {
        await Ado("""
                using Microsoft.Data.SqlClient;

                public class Users
                {
                    public object? Find(SqlConnection connection, string name, int id)
                    {
                        using var command = new SqlCommand { Connection = connection, CommandText = [|"SELECT Id FROM Users WHERE Id = @name AND Name = N'" + name + "'"|] };
                        command.Parameters.AddWithValue("@name", id);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .WithSource(AdoStubFor("Microsoft.Data.SqlClient", "Sql"))
            .ExpectFix("""
                using Microsoft.Data.SqlClient;

                public class Users
                {
                    public object? Find(SqlConnection connection, string name, int id)
                    {
                        using var command = new SqlCommand { Connection = connection, CommandText = "SELECT Id FROM Users WHERE Id = @name AND Name = @name1" };
                        command.Parameters.AddWithValue("@name1", name);
                        command.Parameters.AddWithValue("@name", id);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_PlainDbCommand_CreateParameter_UsingStatementBlock_StringFormat()
    {
        await Ado("""
                using System.Data.Common;

                public class Users
                {
                    public object? Find(DbConnection connection, string name)
                    {
                        using (var command = connection.CreateCommand())
                        {
                            command.CommandText = [|string.Format("SELECT Id FROM Users WHERE Name = '{0}'", name)|];
                            return command.ExecuteScalar();
                        }
                    }
                }
                """)
            .ExpectFix("""
                using System.Data.Common;

                public class Users
                {
                    public object? Find(DbConnection connection, string name)
                    {
                        using (var command = connection.CreateCommand())
                        {
                            command.CommandText = "SELECT Id FROM Users WHERE Name = @name";
                            var nameParameter = command.CreateParameter();
                            nameParameter.ParameterName = "@name";
                            nameParameter.Value = name;
                            command.Parameters.Add(nameParameter);
                            return command.ExecuteScalar();
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_UsingStatementConstructor_ParametersGoFirstInItsBlock_SqlBuiltInALocal()
    {
        await Ado("""
                using Microsoft.Data.SqlClient;

                public class Users
                {
                    public object? Find(SqlConnection connection, string name)
                    {
                        var sql = "SELECT Id FROM Users WHERE Name = '" + name + "'";
                        using (var command = new SqlCommand([|sql|], connection))
                        {
                            return command.ExecuteScalar();
                        }
                    }
                }
                """)
            .WithSource(AdoStubFor("Microsoft.Data.SqlClient", "Sql"))
            .ExpectFix("""
                using Microsoft.Data.SqlClient;

                public class Users
                {
                    public object? Find(SqlConnection connection, string name)
                    {
                        var sql = "SELECT Id FROM Users WHERE Name = @name";
                        using (var command = new SqlCommand(sql, connection))
                        {
                            command.Parameters.AddWithValue("@name", name);
                            return command.ExecuteScalar();
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Oracle_ColonPlaceholders_OneParameterPerOccurrence()
    {
        await Ado("""
                using Oracle.ManagedDataAccess.Client;

                public class Users
                {
                    public object? Find(OracleConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|$"SELECT Id FROM Users WHERE Name = '{name}' OR Alias = '{name}'"|];
                        return command.ExecuteScalar();
                    }
                }
                """)
            .WithSource(AdoStubFor("Oracle.ManagedDataAccess.Client", "Oracle"))
            .ExpectFix("""
                using Oracle.ManagedDataAccess.Client;

                public class Users
                {
                    public object? Find(OracleConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = "SELECT Id FROM Users WHERE Name = :name OR Alias = :name1";
                        command.Parameters.AddWithValue("name", name);
                        command.Parameters.AddWithValue("name1", name);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Odbc_PositionalPlaceholders_AddedInHoleOrder()
    {
        await Ado("""
                using System.Data.Odbc;

                public class Users
                {
                    public object? Find(OdbcConnection connection, string city, string name)
                    {
                        using var command = new OdbcCommand([|"SELECT Id FROM Users WHERE Name = '" + name + "' AND City = '" + city + "'"|], connection);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .WithSource(AdoStubFor("System.Data.Odbc", "Odbc"))
            .ExpectFix("""
                using System.Data.Odbc;

                public class Users
                {
                    public object? Find(OdbcConnection connection, string city, string name)
                    {
                        using var command = new OdbcCommand("SELECT Id FROM Users WHERE Name = ? AND City = ?", connection);
                        command.Parameters.AddWithValue("name", name);
                        command.Parameters.AddWithValue("city", city);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_CRLF_MultiLineConcatenation_KeepsTheLayout()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public object? Find(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|"SELECT Id FROM Users " +
                                              "WHERE Name LIKE '" + name + "%' " +
                                              "ORDER BY Id"|];
                        return command.ExecuteScalar();
                    }
                }
                """)
            .WithLineEnding("\r\n")
            .ExpectFix("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public object? Find(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = "SELECT Id FROM Users " +
                                              "WHERE Name LIKE @namePattern " +
                                              "ORDER BY Id";
                        command.Parameters.AddWithValue("@namePattern", name + "%");
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_TwoCommandsInOneMethod_EachGetsItsParameters()
    {
        await Ado("""
                using System.Data.Common;

                public class Users
                {
                    public void Move(DbConnection connection, string name, string city)
                    {
                        using var first = connection.CreateCommand();
                        first.CommandText = [|"DELETE FROM Users WHERE Name = '" + name + "'"|];
                        first.ExecuteNonQuery();
                        using var second = connection.CreateCommand();
                        second.CommandText = [|$"INSERT INTO Users (Name, City) VALUES ('{name}', '{city}')"|];
                        second.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectFix("""
                using System.Data.Common;

                public class Users
                {
                    public void Move(DbConnection connection, string name, string city)
                    {
                        using var first = connection.CreateCommand();
                        first.CommandText = "DELETE FROM Users WHERE Name = @name";
                        var nameParameter = first.CreateParameter();
                        nameParameter.ParameterName = "@name";
                        nameParameter.Value = name;
                        first.Parameters.Add(nameParameter);
                        first.ExecuteNonQuery();
                        using var second = connection.CreateCommand();
                        second.CommandText = "INSERT INTO Users (Name, City) VALUES (@name, @city)";
                        var nameParameter1 = second.CreateParameter();
                        nameParameter1.ParameterName = "@name";
                        nameParameter1.Value = name;
                        second.Parameters.Add(nameParameter1);
                        var cityParameter = second.CreateParameter();
                        cityParameter.ParameterName = "@city";
                        cityParameter.Value = city;
                        second.Parameters.Add(cityParameter);
                        second.ExecuteNonQuery();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_CommandReusedInALoop()
    {
        await Ado("""
                using System.Collections.Generic;
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, IEnumerable<string> names)
                    {
                        using var command = connection.CreateCommand();
                        foreach (var name in names)
                        {
                            command.CommandText = [|"DELETE FROM Users WHERE Name = '" + name + "'"|];
                            command.ExecuteNonQuery();
                        }
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_CommandTextSetTwice()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = "DELETE FROM Logs";
                        command.ExecuteNonQuery();
                        command.CommandText = [|"DELETE FROM Users WHERE Name = '" + name + "'"|];
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_UnquotedStringHole_WouldChangeTheQuery()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string id)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|"DELETE FROM Users WHERE Id = " + id|];
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_OrderByDirection_NeedsHumanReview()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void List(SqliteConnection connection, string direction)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|"SELECT Name FROM Users ORDER BY Name " + direction|];
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_SqlBuiltByAHelper()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|Build(name)|];
                        command.ExecuteNonQuery();
                    }

                    private static string Build(string name) => "DELETE FROM Users WHERE Name = '" + name + "'";
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_StringBuilder_AppendStatementsMergeAroundThePlaceholder()
    {
        await Ado("""
                using System.Text;
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string name, int age)
                    {
                        var sql = new StringBuilder("DELETE FROM Users");
                        sql.Append(" WHERE Age > ").Append(age);
                        sql.Append(" AND Name = '");
                        sql.Append(name);
                        sql.Append("'");
                        using var command = connection.CreateCommand();
                        command.CommandText = [|sql.ToString()|];
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectFix("""
                using System.Text;
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string name, int age)
                    {
                        var sql = new StringBuilder("DELETE FROM Users");
                        sql.Append(" WHERE Age > ").Append(age);
                        sql.Append(" AND Name = @name");
                        using var command = connection.CreateCommand();
                        command.CommandText = sql.ToString();
                        command.Parameters.AddWithValue("@name", name);
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_StringBuilder_ConditionalAppend()
    {
        await Ado("""
                using System.Text;
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string name, bool all)
                    {
                        var sql = new StringBuilder("DELETE FROM Users WHERE Name = '");
                        sql.Append(name);
                        sql.Append("'");
                        if (!all)
                        {
                            sql.Append(" AND Active = 1");
                        }

                        using var command = connection.CreateCommand();
                        command.CommandText = [|sql.ToString()|];
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ValueWrittenBetweenTheLocalAndTheCommand()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public void Delete(SqliteConnection connection, string name)
                    {
                        var sql = "DELETE FROM Users WHERE Name = '" + name + "'";
                        name = "changed";
                        using var command = new SqliteCommand([|sql|], connection);
                        command.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_AddParameter_AddsTheProviderUsing_CRLF()
    {
        await Ado("""
                public class Users
                {
                    public object? Find(Npgsql.NpgsqlConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|$"SELECT Id FROM Users WHERE Name = '{name}'"|];
                        return command.ExecuteScalar();
                    }

                    public void Bind(Npgsql.NpgsqlCommand command, int id) => command.Parameters.Add(new Npgsql.NpgsqlParameter("@id", id));
                }
                """)
            .WithLineEnding("\r\n")
            .ExpectFix("""
                using Npgsql;

                public class Users
                {
                    public object? Find(Npgsql.NpgsqlConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = "SELECT Id FROM Users WHERE Name = @name";
                        command.Parameters.Add(new NpgsqlParameter("@name", name));
                        return command.ExecuteScalar();
                    }

                    public void Bind(Npgsql.NpgsqlCommand command, int id) => command.Parameters.Add(new Npgsql.NpgsqlParameter("@id", id));
                }
                """)
            .ValidateAsync();
    }
}
