using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>Names read off syntax, for the syntax scans that find candidates before the semantic model is asked.</summary>
internal static class SyntaxNames
{
    /// <summary>The last identifier of a type name: <c>HttpClient</c> for <c>System.Net.Http.HttpClient</c>.</summary>
    public static string? LastName(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };
}
