using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// A text search before a syntax walk: walking a tree creates its red nodes, which costs far more than an ordinal
/// search of its text, and most files of a project cannot hold what a given walk looks for. (A name written with
/// Unicode escapes is missed; no real code does that.)
/// </summary>
internal static class TreeText
{
    public static bool MentionsAny(SyntaxTree tree, IEnumerable<string> words, CancellationToken cancellationToken)
    {
        // The whole text of a parsed file is one string already; ToString() does not copy it.
        var text = tree.GetText(cancellationToken).ToString();
        foreach (var word in words)
        {
            if (text.IndexOf(word, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
