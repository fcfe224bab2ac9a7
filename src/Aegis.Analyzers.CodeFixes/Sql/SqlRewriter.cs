using System.Collections.Immutable;
using System.Text;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Sql;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>What the tainted holes become.</summary>
internal enum SqlRewriteMode
{
    /// <summary>A placeholder in the text and a parameter added beside it (ADO.NET, Dapper).</summary>
    Placeholders,

    /// <summary>An interpolation hole that EF Core sends as a parameter (<c>FromSqlInterpolated</c> and friends).</summary>
    Interpolation,
}

/// <summary>One parameter the fix adds: its name, its placeholder in the SQL and the C# expression of its value.</summary>
internal sealed class SqlParameterPlan
{
    public SqlParameterPlan(string name, string placeholder, string value, ExpressionSyntax hole)
    {
        Name = name;
        Placeholder = placeholder;
        Value = value;
        Hole = hole;
    }

    public string Name { get; }

    /// <summary><c>@name</c>, <c>:name</c> or <c>?</c>.</summary>
    public string Placeholder { get; }

    public string Value { get; }

    public ExpressionSyntax Hole { get; }

    /// <summary>The value is the hole's own identifier, spelled like the name (Dapper writes <c>new { name }</c>).</summary>
    public bool IsProjection => Hole is IdentifierNameSyntax identifier && identifier.Identifier.Text == Name && Value == Name;
}

/// <summary>The rewritten SQL expression and the parameters it needs.</summary>
internal sealed class SqlRewrite
{
    public SqlRewrite(TextChange change, string newText, IReadOnlyList<SqlParameterPlan> parameters)
    {
        Change = change;
        NewText = newText;
        Parameters = parameters;
    }

    /// <summary>Replaces the SQL expression in the document.</summary>
    public TextChange Change { get; }

    public string NewText { get; }

    public IReadOnlyList<SqlParameterPlan> Parameters { get; }
}

/// <summary>
/// Rewrites a SQL template so that every tainted hole becomes a parameter, and proves the result: the new
/// expression is parsed again and its text, read back, must equal the old text with exactly the intended changes.
/// </summary>
internal static class SqlRewriter
{
    /// <summary>String methods that only reshape their receiver's text (the parameter is named after the receiver).</summary>
    public static readonly ImmutableHashSet<string> TextPreservingMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Trim", "TrimStart", "TrimEnd", "ToUpper", "ToLower", "ToUpperInvariant", "ToLowerInvariant", "ToString", "Normalize");

    private static readonly string[] ComparisonOperators = { "<=", ">=", "<>", "!=", "=", "<", ">" };

    /// <param name="moveTo">Where the parameter values will be evaluated (after the statement that sets the SQL), or null when they stay in place.</param>
    public static SqlRewrite? Rewrite(
        SqlTemplate template,
        SemanticModel model,
        SourceText text,
        SqlRewriteMode mode,
        string placeholderStyle,
        SqlParameterNames names,
        SyntaxNode body,
        int? moveTo,
        CancellationToken cancellationToken)
    {
        var segments = template.Segments;
        var evaluator = new SqlTextEvaluator(new SqlEvaluationTypes(KnownTypes.For(model.Compilation)), model, cancellationToken);
        foreach (var segment in segments)
        {
            if (segment.Hole is { } hole)
            {
                var constant = model.GetConstantValue(hole, cancellationToken);
                segment.ConstantText = constant.Value as string;
                segment.Kind = constant.HasValue ? SqlHoleKind.Constant
                    : evaluator.Evaluate(model.GetOperation(hole, cancellationToken)).IsTainted ? SqlHoleKind.Tainted
                    : SqlHoleKind.Safe;
            }
        }

        if (!segments.Any(s => s.Kind == SqlHoleKind.Tainted && s.Hole is not null))
        {
            return null;
        }

        var positional = placeholderStyle != "@name";
        foreach (var segment in segments)
        {
            if (segment.Text is not null)
            {
                names.ReservePlaceholdersIn(segment.Text);
                if (positional && mode == SqlRewriteMode.Placeholders && HasPlaceholderOutsideQuotes(segment.Text))
                {
                    // Positional binding: parameters already in the text would be bound out of order.
                    return null;
                }
            }
        }

        // Per tainted hole: what is cut from the text around it, and the parameter it becomes.
        var cuts = new (string Tail, string Head, SqlParameterPlan Parameter)?[segments.Count];
        var reuse = new Dictionary<string, SqlParameterPlan>(StringComparer.Ordinal);
        var parameters = new List<SqlParameterPlan>();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Hole is not { } hole)
            {
                continue;
            }

            if (segment.Kind != SqlHoleKind.Tainted)
            {
                if (mode == SqlRewriteMode.Interpolation && !StaysValidAsEfParameter(segments, i, model, text, cancellationToken))
                {
                    return null;
                }

                continue;
            }

            if (segment.FormatClause is { Length: > 0 } || QuotesAround(segments, i) is not { } quotes)
            {
                return null;
            }

            if (mode == SqlRewriteMode.Placeholders && !(IsMovable(hole) && NotWrittenBefore(hole, body, moveTo, model, cancellationToken)))
            {
                return null;
            }

            if (template.Form != SqlTemplateForm.Call && !SourceMatches(segments[i - 1], segments[i + 1], quotes.Tail, quotes.Head, text))
            {
                return null;
            }

            var value = ValueOf(hole, quotes.Prefix, quotes.Suffix, model, cancellationToken);
            var key = Normalized(value);
            if (mode == SqlRewriteMode.Placeholders && !positional && IsMovable(hole) && reuse.TryGetValue(key, out var same))
            {
                cuts[i] = (quotes.Tail, quotes.Head, same);
                continue;
            }

            if (mode == SqlRewriteMode.Interpolation && template.Form == SqlTemplateForm.Call && segments.Count(s => s.HoleNode == segment.HoleNode) > 1 && !IsMovable(hole))
            {
                // string.Format("{0} … {0}", F()) would evaluate F() twice once written as two holes.
                return null;
            }

            var name = mode == SqlRewriteMode.Placeholders ? names.Next(hole, quotes.Prefix.Length + quotes.Suffix.Length > 0) : string.Empty;
            var placeholder = placeholderStyle switch
            {
                "?" => "?",
                ":name" => ":" + name,
                _ => "@" + name,
            };
            var parameter = new SqlParameterPlan(name, placeholder, value, hole);
            reuse[key] = parameter;
            parameters.Add(parameter);
            cuts[i] = (quotes.Tail, quotes.Head, parameter);
        }

        // A text between two holes gives each of them its own quote; it never has to give more than it has.
        for (var i = 1; i + 1 < segments.Count; i++)
        {
            if (segments[i].Text is { } between && cuts[i - 1] is { } left && cuts[i + 1] is { } right && left.Head.Length + right.Tail.Length > between.Length)
            {
                return null;
            }
        }

        var expected = ExpectedShape(segments, cuts, mode);
        var newText = template.Form == SqlTemplateForm.Call || (mode == SqlRewriteMode.Interpolation && template.Form == SqlTemplateForm.Concatenation)
            ? Generate(segments, cuts, mode, template.HasFormatProvider)
            : EditInPlace(template, cuts, mode, text);
        var options = template.Expression.SyntaxTree.Options;
        var verified = template.Form == SqlTemplateForm.Builder
            ? mode == SqlRewriteMode.Placeholders && newText is not null && SqlTemplate.BuilderShape(newText, options) == expected
            : newText is not null && Verify(newText, expected, options, mode);
        if (!verified)
        {
            return null;
        }

        return new SqlRewrite(new TextChange(template.Span, newText!), newText!, parameters);
    }

    /// <summary>The quoted SQL string around hole <paramref name="index"/>: <c>N'P{x}S'</c> gives tail <c>N'P</c>, head <c>S'</c>.</summary>
    private static (string Tail, string Head, string Prefix, string Suffix)? QuotesAround(IReadOnlyList<SqlSegment> segments, int index)
    {
        if (index == 0 || index + 1 >= segments.Count || segments[index - 1].Text is not { } before || segments[index + 1].Text is not { } after)
        {
            return null;
        }

        var open = before.LastIndexOf('\'');
        var close = after.IndexOf('\'');
        if (open < 0 || close < 0 || (close + 1 < after.Length && after[close + 1] == '\''))
        {
            return null;
        }

        // The quote before the hole must open a SQL string: an even number of quotes precedes it (constants included).
        var quotesBefore = segments.Take(index - 1).Sum(s => (s.Text ?? s.ConstantText)?.Count(c => c == '\'') ?? 0) + before.Substring(0, open).Count(c => c == '\'');
        var prefix = before.Substring(open + 1);
        var suffix = after.Substring(0, close);
        if (quotesBefore % 2 != 0 || !IsPlainText(prefix) || !IsPlainText(suffix))
        {
            return null;
        }

        // N'…' (national string) loses its N together with the quotes.
        var start = open;
        if (open > 0 && (before[open - 1] == 'N' || before[open - 1] == 'n') && (open == 1 || !IsIdentifierChar(before[open - 2])))
        {
            start--;
        }

        return (before.Substring(start), after.Substring(0, close + 1), prefix, suffix);
    }

    private static bool IsPlainText(string text) => text.All(c => c >= ' ' && c != '\'' && c != '"' && c != '\\' && c != '{' && c != '}');

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool HasPlaceholderOutsideQuotes(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && (c == '?' || (c == ':' && i + 1 < text.Length && IsIdentifierChar(text[i + 1]) && (i == 0 || text[i - 1] != ':'))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text to cut is written in the source exactly as its value reads (no escape sequences).</summary>
    private static bool SourceMatches(SqlSegment before, SqlSegment after, string tail, string head, SourceText text)
    {
        if (!before.Editable || !after.Editable || before.ContentEnd - tail.Length < before.ContentStart || after.ContentStart + head.Length > after.ContentEnd)
        {
            return false;
        }

        return text.ToString(new TextSpan(before.ContentEnd - tail.Length, tail.Length)) == tail
            && text.ToString(new TextSpan(after.ContentStart, head.Length)) == head;
    }

    /// <summary>Moved values are names and member reads whose evaluation order cannot matter.</summary>
    internal static bool IsMovable(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax or ThisExpressionSyntax or LiteralExpressionSyntax => true,
        ParenthesizedExpressionSyntax parenthesized => IsMovable(parenthesized.Expression),
        MemberAccessExpressionSyntax access => IsMovable(access.Expression),
        ElementAccessExpressionSyntax element => IsMovable(element.Expression) && element.ArgumentList.Arguments.All(a => a.Expression is LiteralExpressionSyntax),
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation
            => TextPreservingMethods.Contains(access.Name.Identifier.ValueText) && IsMovable(access.Expression) && invocation.ArgumentList.Arguments.All(a => a.Expression is LiteralExpressionSyntax),
        _ => false,
    };

    /// <summary>No local or parameter the value reads is written between where it was read and where it will be.</summary>
    private static bool NotWrittenBefore(ExpressionSyntax hole, SyntaxNode body, int? moveTo, SemanticModel model, CancellationToken cancellationToken)
    {
        if (moveTo is not { } end)
        {
            return true;
        }

        var start = hole.Span.End;
        var read = hole.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Select(n => model.GetSymbolInfo(n, cancellationToken).Symbol)
            .Where(s => s is ILocalSymbol or IParameterSymbol)
            .ToList();
        if (read.Count == 0)
        {
            return true;
        }

        foreach (var node in body.DescendantNodes(new TextSpan(start, Math.Max(0, end - start))))
        {
            var written = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
                PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument => argument.Expression,
                _ => null,
            };
            if (written is not null && node.SpanStart >= start && node.Span.End <= end
                && model.GetSymbolInfo(written, cancellationToken).Symbol is { } symbol && read.Contains(symbol, SymbolEqualityComparer.Default))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// EF sends every hole as a parameter: a hole the analyzer finds safe may stay only where a parameter means the same —
    /// a string constant (written into the text instead) or an integer compared with <c>=</c>, <c>&lt;</c>, <c>&gt;</c>….
    /// </summary>
    private static bool StaysValidAsEfParameter(IReadOnlyList<SqlSegment> segments, int index, SemanticModel model, SourceText text, CancellationToken cancellationToken)
    {
        var segment = segments[index];
        var hole = segment.Hole!;
        if (segment.ConstantText is not null && segment.FormatClause is { Length: 0 })
        {
            return true;
        }

        var type = model.GetTypeInfo(hole, cancellationToken).Type;
        var integral = type?.SpecialType is SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64
            or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Byte or SpecialType.System_SByte;
        var before = index > 0 ? segments[index - 1].Text?.TrimEnd() : null;
        return integral && segment.FormatClause is { Length: 0 } && before is not null && ComparisonOperators.Any(op => before.EndsWith(op, StringComparison.Ordinal));
    }

    /// <summary>The parameter's value: the hole, with the text that was inside the SQL quotes around it, and <c>?? ""</c> where null was written as empty text.</summary>
    private static string ValueOf(ExpressionSyntax hole, string prefix, string suffix, SemanticModel model, CancellationToken cancellationToken)
    {
        var core = hole.ToString();
        var primary = hole is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax
            or LiteralExpressionSyntax or ParenthesizedExpressionSyntax or ThisExpressionSyntax or ConditionalAccessExpressionSyntax;
        if (prefix.Length > 0 || suffix.Length > 0)
        {
            var parts = new List<string>();
            if (prefix.Length > 0)
            {
                parts.Add(SymbolDisplay.FormatLiteral(prefix, quote: true));
            }

            parts.Add(primary ? core : "(" + core + ")");
            if (suffix.Length > 0)
            {
                parts.Add(SymbolDisplay.FormatLiteral(suffix, quote: true));
            }

            return string.Join(" + ", parts);
        }

        var info = model.GetTypeInfo(hole, cancellationToken);
        if (info.Type?.SpecialType == SpecialType.System_String && info.Nullability.FlowState == NullableFlowState.MaybeNull)
        {
            return (primary ? core : "(" + core + ")") + " ?? \"\"";
        }

        return core;
    }

    private static string Normalized(string expression) => new(expression.Where(c => !char.IsWhiteSpace(c)).ToArray());

    /// <summary>The template's text after the rewrite, holes marked as in <see cref="SqlTemplate.Shape"/>.</summary>
    private static string ExpectedShape(IReadOnlyList<SqlSegment> segments, (string Tail, string Head, SqlParameterPlan Parameter)?[] cuts, SqlRewriteMode mode)
    {
        var shape = new StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Text is { } value)
            {
                var start = i > 0 && cuts[i - 1] is { } previous ? previous.Head.Length : 0;
                var end = i + 1 < segments.Count && cuts[i + 1] is { } next ? next.Tail.Length : 0;
                shape.Append(value, start, value.Length - start - end);
            }
            else if (cuts[i] is { } cut)
            {
                if (mode == SqlRewriteMode.Placeholders)
                {
                    shape.Append(cut.Parameter.Placeholder);
                }
                else
                {
                    shape.Append('\u0001').Append(SqlTemplate.HoleShape(cut.Parameter.Value, string.Empty)).Append('\u0001');
                }
            }
            else if (mode == SqlRewriteMode.Interpolation && segment.ConstantText is not null)
            {
                shape.Append(segment.ConstantText!);
            }
            else
            {
                shape.Append('\u0001').Append(SqlTemplate.HoleShape(segment.Hole!.ToString(), segment.FormatClause)).Append('\u0001');
            }
        }

        return shape.ToString();
    }

    /// <summary>Edits the expression's own source: the quoted hole becomes the placeholder (or an EF hole); everything else stays byte for byte.</summary>
    private static string? EditInPlace(SqlTemplate template, (string Tail, string Head, SqlParameterPlan Parameter)?[] cuts, SqlRewriteMode mode, SourceText text)
    {
        var segments = template.Segments;
        var changes = new List<TextChange>();
        for (var i = 0; i < segments.Count; i++)
        {
            if (cuts[i] is { } cut)
            {
                var span = TextSpan.FromBounds(segments[i - 1].ContentEnd - cut.Tail.Length, segments[i + 1].ContentStart + cut.Head.Length);
                if (template.Expression.SyntaxTree.GetRoot().DescendantTokens(span).Any(t => t.Span.IntersectsWith(span) && (HasComment(t.LeadingTrivia) || HasComment(t.TrailingTrivia))))
                {
                    return null;
                }

                changes.Add(new TextChange(span, mode == SqlRewriteMode.Placeholders ? cut.Parameter.Placeholder : "{" + cut.Parameter.Value + "}"));
            }
            else if (mode == SqlRewriteMode.Interpolation && segments[i].ConstantText is not null && segments[i].HoleNode is InterpolationSyntax interpolation)
            {
                var escaped = EscapeFor((InterpolatedStringExpressionSyntax)interpolation.Parent!, segments[i].ConstantText!);
                if (escaped is null)
                {
                    return null;
                }

                changes.Add(new TextChange(interpolation.Span, escaped));
            }
        }

        // Every hole gone from `$"…"`: the `$` goes too, and `{{ }}` become plain braces again.
        if (mode == SqlRewriteMode.Placeholders && template.Expression is InterpolatedStringExpressionSyntax whole
            && Enumerable.Range(0, segments.Count).All(i => segments[i].Hole is null || cuts[i] is not null))
        {
            var start = whole.StringStartToken;
            var dollars = start.Text.Count(c => c == '$');
            changes.Add(new TextChange(start.Span, start.Text.Replace("$", string.Empty)));
            if (dollars == 1)
            {
                foreach (var content in whole.Contents.OfType<InterpolatedStringTextSyntax>())
                {
                    var token = content.TextToken;
                    for (var at = token.Text.IndexOf("{{", StringComparison.Ordinal); at >= 0; at = token.Text.IndexOf("{{", at + 2, StringComparison.Ordinal))
                    {
                        changes.Add(new TextChange(new TextSpan(token.SpanStart + at, 2), "{"));
                    }

                    for (var at = token.Text.IndexOf("}}", StringComparison.Ordinal); at >= 0; at = token.Text.IndexOf("}}", at + 2, StringComparison.Ordinal))
                    {
                        changes.Add(new TextChange(new TextSpan(token.SpanStart + at, 2), "}"));
                    }
                }
            }
        }

        var expressionSpan = template.Span;
        var original = text.GetSubText(expressionSpan);
        var relative = changes
            .Where(c => !changes.Any(other => !ReferenceEquals(other, c) && other.Span.Contains(c.Span) && other.Span != c.Span))
            .OrderBy(c => c.Span.Start)
            .Select(c => new TextChange(new TextSpan(c.Span.Start - expressionSpan.Start, c.Span.Length), c.NewText!))
            .ToList();
        for (var i = 1; i < relative.Count; i++)
        {
            if (relative[i].Span.Start < relative[i - 1].Span.End)
            {
                return null;
            }
        }

        return original.WithChanges(relative).ToString();
    }

    private static bool HasComment(SyntaxTriviaList trivia) => trivia.Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia));

    /// <summary>A constant's text written inside the interpolated string as literal text; null when the string kind cannot hold it as is.</summary>
    private static string? EscapeFor(InterpolatedStringExpressionSyntax interpolated, string value)
    {
        var start = interpolated.StringStartToken.Text;
        var dollars = start.Count(c => c == '$');
        if (start.Contains("\"\"\""))
        {
            return dollars == 1 && value.All(c => c != '"' && c != '\n' && c != '\r') ? value.Replace("{", "{{").Replace("}", "}}")
                : value.All(c => c != '"' && c != '\n' && c != '\r' && c != '{' && c != '}') ? value : null;
        }

        if (start.Contains("@"))
        {
            return value.Replace("\"", "\"\"").Replace("{", "{{").Replace("}", "}}");
        }

        return EscapeRegular(value, interpolated: true);
    }

    private static string EscapeRegular(string value, bool interpolated)
    {
        var literal = SymbolDisplay.FormatLiteral(value, quote: false);
        return interpolated ? literal.Replace("{", "{{").Replace("}", "}}") : literal;
    }

    /// <summary>A new regular string: <c>$"…"</c> when holes remain, else <c>"…"</c>.</summary>
    private static string? Generate(IReadOnlyList<SqlSegment> segments, (string Tail, string Head, SqlParameterPlan Parameter)?[] cuts, SqlRewriteMode mode, bool formatProvider)
    {
        var pieces = new List<(string? Text, string? Hole)>();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Text is { } value)
            {
                var start = i > 0 && cuts[i - 1] is { } previous ? previous.Head.Length : 0;
                var end = i + 1 < segments.Count && cuts[i + 1] is { } next ? next.Tail.Length : 0;
                pieces.Add((value.Substring(start, value.Length - start - end), null));
            }
            else if (cuts[i] is { } cut)
            {
                pieces.Add(mode == SqlRewriteMode.Placeholders ? (cut.Parameter.Placeholder, null) : (null, cut.Parameter.Value));
            }
            else if (mode == SqlRewriteMode.Interpolation && segment.ConstantText is not null)
            {
                pieces.Add((segment.ConstantText, null));
            }
            else
            {
                if (formatProvider && segment.Kind != SqlHoleKind.Constant)
                {
                    return null;
                }

                var expression = segment.Hole!.ToString();
                var needsParentheses = segment.Hole is ConditionalExpressionSyntax || expression.IndexOf(':') >= 0;
                pieces.Add((null, (needsParentheses ? "(" + expression + ")" : expression) + segment.FormatClause));
            }
        }

        var interpolated = pieces.Any(p => p.Hole is not null);
        var builder = new StringBuilder(interpolated ? "$\"" : "\"");
        foreach (var (text, hole) in pieces)
        {
            builder.Append(text is not null ? EscapeRegular(text, interpolated) : "{" + hole + "}");
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The rewritten expression parses cleanly and reads back as the intended SQL.</summary>
    private static bool Verify(string newText, string expected, ParseOptions options, SqlRewriteMode mode)
    {
        var parsed = SyntaxFactory.ParseExpression(newText, 0, options);
        if (parsed.ContainsDiagnostics || parsed.FullSpan.Length != newText.Length)
        {
            return false;
        }

        if (parsed is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal)
        {
            return literal.Token.ValueText == expected;
        }

        if (mode == SqlRewriteMode.Interpolation && parsed is not InterpolatedStringExpressionSyntax)
        {
            return false;
        }

        return SqlTemplate.Read(parsed, null)?.Shape() == expected;
    }
}
