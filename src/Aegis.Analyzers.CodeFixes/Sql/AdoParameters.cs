using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>
/// ADO.NET: each tainted hole becomes a placeholder, and the parameter is added to the command right after the
/// statement that sets its SQL, with the repository's <c>parameter_style</c>.
/// </summary>
internal static class AdoParameters
{
    private const string AddWithValue = "add_with_value";
    private const string AddParameter = "add_parameter";
    private const string CreateParameter = "create_parameter";

    public static SqlFixPlan? Plan(SqlFixContext context)
    {
        if (FindCommand(context) is not { } command)
        {
            return null;
        }

        var (receiver, commandSymbol, commandType, anchor, insertAt) = command;
        var body = context.Body;
        var model = context.Model;
        var ct = context.CancellationToken;

        // The command is set up once: a second CommandText, a loop around a command declared outside it, or
        // parameters bound by position that are already there would all make added parameters wrong.
        if (CommandTextWrites(body, commandSymbol, model, ct) != 1 || InLoopOutside(anchor, commandSymbol, body, ct))
        {
            return null;
        }

        var uses = ParameterUses(body, commandSymbol, model, ct);
        if (context.PlaceholderStyle != "@name" && uses.Count > 0)
        {
            return null;
        }

        var existing = uses.SelectMany(ExistingNames).ToList();
        if (context.Rewrite(SqlRewriteMode.Placeholders, existing, insertAt) is not { } rewrite)
        {
            return null;
        }

        var statements = new List<string>();
        var plan = new SqlFixPlan();
        var style = ChooseStyle(context.ParameterStyle, commandType, model, insertAt, plan, out var parameterType);
        var taken = context.TakenLocals(anchor);
        foreach (var parameter in rewrite.Parameters)
        {
            var name = SymbolDisplay.FormatLiteral(context.PlaceholderStyle == "@name" ? parameter.Placeholder : parameter.Name, quote: true);
            switch (style)
            {
                case AddWithValue:
                    statements.Add(receiver + ".Parameters.AddWithValue(" + name + ", " + parameter.Value + ");");
                    break;
                case AddParameter:
                    statements.Add(receiver + ".Parameters.Add(new " + parameterType + "(" + name + ", " + parameter.Value + "));");
                    break;
                default:
                    var local = SqlFixSyntax.UniqueLocal(parameter.Name + "Parameter", taken);
                    context.Reserved.Add(local);
                    statements.Add("var " + local + " = " + receiver + ".CreateParameter();");
                    statements.Add(local + ".ParameterName = " + name + ";");
                    statements.Add(local + ".Value = " + parameter.Value + ";");
                    statements.Add(receiver + ".Parameters.Add(" + local + ");");
                    break;
            }
        }

        if (!SqlFixSyntax.Parses(statements, context.ParseOptions))
        {
            return null;
        }

        var insertion = anchor is BlockSyntax block
            ? SqlFixSyntax.InsertBefore(block.Statements[0], statements, context.NewLine)
            : SqlFixSyntax.InsertAfter(anchor, statements, context.NewLine);
        if (insertion is null)
        {
            return null;
        }

        plan.Changes.Add(rewrite.Change);
        plan.Changes.Add(insertion.Value);
        return plan;
    }

    /// <summary>
    /// The command the SQL is set on: its name in code, symbol and type, and the statement after which parameters go
    /// (a block when the command is declared by a <c>using (…)</c> statement: they go first in its body).
    /// </summary>
    private static (string Receiver, ISymbol Symbol, ITypeSymbol Type, SyntaxNode Anchor, int InsertAt)? FindCommand(SqlFixContext context)
    {
        var sink = context.Source.Sink;
        var model = context.Model;
        var ct = context.CancellationToken;
        SyntaxNode? creation = null;
        switch (sink.Parent)
        {
            case AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax statement, Left: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CommandText", Expression: var target } } assignment
                when assignment.Right == sink:
                if (!IsStableReceiver(target) || model.GetSymbolInfo(target, ct).Symbol is not { } symbol || model.GetTypeInfo(target, ct).Type is not { } type
                    || SqlFixSyntax.AsBlockMember(statement) is not { } anchor)
                {
                    return null;
                }

                return (target.ToString(), symbol, type, anchor, anchor.Span.End);
            case AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ObjectInitializerExpression, Parent: BaseObjectCreationExpressionSyntax created } } assignment
                when assignment.Right == sink:
                creation = created;
                break;
            case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: BaseObjectCreationExpressionSyntax created } }:
                creation = created;
                break;
        }

        if (creation?.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            || declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration
            || model.GetDeclaredSymbol(declarator, ct) is not ILocalSymbol local)
        {
            return null;
        }

        switch (declaration.Parent)
        {
            case LocalDeclarationStatementSyntax statement when SqlFixSyntax.AsBlockMember(statement) is { } anchor:
                return (declarator.Identifier.Text, local, local.Type, anchor, anchor.Span.End);
            case UsingStatementSyntax { Statement: BlockSyntax { Statements.Count: > 0 } block }:
                return (declarator.Identifier.Text, local, local.Type, block, block.Statements[0].SpanStart);
            default:
                return null;
        }
    }

    private static bool IsStableReceiver(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax => true,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax } => true,
        _ => false,
    };

    private static bool Is(SyntaxNode? node, ISymbol symbol, SemanticModel model, CancellationToken ct)
        => node is ExpressionSyntax expression && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, ct).Symbol, symbol);

    /// <summary>How many times the command's SQL is set: CommandText assignments, initializers and constructor arguments.</summary>
    private static int CommandTextWrites(SyntaxNode body, ISymbol command, SemanticModel model, CancellationToken ct)
    {
        var count = 0;
        foreach (var node in body.DescendantNodes())
        {
            switch (node)
            {
                case AssignmentExpressionSyntax { Left: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CommandText" } access } when Is(access.Expression, command, model, ct):
                    count++;
                    break;
                case VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax created } declarator
                    when SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator, ct), command):
                    count += created.ArgumentList?.Arguments.Count(a => model.GetTypeInfo(a.Expression, ct).Type?.SpecialType == SpecialType.System_String) > 0 ? 1 : 0;
                    count += created.Initializer?.Expressions.OfType<AssignmentExpressionSyntax>().Count(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: "CommandText" }) ?? 0;
                    break;
            }
        }

        return count;
    }

    /// <summary>The SQL is set inside a loop on a command that lives outside it: each pass would add the parameters again.</summary>
    private static bool InLoopOutside(SyntaxNode anchor, ISymbol command, SyntaxNode body, CancellationToken ct)
    {
        var declared = command.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).FirstOrDefault();
        foreach (var loop in anchor.Ancestors().TakeWhile(a => a != body))
        {
            if (loop is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax
                && (declared is null || !loop.Span.Contains(declared.Span)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every <c>command.Parameters</c> expression on this command.</summary>
    private static List<SyntaxNode> ParameterUses(SyntaxNode body, ISymbol command, SemanticModel model, CancellationToken ct)
        => body.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
            .Where(a => a.Name.Identifier.ValueText == "Parameters" && Is(a.Expression, command, model, ct))
            .Select(a => a.Parent is MemberAccessExpressionSyntax call && call.Parent is InvocationExpressionSyntax invocation ? invocation : (SyntaxNode)a)
            .ToList();

    /// <summary>Names already passed to the command: string literals in <c>command.Parameters.Add…(…)</c> calls.</summary>
    private static IEnumerable<string> ExistingNames(SyntaxNode use)
        => use.DescendantNodes().OfType<LiteralExpressionSyntax>().Where(l => l.IsKind(SyntaxKind.StringLiteralExpression)).Select(l => l.Token.ValueText);

    /// <summary>The profile's style where the command supports it; else <c>AddWithValue</c> where it exists, else <c>CreateParameter()</c>.</summary>
    private static string ChooseStyle(string? style, ITypeSymbol commandType, SemanticModel model, int position, SqlFixPlan plan, out string? parameterType)
    {
        parameterType = null;
        var collection = (Member(commandType, "Parameters") as IPropertySymbol)?.Type;
        var hasAddWithValue = collection is not null && Members(collection, "AddWithValue").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 2);
        if (style == AddParameter && ProviderParameterType(commandType) is { } type)
        {
            parameterType = type.Name;
            if (!SqlFixSyntax.Binds(model, position, type) && type.ContainingNamespace is { IsGlobalNamespace: false } ns)
            {
                plan.Usings.Add(ns.ToDisplayString());
            }

            return AddParameter;
        }

        return (style is null or AddWithValue) && hasAddWithValue ? AddWithValue : CreateParameter;
    }

    /// <summary>The provider's parameter type (<c>SqliteParameter</c>…): what its command's <c>CreateParameter()</c> returns, when it has a (name, value) constructor.</summary>
    private static INamedTypeSymbol? ProviderParameterType(ITypeSymbol commandType)
    {
        var create = Members(commandType, "CreateParameter").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.IsEmpty);
        return create?.ReturnType is INamedTypeSymbol { IsAbstract: false, TypeKind: TypeKind.Class } type
            && type.Name != "DbParameter"
            && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 2
                && c.Parameters[0].Type.SpecialType == SpecialType.System_String && c.Parameters[1].Type.SpecialType == SpecialType.System_Object)
            ? type
            : null;
    }

    private static ISymbol? Member(ITypeSymbol type, string name) => Members(type, name).FirstOrDefault();

    /// <summary>Members by name, most derived first (a provider's <c>new</c> members hide the base ones).</summary>
    private static IEnumerable<ISymbol> Members(ITypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(name))
            {
                yield return member;
            }
        }

        foreach (var implemented in type.AllInterfaces)
        {
            foreach (var member in implemented.GetMembers(name))
            {
                yield return member;
            }
        }
    }
}
