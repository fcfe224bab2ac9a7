using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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
    private SqlTemplate(ExpressionSyntax expression, SqlTemplateForm form, IReadOnlyList<SqlSegment> segments, bool formatProvider)
    {
        Expression = expression;
        Form = form;
        Segments = segments;
        HasFormatProvider = formatProvider;
    }

    public ExpressionSyntax Expression { get; }

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
