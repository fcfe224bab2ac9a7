using System.Collections.Immutable;
using System.Composition;
using Aegis.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>
/// AEG001: passes the values of SQL built from strings as parameters, in the style the diagnostic's properties name
/// (the repository's own): ADO.NET <c>Parameters</c>, a Dapper parameter object, or EF Core's interpolated APIs.
/// Every change is planned, re-parsed and compared with the original SQL before the fix is offered.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NonConstantSqlCodeFixProvider))]
[Shared]
public sealed class NonConstantSqlCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.NonConstantSql);

    public override FixAllProvider GetFixAllProvider() => new DocumentFixAllProvider(FixDocumentAsync, Recommended);

    /// <summary>A finding has at most one variant: its library decides (needs-human-review has none).</summary>
    private static IReadOnlyList<string> Recommended(Diagnostic diagnostic)
        => KeyOf(diagnostic) is { } key ? new[] { key } : Array.Empty<string>();

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        var newLine = DocumentNewLine.Of(await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false));
        var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (KeyOf(diagnostic) is not { } key
                || Plan(root, model, text, diagnostic, newLine, new HashSet<string>(StringComparer.Ordinal), context.CancellationToken) is not { Changes.Count: > 0 })
            {
                continue;
            }

            var title = key switch
            {
                EquivalenceKeys.ParameterizeAdo => "Pass the values as command parameters",
                EquivalenceKeys.ParameterizeDapper => "Pass the values as Dapper parameters",
                _ => "Use the interpolated EF Core method (values become parameters)",
            };
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), DocumentFixAllProvider.Only(key), ct), key),
                diagnostic);
        }
    }

    private static string? KeyOf(Diagnostic diagnostic)
    {
        diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.RemediationStrategy, out var remediation);
        return remediation switch
        {
            RemediationStrategies.ParameterizeAdo => EquivalenceKeys.ParameterizeAdo,
            RemediationStrategies.ParameterizeDapper => EquivalenceKeys.ParameterizeDapper,
            RemediationStrategies.EfInterpolated => EquivalenceKeys.EfInterpolated,
            _ => null,
        };
    }

    /// <summary>Applies every AEG001 diagnostic of one document, in source order, each whose variant is among its <paramref name="variants"/>.</summary>
    private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, Func<Diagnostic, IReadOnlyList<string>> variants, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var newLine = DocumentNewLine.Of(text);
        var changes = new List<TextChange>();
        var usings = new SortedSet<string>(StringComparer.Ordinal);
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (KeyOf(diagnostic) is not { } key || !variants(diagnostic).Contains(key) || Plan(root, model, text, diagnostic, newLine, reserved, cancellationToken) is not { } plan)
            {
                continue;
            }

            // Two fixes never edit the same text; an insertion point shared by two fixes keeps their order.
            if (plan.Changes.Any(c => changes.Any(o => Conflict(o.Span, c.Span))))
            {
                continue;
            }

            changes.AddRange(plan.Changes);
            usings.UnionWith(plan.Usings);
        }

        if (changes.Count == 0)
        {
            return document;
        }

        var merged = changes
            .Select((change, order) => (change, order))
            .GroupBy(c => c.change.Span)
            .Select(g => new TextChange(g.Key, string.Concat(g.OrderBy(c => c.order).Select(c => c.change.NewText))))
            .OrderBy(c => c.Span.Start)
            .ToList();
        var changed = document.WithText(text.WithChanges(merged));
        if (usings.Count == 0)
        {
            return changed;
        }

        var newRoot = (CompilationUnitSyntax?)await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (newRoot is null)
        {
            return changed;
        }

        foreach (var ns in usings)
        {
            newRoot = UsingDirectives.Add(newRoot, ns, newLine, inScope: false);
        }

        return changed.WithSyntaxRoot(newRoot);
    }

    private static bool Conflict(TextSpan a, TextSpan b)
        => a.Length > 0 && b.Length > 0 ? a.OverlapsWith(b)
            : a.Length == 0 && b.Length == 0 ? false
            : a.Length == 0 ? b.Start < a.Start && a.Start < b.End
            : a.Start < b.Start && b.Start < a.End;

    /// <summary>The changes that fix <paramref name="diagnostic"/>; null when no provably equivalent rewrite exists.</summary>
    private static SqlFixPlan? Plan(SyntaxNode root, SemanticModel model, SourceText text, Diagnostic diagnostic, string newLine, HashSet<string> reserved, CancellationToken cancellationToken)
    {
        var span = diagnostic.Location.SourceSpan;
        if (!root.FullSpan.Contains(span))
        {
            return null;
        }

        var sink = root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == span);
        if (sink is null || SqlFixSyntax.Body(sink) is not { } body)
        {
            return null;
        }

        var properties = diagnostic.Properties;
        properties.TryGetValue(DiagnosticPropertyNames.SinkKind, out var sinkKind);
        properties.TryGetValue(DiagnosticPropertyNames.PlaceholderStyle, out var placeholder);
        properties.TryGetValue(DiagnosticPropertyNames.ParameterStyle, out var style);
        var source = SqlSource.Find(sink, body, model, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var context = new SqlFixContext(model, text, newLine, body, source, placeholder ?? "@name", style, reserved, cancellationToken);
        return KeyOf(diagnostic) switch
        {
            EquivalenceKeys.ParameterizeAdo when sinkKind is "command_text" or "command_constructor" => AdoParameters.Plan(context),
            EquivalenceKeys.ParameterizeDapper when sinkKind == "dapper" => DapperParameters.Plan(context),
            EquivalenceKeys.EfInterpolated when sinkKind == "ef_raw" => EfInterpolation.Plan(context),
            _ => null,
        };
    }
}

/// <summary>Where the SQL is written: at the sink, or in a local that only the sink reads.</summary>
internal sealed class SqlSource
{
    private SqlSource(ExpressionSyntax sink, ExpressionSyntax expression, LocalDeclarationStatementSyntax? local)
    {
        Sink = sink;
        Expression = expression;
        Local = local;
    }

    /// <summary>The expression the sink receives.</summary>
    public ExpressionSyntax Sink { get; }

    /// <summary>The expression that builds the SQL: the sink's own, or the local's initializer.</summary>
    public ExpressionSyntax Expression { get; }

    /// <summary>The local's declaration when the SQL is built in one.</summary>
    public LocalDeclarationStatementSyntax? Local { get; }

    public static SqlSource? Find(ExpressionSyntax sink, SyntaxNode body, SemanticModel model, CancellationToken cancellationToken)
    {
        var inner = sink;
        while (inner is ParenthesizedExpressionSyntax parenthesized)
        {
            inner = parenthesized.Expression;
        }

        if (inner is not IdentifierNameSyntax identifier)
        {
            return new SqlSource(sink, sink, null);
        }

        if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is not ILocalSymbol local
            || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator
            || declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration
            || declaration.Parent is not LocalDeclarationStatementSyntax statement
            || !statement.UsingKeyword.IsKind(SyntaxKind.None) || statement.IsConst
            || SqlFixSyntax.Body(statement) != body || statement.SpanStart > sink.SpanStart)
        {
            return null;
        }

        // The local is read once, by the sink, and never written: its text is the sink's text.
        var uses = body.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, local))
            .ToList();
        return uses.Count == 1 && uses[0] == identifier ? new SqlSource(sink, initializer, statement) : null;
    }
}

/// <summary>Everything a sink-specific planner needs.</summary>
internal sealed class SqlFixContext
{
    public SqlFixContext(SemanticModel model, SourceText text, string newLine, SyntaxNode body, SqlSource source, string placeholderStyle, string? parameterStyle, HashSet<string> reserved, CancellationToken cancellationToken)
    {
        Model = model;
        Text = text;
        NewLine = newLine;
        Body = body;
        Source = source;
        PlaceholderStyle = placeholderStyle;
        ParameterStyle = parameterStyle;
        Reserved = reserved;
        CancellationToken = cancellationToken;
    }

    public SemanticModel Model { get; }

    public SourceText Text { get; }

    public string NewLine { get; }

    public SyntaxNode Body { get; }

    public SqlSource Source { get; }

    public string PlaceholderStyle { get; }

    public string? ParameterStyle { get; }

    /// <summary>Local names taken by earlier fixes of the same FixAll pass (one at a time, they would be in the code already).</summary>
    public HashSet<string> Reserved { get; }

    public CancellationToken CancellationToken { get; }

    public ParseOptions ParseOptions => Source.Sink.SyntaxTree.Options;

    public SqlRewrite? Rewrite(SqlRewriteMode mode, IEnumerable<string> existingNames, int? moveTo)
    {
        var template = SqlTemplate.Read(Source.Expression, Model);
        return template is null
            ? null
            : SqlRewriter.Rewrite(template, Model, Text, mode, PlaceholderStyle, new SqlParameterNames(existingNames), Body, moveTo, CancellationToken);
    }

    public HashSet<string> TakenLocals(SyntaxNode node)
    {
        var taken = SqlFixSyntax.IdentifiersAround(node);
        taken.UnionWith(Reserved);
        return taken;
    }

    public IOperation? Operation(SyntaxNode node) => Model.GetOperation(node, CancellationToken);
}
