using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// Compiles snippets against real reference assemblies in an <see cref="AdhocWorkspace"/>, runs analyzers through
/// <see cref="CompilationWithAnalyzers"/>, and compares the diagnostics exactly with the markup spans: same IDs,
/// same spans, nothing more. Every run also checks the editor's per-document path reports the same, that no
/// analyzer threw, and that the snippet compiles.
/// </summary>
public sealed partial class AnalyzerTest
{
    /// <summary>The global usings the Web SDK adds with ImplicitUsings, for snippets written like a real app.</summary>
    public const string WebImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    /// <summary>
    /// What the SDK's default NoWarn silences: assembly-version unification (Dapper and Microsoft.Data.Sqlite are built
    /// against older framework assemblies), so snippets compile as they would in a project.
    /// </summary>
    private static readonly ImmutableDictionary<string, ReportDiagnostic> SdkNoWarn = ImmutableDictionary.CreateRange(new[]
    {
        KeyValuePair.Create("CS1701", ReportDiagnostic.Suppress),
        KeyValuePair.Create("CS1702", ReportDiagnostic.Suppress),
    });

    private readonly List<DiagnosticAnalyzer> analyzers = new();
    private readonly List<(string Path, string Markup)> sources = new();
    private readonly List<(string Path, string Text)> additionalFiles = new();
    private readonly List<(string Path, string Text)> analyzerConfigs = new();
    private readonly List<MetadataReference> extraReferences = new();
    private readonly List<Action<Diagnostic>> checks = new();
    private readonly Dictionary<int, List<Action<Diagnostic>>> checksByIndex = new();
    private LanguageVersion languageVersion = LanguageVersion.Latest;
    private bool allowCompilerErrors;
    private bool webImplicitUsings;

    private AnalyzerTest()
    {
    }

    public static AnalyzerTest For<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
        => new AnalyzerTest().WithAnalyzer(new TAnalyzer());

    /// <summary>Runs another analyzer too; its diagnostics must be marked with <c>{|ID:…|}</c>.</summary>
    public AnalyzerTest WithAnalyzer(DiagnosticAnalyzer analyzer)
    {
        analyzers.Add(analyzer);
        return this;
    }

    /// <summary>Adds a source file with markup. The first is <c>/0/Test0.cs</c>, the next <c>/0/Test1.cs</c>…</summary>
    public AnalyzerTest WithSource(string markup, string? path = null)
    {
        sources.Add((path ?? $"/0/Test{sources.Count}.cs", markup));
        return this;
    }

    /// <summary>Adds the Web SDK's implicit global usings as a source file.</summary>
    /// <remarks>It is not one of the numbered sources: <c>ExpectFix(…, index: 0)</c> still means the first <c>WithSource</c>.</remarks>
    public AnalyzerTest WithWebImplicitUsings()
    {
        webImplicitUsings = true;
        return this;
    }

    /// <summary>Adds <c>/0/.editorconfig</c> with <c>[*.cs]</c> and these lines, e.g. <c>aegis.AEG001.x = y</c>.</summary>
    public AnalyzerTest WithEditorConfig(params string[] lines)
    {
        analyzerConfigs.Add(("/0/.editorconfig", "root = true\n\n[*.cs]\n" + string.Join("\n", lines) + "\n"));
        return this;
    }

    /// <summary>Adds a <c>.globalconfig</c> (is_global = true) with these lines.</summary>
    public AnalyzerTest WithGlobalConfig(params string[] lines)
    {
        analyzerConfigs.Add(("/0/.globalconfig", "is_global = true\n" + string.Join("\n", lines) + "\n"));
        return this;
    }

    /// <summary>Compiles the snippets against this assembly too, besides <see cref="SnippetReferences.All"/>.</summary>
    public AnalyzerTest WithReference(MetadataReference reference)
    {
        extraReferences.Add(reference);
        return this;
    }

    public AnalyzerTest WithAdditionalFile(string path, string text)
    {
        additionalFiles.Add((path, text));
        return this;
    }

    public AnalyzerTest WithLanguageVersion(LanguageVersion version)
    {
        languageVersion = version;
        return this;
    }

    /// <summary>For snippets of code being typed: compiler errors do not fail the test (analyzer exceptions still do).</summary>
    public AnalyzerTest AllowCompilerErrors()
    {
        allowCompilerErrors = true;
        return this;
    }

    /// <summary>The message of the <paramref name="index"/>th expected diagnostic (in source order).</summary>
    public AnalyzerTest ExpectMessage(int index, string message)
        => Check(index, d => Assert.Equal(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The message of every expected diagnostic.</summary>
    public AnalyzerTest ExpectMessage(string message)
    {
        checks.Add(d => Assert.Equal(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        return this;
    }

    /// <summary>A property of the <paramref name="index"/>th expected diagnostic; null asserts it is absent.</summary>
    public AnalyzerTest ExpectProperty(int index, string key, string? value)
        => Check(index, d =>
        {
            d.Properties.TryGetValue(key, out var actual);
            Assert.True(value == actual, $"Property '{key}' of {d.Id}: expected '{value ?? "<absent>"}', actual '{actual ?? "<absent>"}'.");
        });

    /// <summary>A property of every expected diagnostic.</summary>
    public AnalyzerTest ExpectProperty(string key, string? value)
    {
        checks.Add(d =>
        {
            d.Properties.TryGetValue(key, out var actual);
            Assert.True(value == actual, $"Property '{key}' of {d.Id}: expected '{value ?? "<absent>"}', actual '{actual ?? "<absent>"}'.");
        });
        return this;
    }

    public AnalyzerTest ExpectSeverity(int index, DiagnosticSeverity severity)
        => Check(index, d => Assert.Equal(severity, d.Severity));

    public AnalyzerTest ExpectSeverity(DiagnosticSeverity severity)
    {
        checks.Add(d => Assert.Equal(severity, d.Severity));
        return this;
    }

    /// <summary>Compiles, analyzes and compares. Returns the diagnostics in source order for further checks.</summary>
    public async Task<IReadOnlyList<Diagnostic>> ValidateAsync()
    {
        var (project, expected) = BuildProject();
        var compilation = (await project.GetCompilationAsync())!;

        if (!allowCompilerErrors)
        {
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(errors.Length == 0, "The test source does not compile:\n" + string.Join("\n", errors.Select(Describe)));
        }

        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            onAnalyzerException: (exception, analyzer, _) => exceptions.Add($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers.ToImmutableArray(), options);
        var actual = Sort(await withAnalyzers.GetAnalyzerDiagnosticsAsync());
        Assert.True(exceptions.Count == 0, "An analyzer threw (AD0001):\n" + string.Join("\n", exceptions));
        Assert.DoesNotContain(actual, d => d.Id == "AD0001");

        CompareWithMarkup(expected, actual, compilation);
        await CompareWithPerDocumentAnalysisAsync(compilation, options, actual);

        foreach (var diagnostic in actual)
        {
            foreach (var check in checks)
            {
                check(diagnostic);
            }
        }

        foreach (var (index, indexChecks) in checksByIndex)
        {
            Assert.True(index < actual.Count, $"No diagnostic #{index}: only {actual.Count} reported.");
            indexChecks.ForEach(check => check(actual[index]));
        }

        await ValidateCodeFixesAsync(project, compilation);
        return actual;
    }

    private AnalyzerTest Check(int index, Action<Diagnostic> check)
    {
        if (!checksByIndex.TryGetValue(index, out var list))
        {
            checksByIndex[index] = list = new List<Action<Diagnostic>>();
        }

        list.Add(check);
        return this;
    }

    private (Project Project, List<(string Id, string Path, TextSpan Span)> Expected) BuildProject()
    {
        Assert.NotEmpty(analyzers);
        // One rule may have several wordings (descriptors with the same ID): markup needs an ID only for several rules.
        var ruleIds = analyzers[0].SupportedDiagnostics.Select(descriptor => descriptor.Id).Distinct().ToArray();
        var defaultId = ruleIds.Length == 1 ? ruleIds[0] : null;
        var workspace = new AdhocWorkspace();
        var parseOptions = new CSharpParseOptions(languageVersion, DocumentationMode.Diagnose);
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "TestProject",
            "TestProject",
            LanguageNames.CSharp,
            filePath: "/0/TestProject.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(SdkNoWarn),
            parseOptions: parseOptions,
            metadataReferences: SnippetReferences.All.Concat(extraReferences)));

        var expected = new List<(string, string, TextSpan)>();
        var hasTopLevelStatements = false;
        var allSources = webImplicitUsings ? sources.Append(("/0/GlobalUsings.g.cs", WebImplicitUsings)) : sources;
        foreach (var (path, markup) in allSources)
        {
            var (text, spans) = TestMarkup.Parse(Normalize(markup));
            foreach (var span in spans)
            {
                var id = span.Id ?? defaultId ?? throw new ArgumentException("Use {|ID:…|} markup when the analyzer has several rules.");
                expected.Add((id, path, span.Span));
            }

            hasTopLevelStatements |= CSharpSyntaxTree.ParseText(text, parseOptions).GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), Path.GetFileName(path), SourceText.From(text, Encoding.UTF8), filePath: path);
        }

        foreach (var (path, text) in additionalFiles)
        {
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId), Path.GetFileName(path), SourceText.From(text, Encoding.UTF8), filePath: path);
        }

        foreach (var (path, text) in analyzerConfigs)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), Path.GetFileName(path), SourceText.From(text, Encoding.UTF8), filePath: path);
        }

        var project = solution.GetProject(projectId)!;
        if (hasTopLevelStatements)
        {
            project = project.WithCompilationOptions(project.CompilationOptions!.WithOutputKind(OutputKind.ConsoleApplication));
        }

        return (project, expected);
    }

    private static void CompareWithMarkup(List<(string Id, string Path, TextSpan Span)> expected, IReadOnlyList<Diagnostic> actual, Compilation compilation)
    {
        var expectedKeys = expected.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        var actualKeys = actual.Select(d => (d.Id, Path: d.Location.SourceTree?.FilePath ?? d.Location.GetLineSpan().Path, d.Location.SourceSpan)).ToList();
        if (expectedKeys.SequenceEqual(actualKeys))
        {
            return;
        }

        var message = new StringBuilder("Diagnostics differ from the markup.\nExpected:\n");
        foreach (var (id, path, span) in expectedKeys)
        {
            message.Append("  ").Append(Describe(id, path, span, compilation)).Append('\n');
        }

        message.Append("Actual:\n");
        foreach (var diagnostic in actual)
        {
            message.Append("  ").Append(Describe(diagnostic)).Append('\n');
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>The editor analyzes one document at a time; it must see what the build sees.</summary>
    private async Task CompareWithPerDocumentAnalysisAsync(Compilation compilation, CompilationWithAnalyzersOptions options, IReadOnlyList<Diagnostic> full)
    {
        var perDocument = new List<Diagnostic>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            // A fresh driver per document, as the IDE's per-document path has no compilation-wide results.
            var withAnalyzers = compilation.WithAnalyzers(analyzers.ToImmutableArray(), options);
            var model = compilation.GetSemanticModel(tree);
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None));
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None));
        }

        var expected = full.Select(Describe).ToArray();
        var actual = Sort(perDocument.ToImmutableArray()).Select(Describe).ToArray();
        Assert.True(expected.SequenceEqual(actual), "Per-document (editor) analysis differs from full analysis.\nFull:\n  "
            + string.Join("\n  ", expected) + "\nPer document:\n  " + string.Join("\n  ", actual));
    }

    private static IReadOnlyList<Diagnostic> Sort(ImmutableArray<Diagnostic> diagnostics)
        => diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath ?? d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var text = diagnostic.Location.SourceTree?.GetText().ToString(diagnostic.Location.SourceSpan) ?? string.Empty;
        return $"{diagnostic.Id} {span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}) [{Shorten(text)}]: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string Describe(string id, string path, TextSpan span, Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.First(t => t.FilePath == path);
        var position = tree.GetLineSpan(span).StartLinePosition;
        return $"{id} {path}({position.Line + 1},{position.Character + 1}) [{Shorten(tree.GetText().ToString(span))}]";
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", string.Empty).Replace("\n", "⏎");
        return text.Length <= 80 ? text : text.Substring(0, 77) + "...";
    }
}
