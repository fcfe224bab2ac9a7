using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Sql;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// How the code talks to its database: one syntax walk per tree, whose facts are kept per tree
/// (<see cref="TreeFactsCache{TFacts}"/>); names that look like a provider's command or connection type are looked
/// up, never bound in place, so no method body is bound.
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

    /// <summary>A tree that mentions none of these has nothing to say about data access.</summary>
    private static readonly string[] Mentions = ProviderTypeSuffixes
        .Concat(DapperMethodPrefixes)
        .Concat(new[] { "Parameters", "CreateParameter" })
        .Concat(EfProviderMethods.Select(entry => entry.Method))
        .ToArray();

    /// <summary>Trees read so far, in this process (tests watch it).</summary>
    internal static int TreeReads => Facts.Reads;

    private static readonly TreeFactsCache<TreeFacts> Facts = new();

    public static DataAccessProfile Build(KnownTypes types, CancellationToken cancellationToken)
    {
        var hasDapper = types.Get("Dapper.SqlMapper") is not null;
        var hasEf = types.Get("Microsoft.EntityFrameworkCore.DbContext") is not null;
        var adoTypes = new[]
        {
            types.Get("System.Data.Common.DbCommand"),
            types.Get("System.Data.Common.DbConnection"),
            types.Get("System.Data.Common.DbDataSource"),
            types.Get("System.Data.Common.DbDataAdapter"),
        };
        if (adoTypes[0] is null && !hasDapper && !hasEf)
        {
            return DataAccessProfile.Empty;
        }

        var key = Facts.HasFactsForAny(types.Compilation.SyntaxTrees) ? DeclarationKey.For(types.Compilation, cancellationToken) : null;
        var usesAdo = false;
        var providers = new Dictionary<string, int>(StringComparer.Ordinal);
        var adoStyles = new int[AdoStyles.Length];
        var dapperStyles = new int[DapperStyles.Length];
        foreach (var tree in types.Compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var facts = Facts.Get(tree, key, t => Read(t, types, adoTypes, cancellationToken));
            usesAdo |= facts.UsesAdo;
            foreach (var pair in facts.Providers)
            {
                providers[pair.Key] = (providers.TryGetValue(pair.Key, out var count) ? count : 0) + pair.Value;
            }

            Add(adoStyles, facts.AdoStyles);
            Add(dapperStyles, facts.DapperStyles);
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

        return new DataAccessProfile(libraries, DominantProvider(providers, types), MostFrequent(adoStyles, AdoStyles), hasDapper ? MostFrequent(dapperStyles, DapperStyles) : null);
    }

    /// <summary>
    /// The nodes around the words a data-access walk looks for (<see cref="TreeText.NodesNear"/>). Names that look like a provider's type are resolved by looking the name up where the
    /// enclosing member is declared: that sees the usings and the namespace, and binds no method body.
    /// </summary>
    private static TreeFacts Read(SyntaxTree tree, KnownTypes types, INamedTypeSymbol?[] adoTypes, CancellationToken cancellationToken)
    {
        var facts = new TreeFacts();
        SemanticModel? model = null;
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);

        // Every node below involves an identifier with one of the words: the type name itself, the invocation
        // whose method or receiver ("cmd.Parameters.Add") it names, the creation whose type it names.
        foreach (var node in TreeText.NodesNear(tree, Mentions, levels: 4, cancellationToken))
        {
            switch (node)
            {
                case IdentifierNameSyntax identifier when EndsWithAny(identifier.Identifier.ValueText, ProviderTypeSuffixes):
                    if (identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier)
                    {
                        break;
                    }

#pragma warning disable RS1030 // Only name lookups at declaration level, once per distinct name and scope; cached per tree.
                    model ??= types.Compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    var provider = ResolveProvider(identifier, model, types, adoTypes, resolved);
                    if (provider is not null)
                    {
                        facts.UsesAdo = true;
                        if (provider != SqlProviders.Unknown)
                        {
                            facts.Providers[provider] = (facts.Providers.TryGetValue(provider, out var count) ? count : 0) + 1;
                        }
                    }

                    break;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax call } invocation:
                    var name = call.Name.Identifier.ValueText;
                    var receiver = (call.Expression as MemberAccessExpressionSyntax)?.Name.Identifier.ValueText
                        ?? (call.Expression as IdentifierNameSyntax)?.Identifier.ValueText;
                    if (name == "AddWithValue" && receiver == "Parameters")
                    {
                        facts.AdoStyles[0]++;
                    }
                    else if (name == "Add" && receiver == "Parameters" && invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression is BaseObjectCreationExpressionSyntax)
                    {
                        facts.AdoStyles[1]++;
                    }
                    else if (name == "CreateParameter")
                    {
                        facts.AdoStyles[2]++;
                    }
                    else if (name == "CreateCommand")
                    {
                        facts.UsesAdo = true;
                    }
                    else if (StartsWithAny(name, DapperMethodPrefixes)
                        && invocation.ArgumentList.Arguments.Any(a => a.Expression is AnonymousObjectCreationExpressionSyntax))
                    {
                        facts.DapperStyles[1]++;
                    }

                    foreach (var (method, efProvider) in EfProviderMethods)
                    {
                        if (name == method)
                        {
                            facts.Providers[efProvider] = (facts.Providers.TryGetValue(efProvider, out var count) ? count : 0) + 1;
                        }
                    }

                    break;
                case ObjectCreationExpressionSyntax { Type: var created } when SyntaxNames.LastName(created) == "DynamicParameters":
                    facts.DapperStyles[0]++;
                    break;
            }
        }

        return facts;
    }

    /// <summary>The provider of the ADO.NET type this name refers to (<c>unknown</c> for the base types), or null when it is not one.</summary>
    private static string? ResolveProvider(IdentifierNameSyntax identifier, SemanticModel model, KnownTypes types, INamedTypeSymbol?[] adoTypes, Dictionary<string, string?> resolved)
    {
        INamedTypeSymbol? type;
        if (identifier.Parent is QualifiedNameSyntax qualified && qualified.Right == identifier)
        {
            type = types.Get(qualified.WithoutTrivia().ToString());
        }
        else
        {
            // Names resolve alike throughout a member's declaration scope: one lookup per name and scope.
            var scope = ScopeOf(identifier);
            var cacheKey = identifier.Identifier.ValueText + "@" + scope.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (resolved.TryGetValue(cacheKey, out var known))
            {
                return known;
            }

            type = model.LookupNamespacesAndTypes(scope, name: identifier.Identifier.ValueText).OfType<INamedTypeSymbol>().FirstOrDefault();
            var provider = ProviderOf(type, adoTypes);
            resolved[cacheKey] = provider;
            return provider;
        }

        return ProviderOf(type, adoTypes);
    }

    private static string? ProviderOf(INamedTypeSymbol? type, INamedTypeSymbol?[] adoTypes)
        => type is not null && adoTypes.Any(ado => type.InheritsFromOrEquals(ado))
            ? SqlProviders.FromNamespace(type.ContainingNamespace?.ToDisplayString())
            : null;

    /// <summary>
    /// Where to look a name up: the start of the enclosing member's declaration (or of the type, or of the file)
    /// — outside any body, so no body is bound — with the same usings, namespace and nested types in scope.
    /// </summary>
    private static int ScopeOf(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case BaseTypeDeclarationSyntax type:
                    return type.Identifier.SpanStart;
                case NamespaceDeclarationSyntax block:
                    return block.OpenBraceToken.Span.End;
                case FileScopedNamespaceDeclarationSyntax fileScoped:
                    return fileScoped.SemicolonToken.Span.End;
            }
        }

        return node.SyntaxTree.GetRoot().FullSpan.End;
    }

    private static void Add(int[] total, int[] more)
    {
        for (var i = 0; i < total.Length; i++)
        {
            total[i] += more[i];
        }
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

    // Loops rather than LINQ: asked for every node near a data-access word, where a closure per call added up.
    private static bool EndsWithAny(string text, string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithAny(string text, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }


    /// <summary>What one tree says about data access; plain data, so it can outlive the compilation.</summary>
    private sealed class TreeFacts
    {
        public bool UsesAdo { get; set; }

        public Dictionary<string, int> Providers { get; } = new(StringComparer.Ordinal);

        public int[] AdoStyles { get; } = new int[DataAccessProfileBuilder.AdoStyles.Length];

        public int[] DapperStyles { get; } = new int[DataAccessProfileBuilder.DapperStyles.Length];
    }
}
