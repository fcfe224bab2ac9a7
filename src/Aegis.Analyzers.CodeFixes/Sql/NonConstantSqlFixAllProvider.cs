using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>
/// FixAll for AEG001, one pass per document like <c>DocumentFixAllProvider</c>, but also without an equivalence key:
/// <c>dotnet format analyzers</c> passes the key of the first action of the first diagnostic it meets, or null when
/// that diagnostic has no fix (a <c>needs-human-review</c> finding). Each AEG001 diagnostic has at most one fix, so
/// the key never chooses between alternatives and every finding can be fixed with its own variant.
/// </summary>
internal sealed class NonConstantSqlFixAllProvider : DocumentBasedFixAllProvider
{
    public delegate Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken);

    private readonly FixDocumentAsync fix;

    public NonConstantSqlFixAllProvider(FixDocumentAsync fix) => this.fix = fix;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        => diagnostics.IsEmpty
            ? document
            : await fix(document, diagnostics, fixAllContext.CodeActionEquivalenceKey, fixAllContext.CancellationToken).ConfigureAwait(false);
}
