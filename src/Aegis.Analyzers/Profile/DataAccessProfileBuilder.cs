using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Sql;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// How the code talks to its database: one syntax walk over the trees; the semantic model is asked only about
/// names that look like a provider's command or connection type.
/// </summary>
internal static class DataAccessProfileBuilder
{
    /// <summary>Ties are broken in this order.</summary>
    private static readonly string[] AdoStyles = { "add_with_value", "add_parameter", "create_parameter" };

    private static readonly string[] DapperStyles = { "dynamic_parameters", "anonymous_object" };

    /// <summary>Type-name suffixes that identify a provider's ADO.NET types by their namespace.</summary>
    private static readonly string[] ProviderTypeSuffixes = { "Command", "Connection", "DataSource", "DataAdapter" };

    /// <summary>EF Core provider registrations: each names its provider.</summary>
    private static readonly IReadOnlyList<(string Method, string Provider)> EfProviderMethods = new[]
    {
        ("UseSqlite", "sqlite"),
        ("UseNpgsql", "npgsql"),
        ("UseSqlServer", "sqlclient"),
        ("UseAzureSql", "sqlclient"),
        ("UseMySql", "mysql"),
        ("UseMySQL", "mysql"),
        ("UseOracle", "oracle"),
    };

    /// <summary>Fallback when no code names a provider: a provider's command type among the references.</summary>
    private static readonly IReadOnlyList<(string Type, string Provider)> ReferencedProviders = new[]
    {
        ("Microsoft.Data.SqlClient.SqlCommand", "sqlclient"),
        ("System.Data.SqlClient.SqlCommand", "sqlclient"),
        ("Npgsql.NpgsqlCommand", "npgsql"),
        ("Microsoft.Data.Sqlite.SqliteCommand", "sqlite"),
        ("MySqlConnector.MySqlCommand", "mysql"),
        ("MySql.Data.MySqlClient.MySqlCommand", "mysql"),
        ("Oracle.ManagedDataAccess.Client.OracleCommand", "oracle"),
        ("System.Data.Odbc.OdbcCommand", "odbc"),
        ("System.Data.OleDb.OleDbCommand", "oledb"),
    };

    private static readonly string[] DapperMethodPrefixes = { "Query", "Execute" };

    public static DataAccessProfile Build(KnownTypes types, CancellationToken cancellationToken)
    {
        var dbCommand = types.Get("System.Data.Common.DbCommand");
        var dbConnection = types.Get("System.Data.Common.DbConnection");
        var dbDataSource = types.Get("System.Data.Common.DbDataSource");
        var dbDataAdapter = types.Get("System.Data.Common.DbDataAdapter");
        var hasDapper = types.Get("Dapper.SqlMapper") is not null;
        var hasEf = types.Get("Microsoft.EntityFrameworkCore.DbContext") is not null;
        if (dbCommand is null && !hasDapper && !hasEf)
        {
            return DataAccessProfile.Empty;
        }

        var usesAdo = false;
        var providers = new Dictionary<string, int>(StringComparer.Ordinal);
        var adoStyles = new int[AdoStyles.Length];
        var dapperStyles = new int[DapperStyles.Length];
        foreach (var tree in types.Compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SemanticModel? model = null;
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                switch (node)
                {
                    case IdentifierNameSyntax identifier when EndsWithAny(identifier.Identifier.ValueText, ProviderTypeSuffixes):
                        if (identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier)
                        {
                            break;
                        }

#pragma warning disable RS1030 // Only for names that look like provider types; the profile is computed once per compilation.
                        model ??= types.Compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                        if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is INamedTypeSymbol type
                            && (type.InheritsFromOrEquals(dbCommand) || type.InheritsFromOrEquals(dbConnection) || type.InheritsFromOrEquals(dbDataSource) || type.InheritsFromOrEquals(dbDataAdapter)))
                        {
                            usesAdo = true;
                            var provider = SqlProviders.FromNamespace(type.ContainingNamespace?.ToDisplayString());
                            if (provider != SqlProviders.Unknown)
                            {
                                providers[provider] = providers.TryGetValue(provider, out var count) ? count + 1 : 1;
                            }
                        }

                        break;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax call } invocation:
                        var name = call.Name.Identifier.ValueText;
                        var receiver = (call.Expression as MemberAccessExpressionSyntax)?.Name.Identifier.ValueText
                            ?? (call.Expression as IdentifierNameSyntax)?.Identifier.ValueText;
                        if (name == "AddWithValue" && receiver == "Parameters")
                        {
                            adoStyles[0]++;
                        }
                        else if (name == "Add" && receiver == "Parameters" && invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression is BaseObjectCreationExpressionSyntax)
                        {
                            adoStyles[1]++;
                        }
                        else if (name == "CreateParameter")
                        {
                            adoStyles[2]++;
                        }
                        else if (name == "CreateCommand")
                        {
                            usesAdo = true;
                        }
                        else if (hasDapper && StartsWithAny(name, DapperMethodPrefixes)
                            && invocation.ArgumentList.Arguments.Any(a => a.Expression is AnonymousObjectCreationExpressionSyntax))
                        {
                            dapperStyles[1]++;
                        }

                        foreach (var (method, provider) in EfProviderMethods)
                        {
                            if (name == method)
                            {
                                providers[provider] = providers.TryGetValue(provider, out var count) ? count + 1 : 1;
                            }
                        }

                        break;
                    case ObjectCreationExpressionSyntax { Type: var created } when hasDapper && LastName(created) == "DynamicParameters":
                        dapperStyles[0]++;
                        break;
                }
            }
        }

        var libraries = new List<string>();
        if (usesAdo)
        {
            libraries.Add("ado");
        }

        if (hasDapper)
        {
            libraries.Add("dapper");
        }

        if (hasEf)
        {
            libraries.Add("efcore");
        }

        return new DataAccessProfile(libraries, DominantProvider(providers, types), MostFrequent(adoStyles, AdoStyles), MostFrequent(dapperStyles, DapperStyles));
    }

    private static string DominantProvider(Dictionary<string, int> counts, KnownTypes types)
    {
        if (counts.Count > 0)
        {
            // Most uses wins; ties go to the provider named first in the namespace table, so the result is stable.
            return counts
                .OrderByDescending(pair => pair.Value)
                .ThenBy(pair => IndexOf(pair.Key))
                .First().Key;
        }

        var referenced = ReferencedProviders.Where(entry => types.Get(entry.Type) is not null).Select(entry => entry.Provider).Distinct().ToList();
        return referenced.Count == 1 ? referenced[0] : SqlProviders.Unknown;
    }

    private static int IndexOf(string provider)
    {
        for (var i = 0; i < SqlProviders.ByNamespace.Count; i++)
        {
            if (SqlProviders.ByNamespace[i].Provider == provider)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static string? MostFrequent(int[] counts, string[] names)
    {
        var best = -1;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && (best < 0 || counts[i] > counts[best]))
            {
                best = i;
            }
        }

        return best < 0 ? null : names[best];
    }

    private static bool EndsWithAny(string text, string[] suffixes) => suffixes.Any(s => text.EndsWith(s, StringComparison.Ordinal));

    private static bool StartsWithAny(string text, string[] prefixes) => prefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal));

    private static string? LastName(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };
}
