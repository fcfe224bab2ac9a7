namespace Aegis.Analyzers.Sql;

/// <summary>What member of a sink type receives the SQL text.</summary>
internal enum SqlSinkMember
{
    PropertySetter,
    Constructor,
    Method,
}

/// <summary>Values of the <c>sink_kind</c> property.</summary>
internal static class SqlSinkKinds
{
    public const string CommandText = "command_text";
    public const string CommandConstructor = "command_constructor";
    public const string BatchCommand = "batch_command";
    public const string DataAdapter = "data_adapter";
    public const string Dapper = "dapper";
    public const string EfRaw = "ef_raw";
}

/// <summary>The data-access library a sink belongs to; decides the fix (remediation strategy) and the parameter style.</summary>
internal enum SqlLibrary
{
    Ado,
    Dapper,
    EfCore,
}

/// <summary>
/// One SQL sink. <see cref="TypeName"/> is matched by hierarchy for ADO.NET rows (any provider's command derives
/// from <c>DbCommand</c>) and exactly for static-method rows.
/// </summary>
internal sealed class SqlSink
{
    public SqlSink(string typeName, SqlSinkMember member, string memberName, string parameterNames, string kind, SqlLibrary library, bool namePrefix = false, bool firstStringFallback = false)
    {
        TypeName = typeName;
        Member = member;
        MemberName = memberName;
        ParameterNames = parameterNames.Split('|');
        Kind = kind;
        Library = library;
        NamePrefix = namePrefix;
        FirstStringFallback = firstStringFallback;
    }

    public string TypeName { get; }

    public SqlSinkMember Member { get; }

    /// <summary>Property or method name (a prefix when <see cref="NamePrefix"/>); empty for constructors.</summary>
    public string MemberName { get; }

    /// <summary>Names of the parameter that receives the SQL text.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    public string Kind { get; }

    public SqlLibrary Library { get; }

    public bool NamePrefix { get; }

    /// <summary>Providers name the command-text parameter differently (cmdText, commandText): take the first string.</summary>
    public bool FirstStringFallback { get; }

    public bool MatchesName(string name)
        => NamePrefix ? name.StartsWith(MemberName, StringComparison.Ordinal) : name == MemberName;
}

/// <summary>The sink table of AEG001. A new sink is a new row (and a test row).</summary>
internal static class SqlSinks
{
    private const string CommandTextNames = "commandText|cmdText|sql|commandtext";

    public static readonly IReadOnlyList<SqlSink> All = new[]
    {
        new SqlSink("System.Data.Common.DbCommand", SqlSinkMember.PropertySetter, "CommandText", "value", SqlSinkKinds.CommandText, SqlLibrary.Ado),
        new SqlSink("System.Data.IDbCommand", SqlSinkMember.PropertySetter, "CommandText", "value", SqlSinkKinds.CommandText, SqlLibrary.Ado),
        new SqlSink("System.Data.Common.DbCommand", SqlSinkMember.Constructor, string.Empty, CommandTextNames, SqlSinkKinds.CommandConstructor, SqlLibrary.Ado, firstStringFallback: true),
        new SqlSink("System.Data.Common.DbBatchCommand", SqlSinkMember.PropertySetter, "CommandText", "value", SqlSinkKinds.BatchCommand, SqlLibrary.Ado),
        new SqlSink("System.Data.Common.DbBatchCommand", SqlSinkMember.Constructor, string.Empty, CommandTextNames, SqlSinkKinds.BatchCommand, SqlLibrary.Ado, firstStringFallback: true),
        new SqlSink("System.Data.Common.DbDataAdapter", SqlSinkMember.Constructor, string.Empty, "selectCommandText", SqlSinkKinds.DataAdapter, SqlLibrary.Ado, firstStringFallback: true),

        // Dapper: Query, QueryAsync, QueryFirst*, QuerySingle*, QueryMultiple*, QueryUnbufferedAsync …
        new SqlSink("Dapper.SqlMapper", SqlSinkMember.Method, "Query", "sql", SqlSinkKinds.Dapper, SqlLibrary.Dapper, namePrefix: true),

        // … and Execute, ExecuteAsync, ExecuteScalar*, ExecuteReader*.
        new SqlSink("Dapper.SqlMapper", SqlSinkMember.Method, "Execute", "sql", SqlSinkKinds.Dapper, SqlLibrary.Dapper, namePrefix: true),
        new SqlSink("Dapper.CommandDefinition", SqlSinkMember.Constructor, string.Empty, "commandText", SqlSinkKinds.Dapper, SqlLibrary.Dapper),

        // EF Core's raw-SQL APIs take a string; FromSql/ExecuteSql/SqlQuery take a FormattableString and parameterize.
        new SqlSink("Microsoft.EntityFrameworkCore.RelationalQueryableExtensions", SqlSinkMember.Method, "FromSqlRaw", "sql", SqlSinkKinds.EfRaw, SqlLibrary.EfCore),
        new SqlSink("Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions", SqlSinkMember.Method, "ExecuteSqlRaw", "sql", SqlSinkKinds.EfRaw, SqlLibrary.EfCore),
        new SqlSink("Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions", SqlSinkMember.Method, "ExecuteSqlRawAsync", "sql", SqlSinkKinds.EfRaw, SqlLibrary.EfCore),
        new SqlSink("Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions", SqlSinkMember.Method, "SqlQueryRaw", "sql", SqlSinkKinds.EfRaw, SqlLibrary.EfCore),
    };
}

/// <summary>ADO.NET providers by namespace, and the parameter placeholder each one's SQL uses.</summary>
internal static class SqlProviders
{
    public const string Unknown = "unknown";

    /// <summary>Namespace prefix → provider. Order matters only for readability; prefixes do not overlap.</summary>
    public static readonly IReadOnlyList<(string Namespace, string Provider)> ByNamespace = new[]
    {
        ("Microsoft.Data.Sqlite", "sqlite"),
        ("System.Data.SQLite", "sqlite"),
        ("Npgsql", "npgsql"),
        ("Microsoft.Data.SqlClient", "sqlclient"),
        ("System.Data.SqlClient", "sqlclient"),
        ("MySqlConnector", "mysql"),
        ("MySql.Data", "mysql"),
        ("Oracle.ManagedDataAccess", "oracle"),
        ("Oracle.DataAccess", "oracle"),
        ("System.Data.Odbc", "odbc"),
        ("System.Data.OleDb", "oledb"),
    };

    /// <summary>Provider → placeholder style; providers not listed use <c>@name</c>.</summary>
    private static readonly IReadOnlyList<(string Provider, string Placeholder)> Placeholders = new[]
    {
        ("oracle", ":name"),
        ("odbc", "?"),
        ("oledb", "?"),
    };

    public static string FromNamespace(string? ns)
    {
        if (ns is null)
        {
            return Unknown;
        }

        foreach (var (prefix, provider) in ByNamespace)
        {
            if (ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal))
            {
                return provider;
            }
        }

        return Unknown;
    }

    public static string PlaceholderStyle(string provider)
    {
        foreach (var (name, placeholder) in Placeholders)
        {
            if (name == provider)
            {
                return placeholder;
            }
        }

        return "@name";
    }
}
