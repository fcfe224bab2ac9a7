using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Aegis.Analyzers.CodeFixes.Infrastructure;

/// <summary>
/// FixAll as one pass per document: every fix of a document is applied by the same code that applies one, so
/// fixes that touch one method or one using list compose instead of conflicting.
/// </summary>
/// <remarks>
/// A FixAll request names one equivalence key, but a rule's findings need different variants (a controller gets
/// <c>[Authorize]</c>, a minimal API <c>.RequireAuthorization()</c>; Dapper and ADO.NET sinks parameterize differently).
/// <c>dotnet format</c> passes the key of the first finding's first fix — or none when that finding has no fix — so
/// FixAll applies each finding's own recommended variants, in order, unless the key is an opt-in variant (such as
/// <c>AllowAnonymous</c>) that a person asked for explicitly.
/// </remarks>
internal sealed class DocumentFixAllProvider : DocumentBasedFixAllProvider
{
    /// <summary>Applies each diagnostic with the first of its variants that applies; skips it when none does.</summary>
    public delegate Task<Document> FixDocumentAsync(
        Document document,
        ImmutableArray<Diagnostic> diagnostics,
        Func<Diagnostic, IReadOnlyList<string>> variants,
        CancellationToken cancellationToken);

    private readonly FixDocumentAsync fix;
    private readonly Func<Diagnostic, IReadOnlyList<string>> recommended;
    private readonly ImmutableHashSet<string> optInKeys;

    public DocumentFixAllProvider(FixDocumentAsync fix, Func<Diagnostic, IReadOnlyList<string>> recommended, params string[] optInKeys)
    {
        this.fix = fix;
        this.recommended = recommended;
        this.optInKeys = ImmutableHashSet.Create(StringComparer.Ordinal, optInKeys);
    }

    /// <summary>The variants for a single fix: exactly the one the user picked.</summary>
    public static Func<Diagnostic, IReadOnlyList<string>> Only(string key)
    {
        var keys = new[] { key };
        return _ => keys;
    }

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        if (diagnostics.IsEmpty)
        {
            return document;
        }

        var key = fixAllContext.CodeActionEquivalenceKey;
        var variants = key is not null && optInKeys.Contains(key) ? Only(key) : recommended;
        return await fix(document, diagnostics, variants, fixAllContext.CancellationToken).ConfigureAwait(false);
    }
}
