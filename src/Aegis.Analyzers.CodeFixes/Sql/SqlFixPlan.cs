using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>The text changes of one fix, and the namespaces its inserted code needs imported.</summary>
internal sealed class SqlFixPlan
{
    public List<TextChange> Changes { get; } = new();

    public SortedSet<string> Usings { get; } = new(StringComparer.Ordinal);
}

/// <summary>Where the code the fix writes goes, and how the lines around it are laid out.</summary>
internal static class SqlFixSyntax
{
    /// <summary>The function body holding <paramref name="node"/>: where locals are read and written.</summary>
    public static SyntaxNode? Body(SyntaxNode node)
        => node.Ancestors().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax
            or AccessorDeclarationSyntax or CompilationUnitSyntax);

    /// <summary>Every identifier a new local must not reuse: the whole member (or file, for top-level statements).</summary>
    public static HashSet<string> IdentifiersAround(SyntaxNode node)
    {
        var scope = node.Ancestors().FirstOrDefault(n => n is MemberDeclarationSyntax and not BaseTypeDeclarationSyntax and not BaseNamespaceDeclarationSyntax and not GlobalStatementSyntax)
            ?? node.SyntaxTree.GetRoot();
        return new HashSet<string>(scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), StringComparer.Ordinal);
    }

    public static string UniqueLocal(string name, HashSet<string> taken)
    {
        var unique = name;
        for (var suffix = 1; taken.Contains(unique); suffix++)
        {
            unique = name + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        taken.Add(unique);
        return unique;
    }

    /// <summary>The statement as a block member (a top-level statement is its global statement); null when it is an embedded statement.</summary>
    public static SyntaxNode? AsBlockMember(StatementSyntax statement)
        => statement.Parent switch
        {
            BlockSyntax or SwitchSectionSyntax => statement,
            GlobalStatementSyntax global => global,
            _ => null,
        };

    /// <summary>Lines inserted after <paramref name="anchor"/>'s line, indented like it; null when the anchor does not end its line.</summary>
    public static TextChange? InsertAfter(SyntaxNode anchor, IEnumerable<string> statements, string newLine)
    {
        var trailing = anchor.GetTrailingTrivia();
        if (trailing.Count == 0 || !trailing.Last().IsKind(SyntaxKind.EndOfLineTrivia))
        {
            return null;
        }

        return new TextChange(new TextSpan(anchor.FullSpan.End, 0), Lines(Indentation(anchor), statements, newLine));
    }

    /// <summary>Lines inserted before <paramref name="anchor"/>, indented like it; null when something precedes it on its line.</summary>
    public static TextChange? InsertBefore(SyntaxNode anchor, IEnumerable<string> statements, string newLine)
    {
        var previous = anchor.GetFirstToken().GetPreviousToken();
        if (previous.RawKind != 0 && !previous.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia) && !anchor.GetLeadingTrivia().Any(SyntaxKind.EndOfLineTrivia))
        {
            return null;
        }

        var indentation = Indentation(anchor);
        var start = anchor.SpanStart - indentation.Length;
        return new TextChange(new TextSpan(start, 0), Lines(indentation, statements, newLine));
    }

    /// <summary>The whitespace that starts the node's line.</summary>
    public static string Indentation(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        return leading.Count > 0 && leading.Last().IsKind(SyntaxKind.WhitespaceTrivia) ? leading.Last().ToString() : string.Empty;
    }

    private static string Lines(string indentation, IEnumerable<string> statements, string newLine)
        => string.Concat(statements.Select(s => indentation + s + newLine));

    /// <summary>True when every statement parses on its own.</summary>
    public static bool Parses(IEnumerable<string> statements, ParseOptions options)
        => statements.All(s =>
        {
            var parsed = SyntaxFactory.ParseStatement(s, 0, options);
            return !parsed.ContainsDiagnostics && parsed.FullSpan.Length == s.Length;
        });

    /// <summary>True when <paramref name="type"/>'s simple name already binds to it at <paramref name="position"/>.</summary>
    public static bool Binds(SemanticModel model, int position, INamedTypeSymbol type)
    {
        var bound = model.GetSpeculativeTypeInfo(position, SyntaxFactory.ParseTypeName(type.Name), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
        return SymbolEqualityComparer.Default.Equals(bound, type);
    }
}
