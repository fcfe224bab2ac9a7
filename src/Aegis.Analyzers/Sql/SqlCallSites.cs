using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Sql;

/// <summary>
/// The places in a compilation that may call a method or create a type. Only the names asked for are looked up:
/// each tree keeps where the words that may name a call start (a scan of its text, no syntax walk), so finding the
/// calls named <c>Find</c> asks the tree for the tokens at that word's places only. Indexing every call by walking
/// every tree cost the rule more than all its other work together, and most names asked for are called nowhere.
/// Trees are reused across compilations, and so are their word places and answers.
/// </summary>
internal static class SqlCallSites
{
    /// <summary>The key of target-typed <c>new(...)</c>, which names no type.</summary>
    private const string ImplicitCreation = "new()";

    private static readonly ConditionalWeakTable<SyntaxTree, TreeSites> Trees = new();

    private static readonly ConditionalWeakTable<Compilation, CompilationSites> ByCompilation = new();

    /// <summary>Trees whose every node was walked because a word scan could miss a name in them (tests watch it).</summary>
    internal static int TreeWalks => treeWalks;

    private static int treeWalks;

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

        var sites = ByCompilation.TryGetValue(compilation, out var known) ? known : ByCompilation.GetValue(compilation, c => new CompilationSites(c, cancellationToken));

        // In the order a walk of the trees gives (tree by tree, names in the set's order).
        var found = new List<(int Tree, int Name, ImmutableArray<SyntaxNode> Nodes)>();
        var nameOrder = 0;
        foreach (var name in names)
        {
            var places = sites.Places(name, cancellationToken);
            foreach (var (tree, nodes) in places)
            {
                found.Add((tree, nameOrder, nodes));
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

    /// <summary>One compilation: its trees' word places, and the answer per name asked so far.</summary>
    private sealed class CompilationSites
    {
        private readonly ImmutableArray<TreeSites> trees;
        private readonly ConcurrentDictionary<string, ImmutableArray<(int Tree, ImmutableArray<SyntaxNode> Nodes)>> answers = new(StringComparer.Ordinal);

        public CompilationSites(Compilation compilation, CancellationToken cancellationToken)
            => trees = compilation.SyntaxTrees.Select(tree => Trees.GetValue(tree, t => new TreeSites(t, cancellationToken))).ToImmutableArray();

        /// <summary>The trees (by position in the compilation) that hold calls or creations named <paramref name="name"/>, and those nodes.</summary>
        public ImmutableArray<(int Tree, ImmutableArray<SyntaxNode> Nodes)> Places(string name, CancellationToken cancellationToken)
        {
            if (answers.TryGetValue(name, out var known))
            {
                return known;
            }

            var word = name == ImplicitCreation ? "new" : name;
            var hash = TreeSites.Hash(word, 0, word.Length);
            var places = ImmutableArray.CreateBuilder<(int Tree, ImmutableArray<SyntaxNode> Nodes)>();
            for (var position = 0; position < trees.Length; position++)
            {
                var nodes = trees[position].Find(name, hash, cancellationToken);
                if (nodes.Length > 0)
                {
                    places.Add((position, nodes));
                }
            }

            return answers.GetOrAdd(name, places.ToImmutable());
        }
    }

    /// <summary>The name a call or creation is known by: the last simple name of what it invokes or creates.</summary>
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

    /// <summary>A call or creation's name and node, or null for any other node.</summary>
    private static string? CallName(SyntaxNode node) => node switch
    {
        InvocationExpressionSyntax invocation => SimpleName(invocation.Expression),
        ObjectCreationExpressionSyntax creation => SimpleName(creation.Type),
        ImplicitObjectCreationExpressionSyntax => ImplicitCreation,
        _ => null,
    };

    /// <summary>One tree: where the words that may name a call start, and the calls found per name so far.</summary>
    private sealed class TreeSites
    {
        private readonly SyntaxTree tree;

        /// <summary>Names with calls in this tree, found so far (a name without calls costs one binary search each time).</summary>
        private readonly ConcurrentDictionary<string, ImmutableArray<SyntaxNode>> answers = new(StringComparer.Ordinal);

        /// <summary>Word hashes, sorted, and the offset each word starts at; null when a name can hide from a text scan (Unicode escapes, formatting characters).</summary>
        private readonly int[]? hashes;

        private readonly int[]? starts;

        /// <summary>Every call of the tree by name, for trees a word scan cannot serve.</summary>
        private readonly Dictionary<string, ImmutableArray<SyntaxNode>>? walked;

        public TreeSites(SyntaxTree tree, CancellationToken cancellationToken)
        {
            this.tree = tree;
            var words = WordStarts(tree.GetText(cancellationToken).ToString());
            if (words is null)
            {
                walked = Walk(tree, cancellationToken);
                return;
            }

            words.Sort();
            hashes = new int[words.Count];
            starts = new int[words.Count];
            for (var i = 0; i < words.Count; i++)
            {
                hashes[i] = (int)(words[i] >> 32);
                starts[i] = (int)(words[i] & 0xFFFFFFFF);
            }
        }

        /// <summary>The calls named <paramref name="name"/>; <paramref name="hash"/> is its word's hash.</summary>
        public ImmutableArray<SyntaxNode> Find(string name, int hash, CancellationToken cancellationToken)
        {
            if (walked is not null)
            {
                return walked.TryGetValue(name, out var all) ? all : ImmutableArray<SyntaxNode>.Empty;
            }

            var first = FirstIndexOf(hash);
            if (first < 0)
            {
                return ImmutableArray<SyntaxNode>.Empty;
            }

            if (answers.TryGetValue(name, out var known))
            {
                return known;
            }

            var implicitCreation = name == ImplicitCreation;

            return answers.GetOrAdd(name, Search(name, implicitCreation, first, cancellationToken));
        }

        private int FirstIndexOf(int hash)
        {
            var index = Array.BinarySearch(hashes!, hash);
            if (index < 0)
            {
                return -1;
            }

            while (index > 0 && hashes![index - 1] == hash)
            {
                index--;
            }

            return index;
        }

        /// <summary>The calls at the places the name's word starts, in document order (a walk's order).</summary>
        private ImmutableArray<SyntaxNode> Search(string name, bool implicitCreation, int first, CancellationToken cancellationToken)
        {
            var root = tree.GetRoot(cancellationToken);
            var nodes = new List<SyntaxNode>();
            for (var index = first; index < hashes!.Length && hashes[index] == hashes[first]; index++)
            {
                var start = starts![index];
                var token = root.FindToken(start);
                if (!token.Span.Contains(start))
                {
                    continue;
                }

                var call = implicitCreation
                    ? token.IsKind(SyntaxKind.NewKeyword) ? token.Parent as ImplicitObjectCreationExpressionSyntax : null
                    : token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name ? CallNamedBy(token.Parent) : null;
                if (call is not null && CallName(call) == name && !nodes.Contains(call))
                {
                    nodes.Add(call);
                }
            }

            nodes.Sort((a, b) => a.SpanStart != b.SpanStart ? a.SpanStart.CompareTo(b.SpanStart) : b.Span.Length.CompareTo(a.Span.Length));
            return nodes.ToImmutableArray();
        }

        /// <summary>The invocation or creation whose name is this simple name, if any (see <see cref="SimpleName"/>).</summary>
        private static SyntaxNode? CallNamedBy(SyntaxNode? name)
        {
            if (name is not SimpleNameSyntax)
            {
                return null;
            }

            var expression = name.Parent switch
            {
                MemberAccessExpressionSyntax access when access.Name == name => access,
                MemberBindingExpressionSyntax binding when binding.Name == name => binding,
                QualifiedNameSyntax qualified when qualified.Right == name => qualified,
                AliasQualifiedNameSyntax alias when alias.Name == name => alias,
                _ => name,
            };
            return expression.Parent switch
            {
                InvocationExpressionSyntax invocation when invocation.Expression == expression => invocation,
                ObjectCreationExpressionSyntax creation when creation.Type == expression => creation,
                _ => null,
            };
        }

        private static Dictionary<string, ImmutableArray<SyntaxNode>> Walk(SyntaxTree tree, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref treeWalks);
            var builders = new Dictionary<string, ImmutableArray<SyntaxNode>.Builder>(StringComparer.Ordinal);
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                if (CallName(node) is not { } name)
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

        /// <summary>
        /// Where each run of identifier characters that may name a call starts (hash in the high half, offset in the
        /// low): a call's name is followed by <c>(</c>, <c>&lt;</c> or <c>{</c>, after whitespace or a comment or
        /// directive (<c>/</c>, <c>#</c>). Inside a run, also where a letter follows a digit (the lexer ends a number
        /// there). Null when the text has a Unicode escape or a formatting character: a name then need not be its text.
        /// </summary>
        private static List<long>? WordStarts(string text)
        {
            var words = new List<long>();
            for (var i = 0; i < text.Length;)
            {
                var c = text[i];
                if (!IsWordCharacter(c))
                {
                    if ((c == '\\' && i + 1 < text.Length && text[i + 1] is 'u' or 'U')
                        || (c > 127 && char.GetUnicodeCategory(c) == UnicodeCategory.Format))
                    {
                        return null;
                    }

                    i++;
                    continue;
                }

                var end = i + 1;
                while (end < text.Length && IsWordCharacter(text[end]))
                {
                    end++;
                }

                var next = end;
                while (next < text.Length && char.IsWhiteSpace(text[next]))
                {
                    next++;
                }

                if (next < text.Length && text[next] is '(' or '<' or '{' or '/' or '#')
                {
                    for (var start = i; start < end; start++)
                    {
                        if (start == i || (IsDigit(text[start - 1]) && !IsDigit(text[start])))
                        {
                            words.Add(((long)Hash(text, start, end - start) << 32) | (uint)start);
                        }
                    }
                }

                i = end;
            }

            return words;
        }

        private static bool IsDigit(char c) => c is >= '0' and <= '9';

        private static bool IsWordCharacter(char c)
            => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'
                || (c > 127 && (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation));

        internal static int Hash(string text, int start, int length)
        {
            unchecked
            {
                var hash = (int)2166136261;
                for (var i = start; i < start + length; i++)
                {
                    hash = (hash ^ text[i]) * 16777619;
                }

                return hash;
            }
        }
    }
}
