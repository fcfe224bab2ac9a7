using System.Globalization;
using Aegis.Analyzers.Secrets;
using Aegis.Engine.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Engine.Policy;

/// <summary>
/// The <c>fail_closed_secrets</c> check: a patch (from the code fixes or a proposed change) may not give a secret an
/// empty or default fallback — <c>?? ""</c>, <c>?? string.Empty</c>, <c>?? default</c>, <c>??= ""</c>,
/// <c>GetValueOrDefault(key, "")</c>, <c>GetValue(key, "")</c>. With one, a missing setting turns the check or the
/// signature that uses the secret into one that accepts an empty key (an empty <c>X-Api-Key</c> header equals it).
/// </summary>
public static class FailClosedSecrets
{
    /// <summary>Methods whose last argument is the value used when the setting is missing.</summary>
    private static readonly HashSet<string> DefaultingMethods = new(StringComparer.Ordinal) { "GetValueOrDefault", "GetValue", "GetEnvironmentVariableOrDefault" };

    /// <summary>
    /// What a request sends is not the secret: <c>Request.Headers["X-Api-Key"].FirstOrDefault() ?? ""</c> is the key a
    /// caller presented, which the (fail-closed) expected key is then compared with.
    /// </summary>
    private static readonly HashSet<string> InboundSources = new(StringComparer.Ordinal) { "Request", "Headers", "Query", "Form", "Cookies", "RouteValues" };

    /// <summary>The check for the fallbacks <see cref="Introduced"/> found in every patched file.</summary>
    public static Check Check(IReadOnlyList<string> introduced)
        => new(
            CheckNames.FailClosedSecrets,
            introduced.Count == 0,
            introduced.Count == 0
                ? "no secret gets an empty or default fallback"
                : introduced.Count.ToString(CultureInfo.InvariantCulture) + " empty or default fallback(s) for a secret (a missing setting would accept an empty key): " + string.Join("; ", introduced.Take(3)));

    /// <summary>
    /// The empty or default fallbacks for secret-named values that <paramref name="patched"/> has and
    /// <paramref name="original"/> had not, each as <c>file:line name ?? fallback</c> (names only, never a value).
    /// Only C# files are looked at.
    /// </summary>
    public static IReadOnlyList<string> Introduced(string file, string original, string patched)
    {
        if (!file.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
        {
            return Array.Empty<string>();
        }

        var before = Find(original).GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var introduced = new List<string>();
        foreach (var fallback in Find(patched))
        {
            if (before.TryGetValue(fallback.Key, out var count) && count > 0)
            {
                before[fallback.Key] = count - 1;
                continue;
            }

            introduced.Add(file + ":" + fallback.Line.ToString(CultureInfo.InvariantCulture) + " " + fallback.Key);
        }

        return introduced;
    }

    private readonly record struct Fallback(string Key, int Line);

    private static IEnumerable<Fallback> Find(string text)
    {
        var root = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            var (lookup, fallback) = node switch
            {
                BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression) => (binary.Left, binary.Right),
                AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression) => (assignment.Left, assignment.Right),
                InvocationExpressionSyntax invocation when DefaultingMethods.Contains(MethodName(invocation.Expression)) && invocation.ArgumentList.Arguments.Count >= 2
                    => (invocation, invocation.ArgumentList.Arguments[^1].Expression),
                _ => ((ExpressionSyntax?)null, (ExpressionSyntax?)null),
            };
            if (lookup is null || fallback is null || !IsEmptyOrDefault(fallback)
                || lookup.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => InboundSources.Contains(n.Identifier.ValueText)))
            {
                continue;
            }

            var secretName = Names(lookup, (ExpressionSyntax)node).FirstOrDefault(IsSecretName);
            if (secretName is not null)
            {
                var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                yield return new Fallback(secretName + " " + Operator(node) + " " + fallback.ToString(), line);
            }
        }
    }

    private static string Operator(SyntaxNode node) => node switch
    {
        BinaryExpressionSyntax => "??",
        AssignmentExpressionSyntax => "??=",
        InvocationExpressionSyntax invocation => MethodName(invocation.Expression) + "(…,",
        _ => "",
    };

    private static string MethodName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        IdentifierNameSyntax name => name.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        _ => "",
    };

    /// <summary><c>""</c>, <c>string.Empty</c>, <c>default</c>, <c>default(T)</c>, <c>Array.Empty&lt;byte&gt;()</c>, <c>new byte[0]</c>, <c>[]</c>.</summary>
    private static bool IsEmptyOrDefault(ExpressionSyntax expression)
    {
        // Through parentheses and the null-forgiving `!` (`?? default!`).
        while (expression is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
        {
            expression = expression is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : ((PostfixUnaryExpressionSyntax)expression).Operand;
        }

        return expression switch
        {
            LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.DefaultLiteralExpression)
                || (literal.IsKind(SyntaxKind.StringLiteralExpression) && literal.Token.ValueText.Length == 0),
            DefaultExpressionSyntax => true,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Empty" } access => access.Expression.ToString() is "string" or "String" or "System.String" or "global::System.String",
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax { Identifier.ValueText: "Empty" } } empty } => empty.Expression.ToString() is "Array" or "System.Array" or "global::System.Array",
            ArrayCreationExpressionSyntax creation => creation.Initializer is { Expressions.Count: 0 }
                || creation.Type.RankSpecifiers.SelectMany(r => r.Sizes).Any(s => s is LiteralExpressionSyntax { Token.ValueText: "0" }),
            CollectionExpressionSyntax collection => collection.Elements.Count == 0,
            _ => false,
        };
    }

    /// <summary>
    /// What the value is called: the keys and variable names the lookup reads (<c>"Auth:StaffKey"</c>,
    /// <c>"HMAC_KEY"</c>), then the member, local or parameter it is stored in (through concatenations and conversions
    /// such as <c>Convert.FromBase64String(…)</c>). Not a local or parameter merely read: the AEG001 fix writes
    /// <c>password ?? ""</c> for a SQL parameter, where <c>null</c> was <c>''</c> before, and that is no setting.
    /// </summary>
    private static IEnumerable<string> Names(ExpressionSyntax lookup, ExpressionSyntax whole)
    {
        foreach (var literal in lookup.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().Where(l => l.IsKind(SyntaxKind.StringLiteralExpression)))
        {
            yield return literal.Token.ValueText;
        }

        if (whole is AssignmentExpressionSyntax coalesceAssignment)
        {
            yield return TargetName(coalesceAssignment.Left);
        }

        SyntaxNode current = whole;
        while (current.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } or ArgumentSyntax or ArgumentListSyntax or InvocationExpressionSyntax)
        {
            current = current.Parent;
        }

        switch (current.Parent)
        {
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                yield return declarator.Identifier.ValueText;
                break;
            case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                yield return property.Identifier.ValueText;
                break;
            case EqualsValueClauseSyntax { Parent: ParameterSyntax parameter }:
                yield return parameter.Identifier.ValueText;
                break;
            case ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                yield return property.Identifier.ValueText;
                break;
            case AssignmentExpressionSyntax assignment when assignment.Right == current:
                yield return TargetName(assignment.Left);
                break;
        }
    }

    private static string TargetName(ExpressionSyntax target)
        => target is MemberAccessExpressionSyntax member ? member.Name.Identifier.ValueText : target.ToString();

    /// <summary>A name that says "secret" (a bare <c>key</c> does not: dictionaries are full of them).</summary>
    private static bool IsSecretName(string name)
    {
        var classification = SecretNames.Classify(name);
        return classification.Strength == SecretNameStrength.Strong
            || (classification.Strength == SecretNameStrength.Weak && SecretNames.SplitWords(name).Count > 1);
    }
}
