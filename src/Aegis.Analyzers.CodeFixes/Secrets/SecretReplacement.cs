using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Secrets;

/// <summary>
/// Builds the expression that takes the secret's place: the lookup alone when the constant is all secret, otherwise
/// the constant's own text before and after the secret joined to the lookup with <c>+</c>, so the non-secret parts
/// of a connection string or header value stay byte-identical.
/// </summary>
internal static class SecretReplacement
{
    /// <summary>
    /// The replacement for the string constant <paramref name="node"/>, or null when its shape cannot be split
    /// safely (the secret spans several pieces, or sits in an interpolated string).
    /// </summary>
    public static ExpressionSyntax? ForString(ExpressionSyntax node, SemanticModel model, int start, int length, string lookup, CancellationToken cancellationToken)
    {
        if (model.GetConstantValue(node, cancellationToken) is not { HasValue: true, Value: string value }
            || start < 0 || length <= 0 || start + length > value.Length)
        {
            return null;
        }

        if (start == 0 && length == value.Length)
        {
            return Parenthesize(SyntaxFactory.ParseExpression(lookup), node);
        }

        // Find the one literal piece of a constant concatenation that holds the whole secret.
        var offset = 0;
        foreach (var leaf in Leaves(node))
        {
            if (model.GetConstantValue(leaf, cancellationToken) is not { HasValue: true, Value: string piece }
                || model.GetTypeInfo(leaf, cancellationToken).Type?.SpecialType != SpecialType.System_String)
            {
                return null;
            }

            if (start >= offset && start + length <= offset + piece.Length)
            {
                if (leaf is not LiteralExpressionSyntax literal || !literal.IsKind(SyntaxKind.StringLiteralExpression))
                {
                    return null;
                }

                var split = Split(literal, start - offset, length, lookup);
                return ReferenceEquals(leaf, node) ? Parenthesize(split, node) : node.ReplaceNode(leaf, split.WithTriviaFrom(leaf));
            }

            if (start < offset + piece.Length)
            {
                return null;
            }

            offset += piece.Length;
        }

        return null;
    }

    /// <summary><c>"before" + (lookup) + "after"</c>, with each literal piece cut from the original token's text.</summary>
    private static ExpressionSyntax Split(LiteralExpressionSyntax literal, int start, int length, string lookup)
    {
        var value = literal.Token.ValueText;
        var prefix = value.Substring(0, start);
        var suffix = value.Substring(start + length);
        var (prefixText, suffixText) = CutTokenText(literal.Token.Text, value, start, length);
        var parts = new List<string>();
        if (prefix.Length > 0)
        {
            parts.Add(prefixText ?? SyntaxFactory.Literal(prefix).Text);
        }

        parts.Add("(" + lookup + ")");
        if (suffix.Length > 0)
        {
            parts.Add(suffixText ?? SyntaxFactory.Literal(suffix).Text);
        }

        return SyntaxFactory.ParseExpression(string.Join(" + ", parts));
    }

    /// <summary>
    /// The token text before and after the secret, each closed into a literal of the same kind (regular or verbatim)
    /// whose value is exactly the value's prefix / suffix; nulls when the secret's text is not found verbatim.
    /// </summary>
    private static (string? Prefix, string? Suffix) CutTokenText(string text, string value, int start, int length)
    {
        var verbatim = text.StartsWith("@\"", StringComparison.Ordinal);
        if (!verbatim && (!text.StartsWith("\"", StringComparison.Ordinal) || text.StartsWith("\"\"\"", StringComparison.Ordinal)))
        {
            return (null, null);
        }

        var secret = value.Substring(start, length);
        var prefix = value.Substring(0, start);
        var suffix = value.Substring(start + length);
        for (var index = text.IndexOf(secret, StringComparison.Ordinal); index > 0; index = text.IndexOf(secret, index + 1, StringComparison.Ordinal))
        {
            var prefixText = text.Substring(0, index) + "\"";
            var suffixText = (verbatim ? "@\"" : "\"") + text.Substring(index + length);
            if (IsLiteralOf(prefixText, prefix) && IsLiteralOf(suffixText, suffix))
            {
                return (prefixText, suffixText);
            }
        }

        return (null, null);
    }

    private static bool IsLiteralOf(string text, string value)
    {
        var token = SyntaxFactory.ParseToken(text);
        return token.IsKind(SyntaxKind.StringLiteralToken) && !token.ContainsDiagnostics && token.Text == text && token.ValueText == value;
    }

    /// <summary>The operands of a constant <c>+</c> chain, left to right (through parentheses).</summary>
    private static IEnumerable<ExpressionSyntax> Leaves(ExpressionSyntax node)
    {
        switch (node)
        {
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                foreach (var leaf in Leaves(binary.Left))
                {
                    yield return leaf;
                }

                foreach (var leaf in Leaves(binary.Right))
                {
                    yield return leaf;
                }

                break;
            case ParenthesizedExpressionSyntax parenthesized:
                foreach (var leaf in Leaves(parenthesized.Expression))
                {
                    yield return leaf;
                }

                break;
            default:
                yield return node;
                break;
        }
    }

    /// <summary>Wraps <paramref name="replacement"/> in parentheses unless the place it goes to cannot mis-bind it.</summary>
    public static ExpressionSyntax Parenthesize(ExpressionSyntax replacement, ExpressionSyntax original)
    {
        var needsParentheses = original.Parent switch
        {
            ArgumentSyntax or EqualsValueClauseSyntax or ArrowExpressionClauseSyntax or ReturnStatementSyntax
                or ParenthesizedExpressionSyntax or InitializerExpressionSyntax or InterpolationSyntax or ExpressionStatementSyntax => false,
            AssignmentExpressionSyntax assignment => assignment.Left == original,
            LambdaExpressionSyntax lambda => lambda.Body != original,
            _ => true,
        };
        return needsParentheses && replacement is not (InvocationExpressionSyntax or ParenthesizedExpressionSyntax)
            ? SyntaxFactory.ParenthesizedExpression(replacement)
            : replacement;
    }
}
