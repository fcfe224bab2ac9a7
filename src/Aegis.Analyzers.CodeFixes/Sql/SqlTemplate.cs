using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>How the SQL expression is written, which decides whether it can be edited in place.</summary>
internal enum SqlTemplateForm
{
    /// <summary><c>$"..."</c> (regular, verbatim or raw): edited in place.</summary>
    Interpolated,

    /// <summary>A <c>+</c> chain of literals, interpolated strings and values: edited in place.</summary>
    Concatenation,

    /// <summary><c>string.Format</c> or <c>string.Concat</c>: replaced by a generated (interpolated) string.</summary>
    Call,

    /// <summary>A <c>StringBuilder</c> local filled by <c>Append</c> statements in one block: its statements are edited in place.</summary>
    Builder,
}

internal enum SqlHoleKind
{
    Constant,
    Safe,
    Tainted,
}

/// <summary>A piece of the SQL expression: literal text (with where its content sits in the source) or a hole.</summary>
internal sealed class SqlSegment
{
    private SqlSegment(string? text, int contentStart, int contentEnd, ExpressionSyntax? hole, SyntaxNode? holeNode, string? formatClause)
    {
        Text = text;
        ContentStart = contentStart;
        ContentEnd = contentEnd;
        Hole = hole;
        HoleNode = holeNode;
        FormatClause = formatClause;
    }

    /// <summary>The text's value; null for a hole.</summary>
    public string? Text { get; }

    /// <summary>Where the text's content starts in the document; -1 when its source cannot be edited character by character.</summary>
    public int ContentStart { get; }

    public int ContentEnd { get; }

    public ExpressionSyntax? Hole { get; }

    /// <summary>The node a hole occupies in the source: the interpolation (with its braces) or the operand.</summary>
    public SyntaxNode? HoleNode { get; }

    /// <summary>Alignment and format of the hole as written (<c>,10:N2</c>), or empty.</summary>
    public string? FormatClause { get; }

    public SqlHoleKind Kind { get; set; }

    /// <summary>The hole's value when it is a string constant.</summary>
    public string? ConstantText { get; set; }

    public bool IsText => Text is not null;

    public bool Editable => ContentStart >= 0;

    public static SqlSegment ForText(string value, int contentStart = -1, int contentEnd = -1) => new(value, contentStart, contentEnd, null, null, null);

    public static SqlSegment ForHole(ExpressionSyntax hole, SyntaxNode node, string formatClause = "") => new(null, -1, -1, hole, node, formatClause);
}

/// <summary>The SQL expression as a sequence of text and holes, read from syntax (the analyzer's template, re-derived where the fix edits).</summary>
internal sealed class SqlTemplate
{
    private SqlTemplate(ExpressionSyntax expression, SqlTemplateForm form, IReadOnlyList<SqlSegment> segments, bool formatProvider, TextSpan? span = null)
    {
        Expression = expression;
        Form = form;
        Segments = segments;
        HasFormatProvider = formatProvider;
        Span = span ?? expression.Span;
    }

    public ExpressionSyntax Expression { get; }

    /// <summary>The source the rewrite replaces: the expression, or the builder's declaration through its last <c>Append</c>.</summary>
    public TextSpan Span { get; }

    public SqlTemplateForm Form { get; }

    public IReadOnlyList<SqlSegment> Segments { get; }

    /// <summary><c>string.Format(provider, ...)</c>: the remaining holes would change culture in an interpolated string.</summary>
    public bool HasFormatProvider { get; }

    /// <summary>Reads the template; null when the expression is not a shape the fix can rewrite provably.</summary>
    public static SqlTemplate? Read(ExpressionSyntax expression, SemanticModel? model)
    {
        var inner = expression;
        while (inner is ParenthesizedExpressionSyntax parenthesized)
        {
            inner = parenthesized.Expression;
        }

        var segments = new List<SqlSegment>();
        switch (inner)
        {
            case InterpolatedStringExpressionSyntax interpolated:
                return AddInterpolated(interpolated, segments) ? new SqlTemplate(inner, SqlTemplateForm.Interpolated, segments, false) : null;
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } binary when IsString(binary, model):
                return AddOperands(binary, model, segments) ? new SqlTemplate(inner, SqlTemplateForm.Concatenation, segments, false) : null;
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToString", Expression: IdentifierNameSyntax builder }, ArgumentList.Arguments.Count: 0 }
                when model is not null && model.GetTypeInfo(builder).Type?.ToDisplayString() == "System.Text.StringBuilder":
                return ReadBuilder(inner, builder, model, segments);
            case InvocationExpressionSyntax invocation when model is not null:
                return ReadCall(inner, invocation, model, segments);
            default:
                return null;
        }
    }

    /// <summary>Texts joined, each hole written as <c>\u0001expression\u0001</c>: what two templates are compared by.</summary>
    public string Shape()
    {
        var shape = new StringBuilder();
        foreach (var segment in Segments)
        {
            if (segment.Text is not null)
            {
                shape.Append(segment.Text);
            }
            else
            {
                shape.Append('\u0001').Append(HoleShape(segment.Hole!.ToString(), segment.FormatClause)).Append('\u0001');
            }
        }

        return shape.ToString();
    }

    public static string HoleShape(string expression, string? formatClause) => expression + (formatClause ?? string.Empty);

    private static bool IsString(ExpressionSyntax expression, SemanticModel? model)
        => model is null || model.GetTypeInfo(expression).Type?.SpecialType == SpecialType.System_String;

    private static bool AddInterpolated(InterpolatedStringExpressionSyntax interpolated, List<SqlSegment> segments)
    {
        // The text token's value keeps `{{` and `}}` as written; with a single `$` they stand for one brace.
        var single = interpolated.StringStartToken.Text.Count(c => c == '$') == 1;
        foreach (var content in interpolated.Contents)
        {
            switch (content)
            {
                case InterpolatedStringTextSyntax text:
                    var value = single ? text.TextToken.ValueText.Replace("{{", "{").Replace("}}", "}") : text.TextToken.ValueText;
                    segments.Add(SqlSegment.ForText(value, text.TextToken.SpanStart, text.TextToken.Span.End));
                    break;
                case InterpolationSyntax hole:
                    var clause = (hole.AlignmentClause?.ToString() ?? string.Empty) + (hole.FormatClause?.ToString() ?? string.Empty);
                    segments.Add(SqlSegment.ForHole(hole.Expression, hole, clause));
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool AddOperands(BinaryExpressionSyntax binary, SemanticModel? model, List<SqlSegment> segments)
    {
        var left = binary.Left;
        if (left is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } nested && IsString(nested, model))
        {
            if (!AddOperands(nested, model, segments))
            {
                return false;
            }
        }
        else if (!AddOperand(left, segments))
        {
            return false;
        }

        return AddOperand(binary.Right, segments);
    }

    private static bool AddOperand(ExpressionSyntax operand, List<SqlSegment> segments)
    {
        switch (operand)
        {
            case LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal:
                var (start, end) = ContentOf(literal.Token);
                segments.Add(SqlSegment.ForText(literal.Token.ValueText, start, end));
                return true;
            case InterpolatedStringExpressionSyntax interpolated:
                return AddInterpolated(interpolated, segments);
            default:
                segments.Add(SqlSegment.ForHole(operand, operand));
                return true;
        }
    }

    /// <summary>Where a string literal's content is in the source; (-1, -1) for multi-line raw literals, whose value is not their text.</summary>
    private static (int Start, int End) ContentOf(SyntaxToken token)
    {
        var text = token.Text;
        switch (token.Kind())
        {
            case SyntaxKind.StringLiteralToken:
                var open = text.StartsWith("@", StringComparison.Ordinal) ? 2 : 1;
                return text.Length >= open + 1 ? (token.SpanStart + open, token.Span.End - 1) : (-1, -1);
            case SyntaxKind.SingleLineRawStringLiteralToken:
                var quotes = text.TakeWhile(c => c == '"').Count();
                return text.Length >= 2 * quotes ? (token.SpanStart + quotes, token.Span.End - quotes) : (-1, -1);
            default:
                return (-1, -1);
        }
    }

    private static SqlTemplate? ReadCall(ExpressionSyntax expression, InvocationExpressionSyntax invocation, SemanticModel model, List<SqlSegment> segments)
    {
        if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol { IsStatic: true, ContainingType.SpecialType: SpecialType.System_String } method
            || invocation.ArgumentList.Arguments.Any(a => a.NameColon is not null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
        {
            return null;
        }

        var arguments = invocation.ArgumentList.Arguments.Select(a => a.Expression).ToList();
        if (method.Parameters.Any(p => p.Type is IArrayTypeSymbol) && arguments.Any(a => model.GetTypeInfo(a).Type is IArrayTypeSymbol))
        {
            // An explicit array passed for `params`: its elements are not visible as arguments.
            return null;
        }

        switch (method.Name)
        {
            case "Concat" when method.Parameters.All(p => p.Type.SpecialType is SpecialType.System_String or SpecialType.System_Object || p.IsParams):
                foreach (var argument in arguments)
                {
                    if (argument is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal)
                    {
                        segments.Add(SqlSegment.ForText(literal.Token.ValueText));
                    }
                    else
                    {
                        segments.Add(SqlSegment.ForHole(argument, argument));
                    }
                }

                return new SqlTemplate(expression, SqlTemplateForm.Call, segments, false);
            case "Format":
                var provider = method.Parameters.Length > 0 && method.Parameters[0].Type.Name == "IFormatProvider";
                if (provider)
                {
                    arguments.RemoveAt(0);
                }

                if (arguments.Count == 0 || model.GetConstantValue(arguments[0]).Value is not string format)
                {
                    return null;
                }

                return ParseFormat(format, arguments.Skip(1).ToList(), segments) ? new SqlTemplate(expression, SqlTemplateForm.Call, segments, provider) : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>var sql = new StringBuilder("…"); sql.Append("…"); sql.Append(value).Append("…");</c> … <c>sql.ToString()</c>:
    /// the local is declared and only appended to, statement after statement, in the block that reads it once.
    /// </summary>
    private static SqlTemplate? ReadBuilder(ExpressionSyntax expression, IdentifierNameSyntax builder, SemanticModel model, List<SqlSegment> segments)
    {
        if (model.GetSymbolInfo(builder).Symbol is not ILocalSymbol local
            || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax creation } declarator
            || declarator.Parent?.Parent is not LocalDeclarationStatementSyntax { Parent: BlockSyntax block, Declaration.Variables.Count: 1 } declaration
            || creation.Initializer is not null
            || expression.FirstAncestorOrSelf<StatementSyntax>(s => s.Parent == block) is not { } use)
        {
            return null;
        }

        if (creation.ArgumentList?.Arguments is { Count: > 0 } arguments)
        {
            if (arguments.Count != 1 || arguments[0].Expression is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } initial)
            {
                return null;
            }

            var (start, end) = ContentOf(initial.Token);
            segments.Add(SqlSegment.ForText(initial.Token.ValueText, start, end));
        }

        var appends = new List<StatementSyntax>();
        var statements = block.Statements;
        for (var i = statements.IndexOf(declaration) + 1; i < statements.Count && statements[i] != use; i++)
        {
            if (AppendChain(statements[i], local.Name) is { } chain)
            {
                appends.Add(statements[i]);
                foreach (var argument in chain)
                {
                    if (!AddOperand(argument, segments))
                    {
                        return null;
                    }
                }
            }
        }

        // Every other use of the builder could change its text: no rewrite.
        var uses = block.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Count(n => n.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n).Symbol, local));
        if (uses != appends.Count + 1 || appends.Count == 0)
        {
            return null;
        }

        return new SqlTemplate(expression, SqlTemplateForm.Builder, segments, false, TextSpan.FromBounds(declaration.SpanStart, appends[appends.Count - 1].Span.End));
    }

    /// <summary>The arguments of <c>name.Append(a).Append(b);</c>, in order; null when the statement is anything else.</summary>
    private static List<ExpressionSyntax>? AppendChain(StatementSyntax statement, string name)
    {
        var arguments = new List<ExpressionSyntax>();
        var current = (statement as ExpressionStatementSyntax)?.Expression;
        while (current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Append" } access, ArgumentList.Arguments.Count: 1 } call
            && call.ArgumentList.Arguments[0] is { NameColon: null, RefKindKeyword.RawKind: 0 } argument)
        {
            arguments.Insert(0, argument.Expression);
            current = access.Expression;
        }

        return current is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name && arguments.Count > 0 ? arguments : null;
    }

    /// <summary>Reads back a rewritten builder (declaration and <c>Append</c> statements) without a semantic model.</summary>
    public static string? BuilderShape(string statementsText, ParseOptions options)
    {
        var block = SyntaxFactory.ParseStatement("{" + statementsText + "}", 0, options) as BlockSyntax;
        if (block is null || block.ContainsDiagnostics || block.Statements.Count == 0
            || block.Statements[0] is not LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration
            || declaration.Declaration.Variables[0] is not { Initializer.Value: BaseObjectCreationExpressionSyntax creation } declarator)
        {
            return null;
        }

        var segments = new List<SqlSegment>();
        if (creation.ArgumentList?.Arguments is { Count: 1 } arguments && arguments[0].Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } initial)
        {
            segments.Add(SqlSegment.ForText(initial.Token.ValueText));
        }

        foreach (var statement in block.Statements.Skip(1))
        {
            if (AppendChain(statement, declarator.Identifier.ValueText) is not { } chain)
            {
                return null;
            }

            foreach (var argument in chain)
            {
                AddOperand(argument, segments);
            }
        }

        return new SqlTemplate(creation, SqlTemplateForm.Builder, segments, false).Shape();
    }

    /// <summary>Splits a composite format into text and holes; false when it is malformed or leaves an argument unused.</summary>
    private static bool ParseFormat(string format, IReadOnlyList<ExpressionSyntax> values, List<SqlSegment> segments)
    {
        var used = new bool[values.Count];
        var literal = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if ((c == '{' || c == '}') && i + 1 < format.Length && format[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var close = format.IndexOf('}', i);
            if (close < 0)
            {
                return false;
            }

            var spec = format.Substring(i + 1, close - i - 1);
            var digits = new string(spec.TakeWhile(char.IsDigit).ToArray());
            var clause = spec.Substring(digits.Length);
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= values.Count
                || (clause.Length > 0 && clause[0] != ',' && clause[0] != ':') || clause.IndexOf('{') >= 0)
            {
                return false;
            }

            if (literal.Length > 0)
            {
                segments.Add(SqlSegment.ForText(literal.ToString()));
                literal.Clear();
            }

            used[index] = true;
            segments.Add(SqlSegment.ForHole(values[index], values[index], clause));
            i = close;
        }

        if (literal.Length > 0)
        {
            segments.Add(SqlSegment.ForText(literal.ToString()));
        }

        return used.All(u => u);
    }
}
