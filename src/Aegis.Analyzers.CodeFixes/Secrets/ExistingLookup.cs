using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Secrets;

/// <summary>
/// The key the code already reads for the same value: a secret that is the fallback of a lookup
/// (<c>configuration["Auth:StaffApiKey"] ?? StaffApiKey</c>) is replaced by a read of that key, not of a second,
/// invented one that nobody sets.
/// </summary>
internal static class ExistingLookup
{
    private const string ConfigurationNamespace = "Microsoft.Extensions.Configuration";

    /// <summary>Configuration methods whose first argument names the value, and the prefix that makes it a key.</summary>
    private static readonly (string Method, string Prefix)[] ConfigurationMethods =
    {
        ("GetValue", ""),
        ("GetConnectionString", "ConnectionStrings:"),
    };

    /// <summary>
    /// The configuration key or environment variable read on the left of a <c>??</c> whose right side is the secret
    /// or the member it initializes; (null, null) when there is none, or more than one.
    /// </summary>
    public static async Task<(string? ConfigurationKey, string? EnvironmentVariable)> FindAsync(
        Document document, SemanticModel model, ExpressionSyntax secret, CancellationToken cancellationToken)
    {
        var found = new HashSet<(string? ConfigurationKey, string? EnvironmentVariable)>();
        AddIfFallback(secret, model, found, cancellationToken);
        if (DeclaredMember(secret, model, cancellationToken) is { } member)
        {
            foreach (var (reference, referenceModel) in await SecretUsage.ReferencesAsync(member, document.Project.Solution, cancellationToken).ConfigureAwait(false))
            {
                AddIfFallback(reference, referenceModel, found, cancellationToken);
            }
        }

        return found.Count == 1 ? found.First() : (null, null);
    }

    /// <summary>The field, property or local whose initializer the secret is (part of).</summary>
    private static ISymbol? DeclaredMember(ExpressionSyntax secret, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var ancestor in secret.Ancestors())
        {
            switch (ancestor)
            {
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                    return model.GetDeclaredSymbol(declarator, cancellationToken);
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                    return model.GetDeclaredSymbol(property, cancellationToken);
                case ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                    return model.GetDeclaredSymbol(property, cancellationToken);
                case StatementSyntax or MemberDeclarationSyntax or LambdaExpressionSyntax:
                    return null;
            }
        }

        return null;
    }

    private static void AddIfFallback(SyntaxNode node, SemanticModel model, HashSet<(string?, string?)> found, CancellationToken cancellationToken)
    {
        var expression = node.Parent is MemberAccessExpressionSyntax access && access.Name == node ? access : node;
        while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized;
        }

        if (expression.Parent is BinaryExpressionSyntax coalesce && coalesce.IsKind(SyntaxKind.CoalesceExpression) && coalesce.Right == expression
            && Read(coalesce.Left, model, cancellationToken) is { } read)
        {
            found.Add(read);
        }
    }

    /// <summary>The key a lookup expression reads: <c>x["key"]</c>, <c>x?["key"]</c>, <c>x.GetValue&lt;string&gt;("key")</c>, <c>Environment.GetEnvironmentVariable("NAME")</c>.</summary>
    private static (string?, string?)? Read(ExpressionSyntax left, SemanticModel model, CancellationToken cancellationToken)
    {
        while (left is ParenthesizedExpressionSyntax parenthesized)
        {
            left = parenthesized.Expression;
        }

        switch (left)
        {
            case ElementAccessExpressionSyntax element when element.ArgumentList.Arguments.Count == 1:
                return IsConfiguration(model.GetTypeInfo(element.Expression, cancellationToken).Type)
                    && Constant(element.ArgumentList.Arguments[0].Expression, model, cancellationToken) is { } key ? (key, null) : null;
            case ConditionalAccessExpressionSyntax { WhenNotNull: ElementBindingExpressionSyntax binding } conditional when binding.ArgumentList.Arguments.Count == 1:
                return IsConfiguration(model.GetTypeInfo(conditional.Expression, cancellationToken).Type)
                    && Constant(binding.ArgumentList.Arguments[0].Expression, model, cancellationToken) is { } conditionalKey ? (conditionalKey, null) : null;
            case InvocationExpressionSyntax invocation when invocation.ArgumentList.Arguments.Count > 0
                && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && Constant(invocation.ArgumentList.Arguments[0].Expression, model, cancellationToken) is { } name:
                var declaring = (method.ReducedFrom ?? method).ContainingType;
                if (method.Name == "GetEnvironmentVariable" && declaring.ToDisplayString() == "System.Environment")
                {
                    return (null, name);
                }

                foreach (var (methodName, prefix) in ConfigurationMethods)
                {
                    if (method.Name == methodName && declaring.ContainingNamespace.ToDisplayString() == ConfigurationNamespace)
                    {
                        return (prefix + name, null);
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsConfiguration(ITypeSymbol? type)
        => type is not null && (IsConfigurationInterface(type) || type.AllInterfaces.Any(IsConfigurationInterface));

    private static bool IsConfigurationInterface(ITypeSymbol type)
        => type.Name == "IConfiguration" && type.ContainingNamespace.ToDisplayString() == ConfigurationNamespace;

    private static string? Constant(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        => model.GetConstantValue(expression, cancellationToken) is { HasValue: true, Value: string { Length: > 0 } text } ? text : null;
}
