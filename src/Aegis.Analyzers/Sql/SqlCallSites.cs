using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Sql;

/// <summary>
/// The places in a compilation that may call a method or create a type, found through a per-tree index of the names
/// invoked and created. Following a parameter to its callers then costs one lookup per tree instead of a walk of
/// every tree, and a tree an edit did not touch keeps its index (trees are reused across compilations).
/// </summary>
internal static class SqlCallSites
{
    /// <summary>The key of target-typed <c>new(...)</c>, which names no type.</summary>
    private const string ImplicitCreation = "new()";

    private static readonly ConditionalWeakTable<SyntaxTree, Dictionary<string, ImmutableArray<SyntaxNode>>> Indexes = new();

    private static readonly ConditionalWeakTable<Compilation, Dictionary<string, List<(int Tree, ImmutableArray<SyntaxNode> Nodes)>>> Merged = new();

    /// <summary>Invocations and object creations named like one of <paramref name="targets"/>, in every tree of the compilation.</summary>
    public static IEnumerable<SyntaxNode> Candidates(Compilation compilation, IEnumerable<IMethodSymbol> targets, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (target.MethodKind == MethodKind.Constructor)
            {
                names.Add(target.ContainingType.Name);
                names.Add(ImplicitCreation);
            }
            else
            {
                names.Add(target.Name);
            }
        }

        var index = Merged.TryGetValue(compilation, out var merged) ? merged : Merged.GetValue(compilation, c => Merge(c, cancellationToken));

        // In the order a walk of the trees gives (tree by tree, names in the set's order), whatever the index's layout.
        var found = new List<(int Tree, int Name, ImmutableArray<SyntaxNode> Nodes)>();
        var nameOrder = 0;
        foreach (var name in names)
        {
            if (index.TryGetValue(name, out var places))
            {
                foreach (var (tree, nodes) in places)
                {
                    found.Add((tree, nameOrder, nodes));
                }
            }

            nameOrder++;
        }

        foreach (var (_, _, nodes) in found.OrderBy(f => f.Tree).ThenBy(f => f.Name))
        {
            foreach (var node in nodes)
            {
                yield return node;
            }
        }
    }

    /// <summary>
    /// Every tree's index of the compilation under one key per name (with the tree's position): a question then costs
    /// a lookup per name, not one per tree. Each sink with a parameter asks for its callers, so asking every tree made
    /// the rule grow with sinks × trees.
    /// </summary>
    private static Dictionary<string, List<(int Tree, ImmutableArray<SyntaxNode> Nodes)>> Merge(Compilation compilation, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, List<(int Tree, ImmutableArray<SyntaxNode> Nodes)>>(StringComparer.Ordinal);
        var position = 0;
        foreach (var tree in compilation.SyntaxTrees)
        {
            var index = Indexes.GetValue(tree, t => Read(t, cancellationToken));
            foreach (var pair in index)
            {
                if (!merged.TryGetValue(pair.Key, out var places))
                {
                    merged[pair.Key] = places = new List<(int Tree, ImmutableArray<SyntaxNode> Nodes)>();
                }

                places.Add((position, pair.Value));
            }

            position++;
        }

        return merged;
    }

    private static Dictionary<string, ImmutableArray<SyntaxNode>> Read(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var builders = new Dictionary<string, ImmutableArray<SyntaxNode>.Builder>(StringComparer.Ordinal);
        foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
        {
            var name = node switch
            {
                InvocationExpressionSyntax invocation => SimpleName(invocation.Expression),
                ObjectCreationExpressionSyntax creation => SimpleName(creation.Type),
                ImplicitObjectCreationExpressionSyntax => ImplicitCreation,
                _ => null,
            };
            if (name is null)
            {
                continue;
            }

            if (!builders.TryGetValue(name, out var builder))
            {
                builder = ImmutableArray.CreateBuilder<SyntaxNode>();
                builders.Add(name, builder);
            }

            builder.Add(node);
        }

        return builders.ToDictionary(pair => pair.Key, pair => pair.Value.ToImmutable(), StringComparer.Ordinal);
    }

    private static string? SimpleName(SyntaxNode expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        QualifiedNameSyntax qualified => SimpleName(qualified.Right),
        AliasQualifiedNameSyntax alias => SimpleName(alias.Name),
        _ => null,
    };
}
