using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001: the sink catalog (one row per sink) and the danger sources.</summary>
[Trait("Rule", "AEG001")]
public partial class AEG001NonConstantSqlTests
{
    /// <summary>The SQL every catalog row builds: a value hole, from a public method's parameter.</summary>
    private const string Sql = "\"SELECT * FROM Users WHERE Name = '\" + name + \"'\"";

    /// <summary>A public repository method with every kind of connection at hand; {0} is the statement under test.</summary>
    private const string Wrapper = """
        using System.Data;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.Data.Sqlite;
        using Microsoft.EntityFrameworkCore;
        using Npgsql;

        public class Repository
        {
            public void Run(SqliteConnection sqlite, NpgsqlConnection npgsql, IDbConnection db, AppDb ef, string name)
            {
                {0}
            }
        }

        public class AppDb : DbContext
        {
            public DbSet<User> Users => Set<User>();
        }

        public class User
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }
        """;

    /// <summary>Minimal ADO.NET types of providers the tests cannot reference: {0} namespace, {1} type prefix.</summary>
    private const string ProviderStub = """
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
                protected override System.Data.Common.DbCommand CreateDbCommand() => new {1}Command();
            }

            public sealed class {1}Command : System.Data.Common.DbCommand
            {
                public {1}Command() { }
                public {1}Command(string cmdText) { CommandText = cmdText; }
                public {1}Command(string cmdText, {1}Connection connection) { CommandText = cmdText; }
                [System.Diagnostics.CodeAnalysis.AllowNull]
                public override string CommandText { get; set; } = "";
                public override int CommandTimeout { get; set; }
                public override System.Data.CommandType CommandType { get; set; }
                public override bool DesignTimeVisible { get; set; }
                public override System.Data.UpdateRowSource UpdatedRowSource { get; set; }
                protected override System.Data.Common.DbConnection? DbConnection { get; set; }
                protected override System.Data.Common.DbParameterCollection DbParameterCollection => throw null!;
                protected override System.Data.Common.DbTransaction? DbTransaction { get; set; }
                public override void Cancel() { }
                public override int ExecuteNonQuery() => 0;
                public override object? ExecuteScalar() => null;
                public override void Prepare() { }
                protected override System.Data.Common.DbParameter CreateDbParameter() => throw null!;
                protected override System.Data.Common.DbDataReader ExecuteDbDataReader(System.Data.CommandBehavior behavior) => throw null!;
            }

            public sealed class {1}DataAdapter : System.Data.Common.DbDataAdapter
            {
                public {1}DataAdapter(string selectCommandText, string selectConnectionString) { }
            }
        }
        """;

    public static TheoryData<string, string, string> Sinks => new()
    {
        // statement, sink name in the message, sink_kind
        { "using var cmd = new SqliteCommand([|" + Sql + "|], sqlite);", "new SqliteCommand(...)", SqlSinkKinds.CommandConstructor },
        { "using var cmd = sqlite.CreateCommand(); cmd.CommandText = [|" + Sql + "|];", "SqliteCommand.CommandText", SqlSinkKinds.CommandText },
        { "using var cmd = new SqliteCommand { CommandText = [|" + Sql + "|] };", "SqliteCommand.CommandText", SqlSinkKinds.CommandText },
        { "using var cmd = new NpgsqlCommand([|" + Sql + "|], npgsql);", "new NpgsqlCommand(...)", SqlSinkKinds.CommandConstructor },
        { "using var cmd = npgsql.CreateCommand(); cmd.CommandText = [|" + Sql + "|];", "NpgsqlCommand.CommandText", SqlSinkKinds.CommandText },
        { "var batch = new NpgsqlBatchCommand([|" + Sql + "|]);", "new NpgsqlBatchCommand(...)", SqlSinkKinds.BatchCommand },
        { "var batch = new NpgsqlBatchCommand(); batch.CommandText = [|" + Sql + "|];", "NpgsqlBatchCommand.CommandText", SqlSinkKinds.BatchCommand },
        { "IDbCommand cmd = db.CreateCommand(); cmd.CommandText = [|" + Sql + "|];", "IDbCommand.CommandText", SqlSinkKinds.CommandText },
        { "db.Query<User>([|" + Sql + "|]);", "SqlMapper.Query", SqlSinkKinds.Dapper },
        { "_ = db.QueryAsync<User>([|" + Sql + "|]);", "SqlMapper.QueryAsync", SqlSinkKinds.Dapper },
        { "db.QueryFirst<User>([|" + Sql + "|]);", "SqlMapper.QueryFirst", SqlSinkKinds.Dapper },
        { "_ = db.QueryFirstAsync<User>([|" + Sql + "|]);", "SqlMapper.QueryFirstAsync", SqlSinkKinds.Dapper },
        { "db.QueryFirstOrDefault<User>([|" + Sql + "|]);", "SqlMapper.QueryFirstOrDefault", SqlSinkKinds.Dapper },
        { "_ = db.QueryFirstOrDefaultAsync<User>([|" + Sql + "|]);", "SqlMapper.QueryFirstOrDefaultAsync", SqlSinkKinds.Dapper },
        { "db.QuerySingle<User>([|" + Sql + "|]);", "SqlMapper.QuerySingle", SqlSinkKinds.Dapper },
        { "_ = db.QuerySingleAsync<User>([|" + Sql + "|]);", "SqlMapper.QuerySingleAsync", SqlSinkKinds.Dapper },
        { "db.QuerySingleOrDefault<User>([|" + Sql + "|]);", "SqlMapper.QuerySingleOrDefault", SqlSinkKinds.Dapper },
        { "_ = db.QuerySingleOrDefaultAsync<User>([|" + Sql + "|]);", "SqlMapper.QuerySingleOrDefaultAsync", SqlSinkKinds.Dapper },
        { "db.QueryMultiple([|" + Sql + "|]);", "SqlMapper.QueryMultiple", SqlSinkKinds.Dapper },
        { "_ = db.QueryMultipleAsync([|" + Sql + "|]);", "SqlMapper.QueryMultipleAsync", SqlSinkKinds.Dapper },
        { "db.Query([|" + Sql + "|]);", "SqlMapper.Query", SqlSinkKinds.Dapper },
        { "db.Execute([|" + Sql + "|]);", "SqlMapper.Execute", SqlSinkKinds.Dapper },
        { "_ = db.ExecuteAsync([|" + Sql + "|]);", "SqlMapper.ExecuteAsync", SqlSinkKinds.Dapper },
        { "db.ExecuteScalar<int>([|" + Sql + "|]);", "SqlMapper.ExecuteScalar", SqlSinkKinds.Dapper },
        { "_ = db.ExecuteScalarAsync<int>([|" + Sql + "|]);", "SqlMapper.ExecuteScalarAsync", SqlSinkKinds.Dapper },
        { "db.ExecuteReader([|" + Sql + "|]);", "SqlMapper.ExecuteReader", SqlSinkKinds.Dapper },
        { "_ = db.ExecuteReaderAsync([|" + Sql + "|]);", "SqlMapper.ExecuteReaderAsync", SqlSinkKinds.Dapper },
        { "var definition = new CommandDefinition([|" + Sql + "|]);", "new CommandDefinition(...)", SqlSinkKinds.Dapper },
        { "ef.Users.FromSqlRaw([|" + Sql + "|]).ToList();", "RelationalQueryableExtensions.FromSqlRaw", SqlSinkKinds.EfRaw },
        { "ef.Database.ExecuteSqlRaw([|" + Sql + "|]);", "RelationalDatabaseFacadeExtensions.ExecuteSqlRaw", SqlSinkKinds.EfRaw },
        { "_ = ef.Database.ExecuteSqlRawAsync([|" + Sql + "|]);", "RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync", SqlSinkKinds.EfRaw },
        { "ef.Database.SqlQueryRaw<string>([|" + Sql + "|]).ToList();", "RelationalDatabaseFacadeExtensions.SqlQueryRaw", SqlSinkKinds.EfRaw },
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(Sinks))]
    public async Task Detect_Sink(string statement, string sinkName, string sinkKind)
    {
        var remediation = sinkKind switch
        {
            SqlSinkKinds.Dapper => RemediationStrategies.ParameterizeDapper,
            SqlSinkKinds.EfRaw => RemediationStrategies.EfInterpolated,
            _ => RemediationStrategies.ParameterizeAdo,
        };
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Wrap("using System.Linq;\n" + Wrapper, statement))
            .ExpectMessage(0, $"SQL passed to {sinkName} is built from parameter 'name'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.SinkKind, sinkKind)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, remediation)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.SqlConstantText)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.90")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.Source, "parameter 'name'")
            .ExpectSeverity(0, DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    public static TheoryData<string, string, string, string> Providers => new()
    {
        // namespace, type prefix, provider, placeholder style
        { "Microsoft.Data.SqlClient", "Sql", "sqlclient", "@name" },
        { "System.Data.SqlClient", "Sql", "sqlclient", "@name" },
        { "MySqlConnector", "MySql", "mysql", "@name" },
        { "MySql.Data.MySqlClient", "MySql", "mysql", "@name" },
        { "Oracle.ManagedDataAccess.Client", "Oracle", "oracle", ":name" },
        { "System.Data.Odbc", "Odbc", "odbc", "?" },
        { "System.Data.OleDb", "OleDb", "oledb", "?" },
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(Providers))]
    public async Task Detect_ProviderCommandConstructorAndCommandText(string ns, string prefix, string provider, string placeholder)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Stub(ns, prefix))
            .WithSource($$"""
                using {{ns}};

                public class Repository
                {
                    public void Run({{prefix}}Connection connection, string name)
                    {
                        using var cmd = new {{prefix}}Command([|"SELECT * FROM Users WHERE Name = '" + name + "'"|], connection);
                        cmd.CommandText = [|$"DELETE FROM Users WHERE Name = '{name}'"|];
                    }
                }
                """)
            .ExpectMessage(0, $"SQL passed to new {prefix}Command(...) is built from parameter 'name'; pass the value as a parameter")
            .ExpectMessage(1, $"SQL passed to {prefix}Command.CommandText is built from parameter 'name'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.SinkKind, SqlSinkKinds.CommandConstructor)
            .ExpectProperty(1, DiagnosticPropertyNames.SinkKind, SqlSinkKinds.CommandText)
            .ExpectProperty(DiagnosticPropertyNames.Provider, provider)
            .ExpectProperty(DiagnosticPropertyNames.PlaceholderStyle, placeholder)
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ParameterizeAdo)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_DataAdapterConstructor()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Stub("Microsoft.Data.SqlClient", "Sql"))
            .WithSource("""
                using Microsoft.Data.SqlClient;

                public class Reports
                {
                    public void Fill(string region)
                    {
                        using var adapter = new SqlDataAdapter([|"SELECT * FROM Sales WHERE Region = '" + region + "'"|], "Server=.;Database=Sales");
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to new SqlDataAdapter(...) is built from parameter 'region'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.SinkKind, SqlSinkKinds.DataAdapter)
            .ExpectProperty(0, DiagnosticPropertyNames.Provider, "sqlclient")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ParameterizeAdo)
            .ValidateAsync();
    }

    public static TheoryData<string> DangerSources => new()
    {
        "$\"SELECT * FROM Users WHERE Name = '{name}'\"",
        "\"SELECT * FROM Users WHERE Name = '\" + name + \"'\"",
        "string.Concat(\"SELECT * FROM Users WHERE Name = '\", name, \"'\")",
        "string.Format(\"SELECT * FROM Users WHERE Name = '{0}'\", name)",
        "string.Format(System.Globalization.CultureInfo.InvariantCulture, \"SELECT * FROM Users WHERE Name = '{0}'\", name)",
        "new System.Text.StringBuilder(\"SELECT * FROM Users WHERE Name = '\").Append(name).Append(\"'\").ToString()",
        "\"SELECT * FROM Users WHERE Name = '\" + (object)name + \"'\"",
        "\"SELECT * FROM Users WHERE Initial = '\" + name[0] + \"'\"",
        "$\"SELECT * FROM Users WHERE Name = '{name.Trim().ToUpperInvariant()}'\"",
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(DangerSources))]
    public async Task Detect_DangerSource(string expression)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Wrap(Wrapper, "using var cmd = sqlite.CreateCommand(); cmd.CommandText = [|" + expression + "|];"))
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from parameter 'name'; pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_StringBuilderLocal()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Text;
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string name, string city)
                    {
                        var sb = new StringBuilder();
                        sb.Append("SELECT * FROM Users WHERE 1 = 1");
                        sb.Append(" AND City = '").Append(city).Append("'");
                        sb.AppendFormat(" AND Name = '{0}'", name);
                        cmd.CommandText = [|sb.ToString()|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from parameter 'city'; pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_StringBuilderInsert()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Text;
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string name)
                    {
                        var sb = new StringBuilder("' ORDER BY Id");
                        sb.Insert(0, name);
                        sb.Insert(0, "SELECT * FROM Users WHERE Name = '");
                        cmd.CommandText = [|sb.ToString()|];
                    }
                }
                """)
            .ValidateAsync();
    }

    private static string Wrap(string wrapper, string statement) => wrapper.Replace("{0}", statement);

    private static string Stub(string ns, string prefix) => ProviderStub.Replace("{0}", ns).Replace("{1}", prefix);
}
