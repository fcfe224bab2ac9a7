using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Aegis.Analyzers.CodeFixes.Infrastructure;

/// <summary>
/// FixAll as one pass per document: every fix of a document is applied by the same code that applies one, so
/// fixes that touch one method or one using list compose instead of conflicting.
/// </summary>
internal sealed class DocumentFixAllProvider : DocumentBasedFixAllProvider
{
    public delegate Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string equivalenceKey, CancellationToken cancellationToken);

    private readonly FixDocumentAsync fix;

    public DocumentFixAllProvider(FixDocumentAsync fix) => this.fix = fix;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        => diagnostics.IsEmpty || fixAllContext.CodeActionEquivalenceKey is null
            ? document
            : await fix(document, diagnostics, fixAllContext.CodeActionEquivalenceKey, fixAllContext.CancellationToken).ConfigureAwait(false);
}
