using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>
/// EF Core: <c>FromSqlRaw</c> → <c>FromSqlInterpolated</c>, <c>ExecuteSqlRaw(Async)</c> → <c>ExecuteSqlInterpolated(Async)</c>,
/// <c>SqlQueryRaw</c> → <c>SqlQuery</c>; the tainted holes stay holes, which EF sends as parameters.
/// <c>FromSqlInterpolated</c> rather than EF 7's <c>FromSql</c>: it exists in every EF Core version that has
/// <c>FromSqlRaw</c> and does the same, so one rule fits every project.
/// </summary>
internal static class EfInterpolation
{
    private static readonly IReadOnlyList<(string Raw, string Interpolated)> Methods = new[]
    {
        ("FromSqlRaw", "FromSqlInterpolated"),
        ("ExecuteSqlRaw", "ExecuteSqlInterpolated"),
        ("ExecuteSqlRawAsync", "ExecuteSqlInterpolatedAsync"),
        ("SqlQueryRaw", "SqlQuery"),
    };

    public static SqlFixPlan? Plan(SqlFixContext context)
    {
        var sink = context.Source.Sink;
        if (sink.Parent is not ArgumentSyntax { NameColon: null } sqlArgument
            || sqlArgument.Parent?.Parent is not InvocationExpressionSyntax invocation
            || context.Operation(invocation) is not IInvocationOperation operation)
        {
            return null;
        }

        var method = operation.TargetMethod;
        var replacement = Methods.FirstOrDefault(m => m.Raw == method.Name).Interpolated;
        if (replacement is null || method.ContainingType.GetMembers(replacement).IsEmpty)
        {
            return null;
        }

        // Only the SQL and a cancellation token may be passed: raw parameters ({0}) have no interpolated equivalent.
        foreach (var argument in operation.Arguments)
        {
            if (argument.Syntax == sqlArgument || (method.IsExtensionMethod && argument.Parameter?.Ordinal == 0))
            {
                continue;
            }

            var isToken = argument.Parameter?.Type.Name == nameof(CancellationToken);
            var emptyParams = argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer.ElementValues.IsEmpty: true } or IArrayCreationOperation { Initializer: null };
            var omitted = argument.ArgumentKind == ArgumentKind.DefaultValue;
            if (!isToken && !emptyParams && !omitted)
            {
                return null;
            }
        }

        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        if (name is null || context.Rewrite(SqlRewriteMode.Interpolation, Array.Empty<string>(), null) is not { } rewrite)
        {
            return null;
        }

        var plan = new SqlFixPlan();
        plan.Changes.Add(rewrite.Change);
        plan.Changes.Add(new TextChange(name.Identifier.Span, replacement));
        if (context.Source.Local is { } local)
        {
            // The interpolated string must stay a FormattableString: the local takes that type.
            var type = local.Declaration.Type;
            if (!(type.IsVar || type is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.StringKeyword }))
            {
                return null;
            }

            plan.Changes.Add(new TextChange(type.Span, "FormattableString"));
            var formattable = context.Model.GetSpeculativeTypeInfo(type.SpanStart, SyntaxFactory.ParseTypeName("FormattableString"), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
            if (formattable is null || formattable.TypeKind == TypeKind.Error)
            {
                plan.Usings.Add("System");
            }
        }

        return plan;
    }
}
