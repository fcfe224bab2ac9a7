using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Infrastructure;

/// <summary>
/// Adds an attribute list to a declaration on its own line, indented like the declaration, or beside the existing
/// attributes when they share the declaration's line.
/// </summary>
internal static class AttributeInsertion
{
    /// <summary>Parses attribute source text such as <c>[Authorize(Policy = "Staff")]</c>; null when it is not one attribute list.</summary>
    public static AttributeListSyntax? Parse(string attributeText)
    {
        var unit = SyntaxFactory.ParseCompilationUnit(attributeText + " class AegisProbe { }");
        return unit.ContainsDiagnostics || unit.Members.Count != 1 || unit.Members[0].AttributeLists.Count != 1
            ? null
            : unit.Members[0].AttributeLists[0].WithoutTrivia();
    }

    /// <summary>Appends <paramref name="list"/> after the declaration's existing attribute lists.</summary>
    public static MemberDeclarationSyntax Add(MemberDeclarationSyntax declaration, AttributeListSyntax list, string newLine)
    {
        var indentation = Indentation(declaration);
        if (declaration.AttributeLists.Count > 0)
        {
            var last = declaration.AttributeLists[declaration.AttributeLists.Count - 1];
            if (!last.GetTrailingTrivia().Any(SyntaxKind.EndOfLineTrivia))
            {
                // The attributes share the declaration's line: the new one joins them there, as the code is written.
                var inline = list.WithTrailingTrivia(last.GetTrailingTrivia());
                return declaration.WithAttributeLists(declaration.AttributeLists.Add(inline));
            }

            var added = list.WithLeadingTrivia(indentation).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
            return declaration.WithAttributeLists(declaration.AttributeLists.Add(added));
        }

        // The declaration's leading trivia (doc comments, blank lines) moves ahead of the new attribute.
        var firstToken = declaration.GetFirstToken();
        var withoutLeading = declaration.ReplaceToken(firstToken, firstToken.WithLeadingTrivia(indentation));
        var first = list.WithLeadingTrivia(firstToken.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
        return withoutLeading.WithAttributeLists(SyntaxFactory.SingletonList(first));
    }

    /// <summary>The whitespace that starts the declaration's line.</summary>
    private static SyntaxTriviaList Indentation(MemberDeclarationSyntax declaration)
    {
        var leading = declaration.GetLeadingTrivia();
        var last = leading.LastOrDefault();
        return last.IsKind(SyntaxKind.WhitespaceTrivia) ? SyntaxFactory.TriviaList(last) : SyntaxTriviaList.Empty;
    }
}
