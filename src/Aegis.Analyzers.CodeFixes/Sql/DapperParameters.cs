using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>
/// Dapper: each tainted hole becomes a placeholder and a member of the call's parameter object — a new anonymous
/// object, merged into the one already passed, or <c>DynamicParameters</c> where the repository uses them.
/// </summary>
internal static class DapperParameters
{
    private const string DynamicParametersStyle = "dynamic_parameters";

    public static SqlFixPlan? Plan(SqlFixContext context)
    {
        var sink = context.Source.Sink;
        var model = context.Model;
        var ct = context.CancellationToken;
        if (context.PlaceholderStyle == "?"
            || sink.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: { } call } } sqlArgument
            || call is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)
            || context.Operation(call) is not { } operation)
        {
            return null;
        }

        var arguments = operation switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => default,
        };
        var param = arguments.IsDefault ? null : arguments.FirstOrDefault(a => a.Parameter is { Name: "param" or "parameters", Type.SpecialType: SpecialType.System_Object });
        if (param is null)
        {
            return null;
        }

        var given = param.ArgumentKind == ArgumentKind.DefaultValue ? null : param.Syntax as ArgumentSyntax;
        var givenValue = given?.Expression;
        var existing = new List<string>();
        AnonymousObjectCreationExpressionSyntax? anonymous = null;
        ILocalSymbol? dynamicLocal = null;
        switch (givenValue)
        {
            case null:
            case LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression }:
            case DefaultExpressionSyntax:
                break;
            case AnonymousObjectCreationExpressionSyntax created:
                anonymous = created;
                existing.AddRange(created.Initializers.Select(MemberName).Where(n => n is not null)!);
                if (created.Initializers.SeparatorCount >= created.Initializers.Count && created.Initializers.Count > 0)
                {
                    return null;
                }

                break;
            case IdentifierNameSyntax identifier when model.GetSymbolInfo(identifier, ct).Symbol is ILocalSymbol { Type.Name: "DynamicParameters" } local:
                dynamicLocal = local;
                existing.AddRange(context.Body.DescendantNodes().OfType<InvocationExpressionSyntax>()
                    .Where(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: IdentifierNameSyntax receiver } && receiver.Identifier.ValueText == local.Name)
                    .SelectMany(i => i.ArgumentList.Arguments.Take(1))
                    .Select(a => a.Expression)
                    .OfType<LiteralExpressionSyntax>()
                    .Select(l => l.Token.ValueText));
                break;
            default:
                return null;
        }

        var statement = call.FirstAncestorOrSelf<StatementSyntax>();
        var anchor = statement is null ? null : SqlFixSyntax.AsBlockMember(statement);
        var useDynamic = dynamicLocal is not null || (givenValue is null or LiteralExpressionSyntax or DefaultExpressionSyntax && context.ParameterStyle == DynamicParametersStyle && anchor is not null);
        if (dynamicLocal is not null && anchor is null)
        {
            return null;
        }

        var moveTo = useDynamic ? anchor!.SpanStart : sqlArgument.SpanStart;
        if (context.Rewrite(SqlRewriteMode.Placeholders, existing, moveTo) is not { } rewrite)
        {
            return null;
        }

        var plan = new SqlFixPlan();
        plan.Changes.Add(rewrite.Change);
        if (useDynamic)
        {
            var statements = new List<string>();
            string name;
            if (dynamicLocal is null)
            {
                name = SqlFixSyntax.UniqueLocal("parameters", context.TakenLocals(call));
                context.Reserved.Add(name);
                statements.Add("var " + name + " = new DynamicParameters();");
                var bound = model.GetSpeculativeTypeInfo(anchor!.SpanStart, SyntaxFactory.ParseTypeName("DynamicParameters"), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
                if (bound is null || bound.TypeKind == TypeKind.Error)
                {
                    plan.Usings.Add("Dapper");
                }
            }
            else
            {
                name = dynamicLocal.Name;
            }

            statements.AddRange(rewrite.Parameters.Select(p => name + ".Add(" + SymbolDisplay.FormatLiteral(p.Name, quote: true) + ", " + p.Value + ");"));
            if (!SqlFixSyntax.Parses(statements, context.ParseOptions) || SqlFixSyntax.InsertBefore(anchor!, statements, context.NewLine) is not { } insertion)
            {
                return null;
            }

            plan.Changes.Add(insertion);
            if (dynamicLocal is null)
            {
                plan.Changes.Add(PassArgument(sqlArgument, given, name, param.Parameter!.Name));
            }

            return plan;
        }

        var members = rewrite.Parameters.Select(p => p.IsProjection ? p.Name : p.Name + " = " + p.Value).ToList();
        if (anonymous is { Initializers.Count: > 0 })
        {
            var last = anonymous.Initializers.Last();
            var multiline = anonymous.OpenBraceToken.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia) || anonymous.Initializers.GetSeparators().Any(s => s.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia));
            var separator = multiline ? "," + context.NewLine + SqlFixSyntax.Indentation(last) : ", ";
            plan.Changes.Add(new TextChange(new TextSpan(last.Span.End, 0), string.Concat(members.Select(m => separator + m))));
        }
        else
        {
            plan.Changes.Add(PassArgument(sqlArgument, given, "new { " + string.Join(", ", members) + " }", param.Parameter!.Name));
        }

        return plan;
    }

    private static string? MemberName(AnonymousObjectMemberDeclaratorSyntax member)
        => member.NameEquals?.Name.Identifier.ValueText ?? member.Expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };

    /// <summary>Replaces a <c>null</c> parameter argument, or adds one right after the SQL (named when the SQL is).</summary>
    private static TextChange PassArgument(ArgumentSyntax sqlArgument, ArgumentSyntax? given, string value, string parameterName)
        => given is not null
            ? new TextChange(given.Expression.Span, value)
            : new TextChange(new TextSpan(sqlArgument.Span.End, 0), ", " + (sqlArgument.NameColon is null ? string.Empty : parameterName + ": ") + value);
}
