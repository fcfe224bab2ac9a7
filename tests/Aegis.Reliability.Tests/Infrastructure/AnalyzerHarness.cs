using System.Collections.Concurrent;
using System.Collections.Immutable;
using Aegis.Engine.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Reliability.Tests.Infrastructure;

/// <summary>What one run of every Aegis analyzer and code fix over some sources produced.</summary>
public sealed class HarnessOutcome
{
    public int Diagnostics { get; set; }

    public int FixesApplied { get; set; }

    public int FixAllsApplied { get; set; }

    /// <summary>Every analyzer exception (the AD0001 payload) and every fixer exception, with where it happened.</summary>
    public ConcurrentBag<string> Failures { get; } = new();
}

/// <summary>
/// Runs every shipped Aegis analyzer (CompilationWithAnalyzers with an onAnalyzerException callback) over a set of
/// sources, then every code action every Aegis fixer registers for every reported diagnostic, and each fixer's
/// FixAll (document and project scope) per equivalence key. Collects exceptions instead of throwing them.
/// </summary>
public static class AnalyzerHarness
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> LazyReferences = new(() =>
    {
        var list = Path.Combine(AppContext.BaseDirectory, "snippet-references.txt");
        return File.ReadAllLines(list).Where(l => l.Length > 0).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    /// <summary>.NET 10 BCL, ASP.NET Core, Dapper, Npgsql, Microsoft.Data.Sqlite, EF Core (reference assemblies).</summary>
    public static IReadOnlyList<MetadataReference> References => LazyReferences.Value;

    /// <summary>Only the core library, as an editor shows a project whose references did not restore.</summary>
    public static IReadOnlyList<MetadataReference> CoreOnly => References.Where(r => Path.GetFileName(r.Display) == "System.Runtime.dll").ToArray();

    public static AnalyzerCatalog Catalog => AnalyzerCatalog.Default;

    public static async Task<HarnessOutcome> RunAsync(IReadOnlyList<(string Path, string Text)> sources, IReadOnlyList<MetadataReference> references, bool applyFixes, CancellationToken cancellationToken, int maxActionsPerRule = int.MaxValue, HarnessOutcome? outcome = null)
    {
        outcome ??= new HarnessOutcome();
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var info = ProjectInfo.Create(projectId, VersionStamp.Default, "Fuzzed", "Fuzzed", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true),
            parseOptions: parse, metadataReferences: references);
        var solution = workspace.CurrentSolution.AddProject(info);
        foreach (var (path, text) in sources)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), Path.GetFileName(path), SourceText.From(text, System.Text.Encoding.UTF8), filePath: path);
        }

        var project = solution.GetProject(projectId)!;
        var diagnostics = await AnalyzeAsync(project, outcome, "analysis", cancellationToken);
        outcome.Diagnostics += diagnostics.Length;
        if (!applyFixes)
        {
            return outcome;
        }

        var keysByFixer = new Dictionary<CodeFixProvider, SortedSet<string>>();
        var perRule = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var diagnostic in diagnostics)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = project.GetDocument(diagnostic.Location.SourceTree!);
            if (document is null)
            {
                continue;
            }

            foreach (var fixer in Catalog.FixersFor(diagnostic.Id))
            {
                perRule.TryGetValue(diagnostic.Id, out var done);
                if (done >= maxActionsPerRule)
                {
                    continue;
                }

                var where = $"{fixer.GetType().Name} for {diagnostic.Id} at {diagnostic.Location.GetLineSpan()}";
                var actions = new List<CodeAction>();
                try
                {
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    outcome.Failures.Add("register " + where + ": " + exception);
                    continue;
                }

                foreach (var action in actions.SelectMany(Flatten))
                {
                    perRule[diagnostic.Id] = ++done;
                    try
                    {
                        foreach (var operation in await action.GetOperationsAsync(cancellationToken))
                        {
                            if (operation is ApplyChangesOperation apply)
                            {
                                // The changed documents must be readable: a fixer that produces a broken tree throws here.
                                foreach (var changed in apply.ChangedSolution.GetChanges(project.Solution).GetProjectChanges().SelectMany(c => c.GetChangedDocuments()))
                                {
                                    _ = await apply.ChangedSolution.GetDocument(changed)!.GetTextAsync(cancellationToken);
                                }
                            }
                        }

                        outcome.FixesApplied++;
                        if (action.EquivalenceKey is { } key)
                        {
                            if (!keysByFixer.TryGetValue(fixer, out var keys))
                            {
                                keysByFixer[fixer] = keys = new SortedSet<string>(StringComparer.Ordinal);
                            }

                            keys.Add(key);
                        }
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        outcome.Failures.Add("apply '" + action.Title + "' " + where + ": " + exception);
                    }
                }
            }
        }

        foreach (var (fixer, keys) in keysByFixer)
        {
            var fixAll = fixer.GetFixAllProvider();
            if (fixAll is null)
            {
                continue;
            }

            var fixable = diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
            var provider = new Provider(fixable);
            foreach (var key in keys)
            {
                foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project })
                {
                    var first = fixable.FirstOrDefault(d => project.GetDocument(d.Location.SourceTree!) is not null);
                    if (first is null)
                    {
                        continue;
                    }

                    var document = project.GetDocument(first.Location.SourceTree!)!;
                    try
                    {
                        var action = await fixAll.GetFixAsync(new FixAllContext(document, fixer, scope, key, fixer.FixableDiagnosticIds, provider, cancellationToken));
                        if (action is not null)
                        {
                            _ = await action.GetOperationsAsync(cancellationToken);
                            outcome.FixAllsApplied++;
                        }
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        outcome.Failures.Add($"FixAll {scope} '{key}' {fixer.GetType().Name}: {exception}");
                    }
                }
            }
        }

        return outcome;
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, HarnessOutcome outcome, string phase, CancellationToken cancellationToken)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken))!;
        var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions,
            onAnalyzerException: (exception, analyzer, diagnostic) => outcome.Failures.Add($"{phase}: {analyzer.GetType().Name} threw {exception}"),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(Catalog.Analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken);
        foreach (var ad0001 in diagnostics.Where(d => d.Id == "AD0001"))
        {
            outcome.Failures.Add($"{phase}: {ad0001}");
        }

        return diagnostics.Where(d => d.Id.StartsWith("AEG", StringComparison.Ordinal) && d.Location.IsInSource)
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action)
        => action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Flatten);

    private sealed class Provider(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
