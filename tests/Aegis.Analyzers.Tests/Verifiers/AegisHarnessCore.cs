using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// What <see cref="AegisAnalyzerTest{TAnalyzer}"/> and <see cref="AegisCodeFixTest{TAnalyzer, TCodeFix}"/> add to the
/// standard harness: the snippet references instead of a reference-pack download, the SDK's compilation defaults,
/// editorconfig severities left in force, and the checks the framework lacks (the editor's per-document analysis,
/// messages and properties, no fix offered at all, no new compiler warning in fixed code).
/// </summary>
internal sealed class AegisHarnessCore
{
    /// <summary>
    /// No reference-assembly package and no packages: resolving it downloads nothing (it returns an empty list), so
    /// snippets compile only against <see cref="SnippetReferences.All"/>. One instance, so it is resolved once.
    /// </summary>
    public static readonly ReferenceAssemblies NoDownloadedReferences = new("net10.0");

    /// <summary>
    /// What the SDK's default NoWarn silences: assembly-version unification (Dapper and Microsoft.Data.Sqlite are built
    /// against older framework assemblies), so snippets compile as they would in a project.
    /// </summary>
    private static readonly ImmutableDictionary<string, ReportDiagnostic> SdkNoWarn = ImmutableDictionary.CreateRange(new[]
    {
        KeyValuePair.Create("CS1701", ReportDiagnostic.Suppress),
        KeyValuePair.Create("CS1702", ReportDiagnostic.Suppress),
    });

    private readonly object gate = new();
    private Project? firstProject;
    private CompilationWithAnalyzers? firstAnalysis;

    public AegisHarnessCore(IReadOnlyList<DiagnosticAnalyzer> analyzers, LanguageVersion languageVersion)
    {
        Analyzers = analyzers;
        LanguageVersion = languageVersion;
    }

    public IReadOnlyList<DiagnosticAnalyzer> Analyzers { get; }

    public LanguageVersion LanguageVersion { get; }

    /// <summary>Checks on every analyzer diagnostic, in source order.</summary>
    public List<Action<Diagnostic>> Checks { get; } = new();

    /// <summary>Checks on the diagnostic at an index (source order).</summary>
    public Dictionary<int, List<Action<Diagnostic>>> ChecksByIndex { get; } = new();

    /// <summary>The diagnostics are reported but no fix at all may be offered for any of them.</summary>
    public bool ExpectNoFix { get; set; }

    /// <summary>Every document's expected text after one fix at a time, and after FixAll (null: not checked).</summary>
    public IReadOnlyList<(string Path, string Text)>? FixedTexts { get; set; }

    public IReadOnlyList<(string Path, string Text)>? BatchFixedTexts { get; set; }

    /// <summary>The key FixAll is asked with where it differs from the single fix's (a null key: as <c>dotnet format</c> asks).</summary>
    public Optional<string?> BatchEquivalenceKey { get; set; }

    /// <summary>The analyzer diagnostics of the input, in source order, once the run has passed.</summary>
    public IReadOnlyList<Diagnostic> Reported { get; private set; } = Array.Empty<Diagnostic>();

    public void Configure(AnalyzerTest<DefaultVerifier> test)
    {
        test.ReferenceAssemblies = NoDownloadedReferences;
        test.TestState.AdditionalReferences.AddRange(SnippetReferences.All);
        test.TestState.DocumentationMode = DocumentationMode.Diagnose;

        // The markup is parsed by AnalyzerTest (TestMarkup): the framework sees plain text and explicit results.
        test.TestState.MarkupHandling = MarkupMode.None;
    }

    /// <summary>
    /// A workspace on Roslyn's default host (the Workspaces layer, as <c>dotnet format</c> has) instead of the
    /// framework's own composition per project: a fix test creates a project for every fix mode and state.
    /// </summary>
    public static Task<Workspace> CreateWorkspaceAsync() => Task.FromResult<Workspace>(new AdhocWorkspace());

    public CompilationOptions CompilationOptions()
        => new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(SdkNoWarn);

    public ParseOptions ParseOptions() => new CSharpParseOptions(LanguageVersion, DocumentationMode.Diagnose);

    /// <summary>
    /// Analyzer exceptions are errors (AD0001) and disabled diagnostics are off, as in the framework; unlike it, the
    /// rules' own IDs get no compilation-level option, which would override a <c>dotnet_diagnostic.ID.severity</c>
    /// from .editorconfig (a rule raised to error must come out as an error).
    /// </summary>
    public Project ApplyCompilationOptions(Project project, IEnumerable<string> disabledDiagnostics)
    {
        var options = project.CompilationOptions!;
        var specific = options.SpecificDiagnosticOptions.SetItem("AD0001", ReportDiagnostic.Error);
        foreach (var id in disabledDiagnostics)
        {
            specific = specific.SetItem(id, ReportDiagnostic.Suppress);
        }

        return project.WithCompilationOptions(options.WithSpecificDiagnosticOptions(specific));
    }

    /// <summary>Gives every project the path a real one has, and keeps the first (the input) for the extra checks.</summary>
    public Project Created(Project project)
    {
        project = project.Solution.WithProjectFilePath(project.Id, "/0/TestProject.csproj").GetProject(project.Id)!;
        lock (gate)
        {
            firstProject ??= project;
        }

        return project;
    }

    /// <summary>Keeps the first analysis, the input's: the checks below reuse its results.</summary>
    public CompilationWithAnalyzers Analyzing(CompilationWithAnalyzers analysis)
    {
        lock (gate)
        {
            firstAnalysis ??= analysis;
        }

        return analysis;
    }

    /// <summary>Runs after the framework has matched the input's diagnostics with the markup.</summary>
    public async Task CheckAfterRunAsync(CancellationToken cancellationToken)
    {
        var analysis = firstAnalysis ?? throw new InvalidOperationException("The framework analyzed nothing.");
        Reported = Sort((await analysis.GetAnalyzerDiagnosticsAsync(cancellationToken)).Where(d => !d.IsSuppressed));
        await CompareWithPerDocumentAnalysisAsync(analysis, cancellationToken);

        foreach (var diagnostic in Reported)
        {
            Checks.ForEach(check => check(diagnostic));
        }

        foreach (var (index, checks) in ChecksByIndex)
        {
            Assert.True(index < Reported.Count, $"No diagnostic #{index}: only {Reported.Count} reported.");
            checks.ForEach(check => check(Reported[index]));
        }
    }

    /// <summary>Runs after the framework has checked the fixed texts (one at a time and FixAll in every scope).</summary>
    public async Task CheckFixesAsync(CodeFixProvider codeFix, CancellationToken cancellationToken)
    {
        var project = firstProject ?? throw new InvalidOperationException("The framework created no project.");
        if (ExpectNoFix)
        {
            foreach (var diagnostic in Reported.Where(d => codeFix.FixableDiagnosticIds.Contains(d.Id)))
            {
                var actions = await ActionsForAsync(codeFix, project.GetDocument(diagnostic.Location.SourceTree!)!, diagnostic, cancellationToken);
                Assert.True(actions.Count == 0, $"Expected no fix for {Describe(diagnostic)} but got: {string.Join(", ", actions.Select(a => a.EquivalenceKey))}");
            }

            return;
        }

        foreach (var texts in new[] { FixedTexts, BatchFixedTexts }.Distinct(TextsComparer.Instance))
        {
            if (texts is not null)
            {
                await AssertNoNewCompilerDiagnosticsAsync(project, texts, cancellationToken);
            }
        }
    }

    /// <summary>The editor analyzes one document at a time; it must see what the build sees.</summary>
    private async Task CompareWithPerDocumentAnalysisAsync(CompilationWithAnalyzers full, CancellationToken cancellationToken)
    {
        var compilation = full.Compilation;
        var options = new CompilationWithAnalyzersOptions(full.AnalysisOptions.Options!, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var perDocument = new List<Diagnostic>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            // A fresh driver per document, as the IDE's per-document path has no compilation-wide results.
            var withAnalyzers = compilation.WithAnalyzers(full.Analyzers, options);
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, cancellationToken));
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, cancellationToken));
        }

        var expected = Reported.Select(Describe).ToArray();
        var actual = Sort(perDocument.Where(d => !d.IsSuppressed)).Select(Describe).ToArray();
        Assert.True(expected.SequenceEqual(actual), "Per-document (editor) analysis differs from full analysis.\nFull:\n  "
            + string.Join("\n  ", expected) + "\nPer document:\n  " + string.Join("\n  ", actual));
    }

    /// <summary>A fix may remove diagnostics, never add a compiler error or warning.</summary>
    private static async Task AssertNoNewCompilerDiagnosticsAsync(Project original, IReadOnlyList<(string Path, string Text)> fixedTexts, CancellationToken cancellationToken)
    {
        var solution = original.Solution;
        foreach (var (path, text) in fixedTexts)
        {
            var document = original.Documents.Single(d => d.FilePath == path);
            solution = solution.WithDocumentText(document.Id, SourceText.From(text, Encoding.UTF8));
        }

        static string Key(Diagnostic d) => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture);
        var before = (await original.GetCompilationAsync(cancellationToken))!.GetDiagnostics(cancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(Key).ToList();
        var after = (await solution.GetProject(original.Id)!.GetCompilationAsync(cancellationToken))!.GetDiagnostics(cancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var added = after.Where(d => !before.Remove(Key(d))).ToList();
        Assert.True(added.Count == 0, "The fixed code has new compiler diagnostics:\n" + string.Join("\n", added.Select(Describe)));
    }

    private static async Task<IReadOnlyList<CodeAction>> ActionsForAsync(CodeFixProvider codeFix, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        await codeFix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken));
        return actions.SelectMany(Flatten).ToArray();
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action)
        => action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Flatten);

    private static IReadOnlyList<Diagnostic> Sort(IEnumerable<Diagnostic> diagnostics)
        => diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath ?? d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();

    public static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var text = diagnostic.Location.SourceTree?.GetText().ToString(diagnostic.Location.SourceSpan) ?? string.Empty;
        return $"{diagnostic.Id} {span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}) [{Shorten(text)}]: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", string.Empty).Replace("\n", "⏎");
        return text.Length <= 80 ? text : text.Substring(0, 77) + "...";
    }

    /// <summary>The same expected texts are compiled once (FixAll usually expects what one fix at a time gives).</summary>
    private sealed class TextsComparer : IEqualityComparer<IReadOnlyList<(string Path, string Text)>?>
    {
        public static readonly TextsComparer Instance = new();

        public bool Equals(IReadOnlyList<(string Path, string Text)>? x, IReadOnlyList<(string Path, string Text)>? y)
            => x is null ? y is null : y is not null && x.SequenceEqual(y);

        public int GetHashCode(IReadOnlyList<(string Path, string Text)>? texts) => texts?.Count ?? 0;
    }
}
