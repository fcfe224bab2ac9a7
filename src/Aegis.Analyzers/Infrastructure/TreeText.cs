using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// A text search instead of a syntax walk: walking a tree creates all its red nodes, which costs far more than an
/// ordinal search of its text, and a profile section cares about a few names only. (A name written with Unicode
/// escapes is missed; no real code does that.)
/// </summary>
internal static class TreeText
{
    /// <summary>
    /// The nodes a walk for these words would care about, without walking: every identifier that contains one of
    /// the words, found by searching the text and asking the tree for the token there, with its parent and up to
    /// <paramref name="levels"/> ancestors in all. Each node once, in document order. Only the paths to the matches
    /// are materialized, not the whole tree.
    /// </summary>
    public static IReadOnlyList<SyntaxNode> NodesNear(SyntaxTree tree, IEnumerable<string> words, int levels, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken).ToString();
        var root = tree.GetRoot(cancellationToken);
        var nodes = new List<SyntaxNode>();
        var seen = new HashSet<SyntaxNode>();
        var tokens = new HashSet<int>();
        foreach (var word in words)
        {
            for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var token = root.FindToken(at);
                if (!token.IsKind(SyntaxKind.IdentifierToken) || !token.Span.Contains(at) || !tokens.Add(token.SpanStart))
                {
                    continue;
                }

                var node = token.Parent;
                for (var level = 0; node is not null && level < levels; level++, node = node.Parent)
                {
                    if (seen.Add(node))
                    {
                        nodes.Add(node);
                    }
                }
            }
        }

        nodes.Sort((a, b) => a.SpanStart != b.SpanStart ? a.SpanStart.CompareTo(b.SpanStart) : b.Span.Length.CompareTo(a.Span.Length));
        return nodes;
    }
}
