using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Infrastructure;

/// <summary>Adds a using directive once, in sorted position (System first), without reformatting anything else.</summary>
internal static class UsingDirectives
{
    /// <summary>
    /// Adds <c>using <paramref name="namespaceName"/>;</c> to the compilation unit unless a using (global or local) for
    /// it is already in scope of <paramref name="root"/>; <paramref name="inScope"/> says whether the namespace is
    /// already imported elsewhere (a global using in another file).
    /// </summary>
    public static CompilationUnitSyntax Add(CompilationUnitSyntax root, string namespaceName, string newLine, bool inScope)
    {
        if (inScope || Imports(root, namespaceName))
        {
            return root;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(namespaceName))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));

        // Usings inside a single namespace declaration stay there; otherwise they go to the top of the file.
        if (root.Usings.Count == 0
            && root.Members.Count == 1
            && root.Members[0] is BaseNamespaceDeclarationSyntax ns
            && ns.Usings.Count > 0)
        {
            var indentation = ns.Usings[0].GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
            return root.ReplaceNode(ns, ns.WithUsings(Insert(ns.Usings, directive.WithLeadingTrivia(indentation), namespaceName)));
        }

        if (root.Usings.Count > 0)
        {
            return root.WithUsings(Insert(root.Usings, directive, namespaceName));
        }

        // No usings yet: the new one goes first, after any file header, followed by a blank line.
        var firstToken = root.GetFirstToken(includeZeroWidth: true);
        var header = firstToken.LeadingTrivia;
        var newRoot = root.ReplaceToken(firstToken, firstToken.WithLeadingTrivia(SyntaxTriviaList.Empty));
        return newRoot.WithUsings(SyntaxFactory.SingletonList(
            directive.WithLeadingTrivia(header).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine))));
    }

    private static bool Imports(CompilationUnitSyntax root, string namespaceName)
        => root.DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<UsingDirectiveSyntax>()
            .Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == namespaceName);

    private static SyntaxList<UsingDirectiveSyntax> Insert(SyntaxList<UsingDirectiveSyntax> usings, UsingDirectiveSyntax directive, string namespaceName)
    {
        var index = 0;
        while (index < usings.Count && ComesBefore(usings[index], namespaceName))
        {
            index++;
        }

        // A directive inserted before the first one takes over its leading trivia (header comments, blank lines).
        if (index == 0 && usings.Count > 0)
        {
            var first = usings[0];
            var leading = first.GetLeadingTrivia();
            var indentation = leading.Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
            usings = usings.Replace(first, first.WithLeadingTrivia(indentation.IsKind(SyntaxKind.None) ? SyntaxTriviaList.Empty : SyntaxFactory.TriviaList(indentation)));
            directive = directive.WithLeadingTrivia(leading);
        }

        return usings.Insert(index, directive);
    }

    /// <summary>Plain usings sorted with System first, then ordinal; global, static and alias usings stay ahead.</summary>
    private static bool ComesBefore(UsingDirectiveSyntax existing, string namespaceName)
    {
        if (!existing.GlobalKeyword.IsKind(SyntaxKind.None))
        {
            return true;
        }

        if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None) || existing.Name is null)
        {
            return false;
        }

        var name = existing.Name.ToString();
        var existingIsSystem = name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
        var newIsSystem = namespaceName == "System" || namespaceName.StartsWith("System.", StringComparison.Ordinal);
        if (existingIsSystem != newIsSystem)
        {
            return existingIsSystem;
        }

        return string.CompareOrdinal(name, namespaceName) < 0;
    }
}
