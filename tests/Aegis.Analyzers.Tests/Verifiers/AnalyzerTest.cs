using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// The tests' calling API over Microsoft.CodeAnalysis.Testing (<see cref="AegisAnalyzerTest{TAnalyzer}"/>, and
/// <see cref="AegisCodeFixTest{TAnalyzer, TCodeFix}"/> once a fix is given). Markup spans are the expected
/// diagnostics: same IDs, same spans, nothing more. The snippet must compile and no analyzer may throw; the editor's
/// per-document analysis must report the same; fixed texts are compared exactly, under tr-TR, one fix at a time and
/// through FixAll in document, project and solution scope.
/// </summary>
public sealed class AnalyzerTest
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

    private readonly IAnalyzerType analyzerType;
    private readonly List<DiagnosticAnalyzer> analyzers = new();
    private readonly List<(string Path, string Markup)> sources = new();
    private readonly List<(string Path, string Text)> additionalFiles = new();
    private readonly List<(string Path, string Text)> analyzerConfigs = new();
    private readonly List<MetadataReference> extraReferences = new();
    private readonly List<Action<Diagnostic>> checks = new();
    private readonly Dictionary<int, List<Action<Diagnostic>>> checksByIndex = new();
    private readonly List<(string Path, string Text)> fixedSources = new();
    private readonly List<(string Path, string Text)> batchFixedSources = new();
    private Func<AegisHarnessCore, IAegisHarness>? codeFix;
    private LanguageVersion languageVersion = LanguageVersion.Latest;
    private bool allowCompilerErrors;
    private bool webImplicitUsings;
    private string? equivalenceKey;
    private bool expectNoFix;
    private bool batchKeyGiven;
    private string? batchKey;
    private string? lineEnding;
    private CodeActionValidationMode codeActionValidation = CodeActionValidationMode.SemanticStructure;

    private AnalyzerTest(IAnalyzerType analyzerType)
    {
        this.analyzerType = analyzerType;
    }

    public static AnalyzerTest For<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
        => new AnalyzerTest(new AnalyzerType<TAnalyzer>()).WithAnalyzer(new TAnalyzer());

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
        => Check(index, d => Assert.Equal(message, d.GetMessage(CultureInfo.InvariantCulture)));

    /// <summary>The message of every expected diagnostic.</summary>
    public AnalyzerTest ExpectMessage(string message)
    {
        checks.Add(d => Assert.Equal(message, d.GetMessage(CultureInfo.InvariantCulture)));
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

    /// <summary>Runs with every source and expected text converted to this line ending (<c>"\r\n"</c> or <c>"\n"</c>).</summary>
    public AnalyzerTest WithLineEnding(string ending)
    {
        lineEnding = ending;
        return this;
    }

    private string Normalize(string text)
        => lineEnding is null ? text : text.Replace("\r\n", "\n").Replace("\n", lineEnding);

    public AnalyzerTest WithCodeFix<TCodeFix>()
        where TCodeFix : CodeFixProvider, new()
    {
        codeFix = core => analyzerType.WithCodeFix<TCodeFix>(core);
        return this;
    }

    /// <summary>Picks the fix whose equivalence key this is (otherwise the first one offered).</summary>
    public AnalyzerTest WithEquivalenceKey(string key)
    {
        equivalenceKey = key;
        return this;
    }

    /// <summary>
    /// The equivalence key FixAll is asked with, where it differs from the single fix's; null as <c>dotnet format</c>
    /// passes it when the first finding has no fix.
    /// </summary>
    public AnalyzerTest WithBatchEquivalenceKey(string? key)
    {
        batchKeyGiven = true;
        batchKey = key;
        return this;
    }

    /// <summary>
    /// The text of source <paramref name="index"/> after fixing every diagnostic, one at a time (and, unless
    /// <see cref="ExpectBatchFix"/> says otherwise, after FixAll). Markup in it marks the diagnostics that remain.
    /// Sources with no expected text must come out unchanged.
    /// </summary>
    public AnalyzerTest ExpectFix(string fixedSource, int index = 0)
    {
        fixedSources.Add((SourcePath(index), fixedSource));
        return this;
    }

    /// <summary>The text after FixAll, in document, project and solution scope alike (defaults to <see cref="ExpectFix"/>).</summary>
    /// <param name="scope">The scope the test was written for; every scope is checked.</param>
    public AnalyzerTest ExpectBatchFix(string fixedSource, int index = 0, FixAllScope scope = FixAllScope.Document)
    {
        _ = scope;
        batchFixedSources.Add((SourcePath(index), fixedSource));
        return this;
    }

    /// <summary>
    /// How the framework compares a fix's syntax tree with the tree its text parses to (by default, the kinds of
    /// nodes and tokens must agree). Lower it only for a fix whose text is right though its tree is built otherwise.
    /// </summary>
    public AnalyzerTest WithCodeActionValidation(CodeActionValidationMode mode)
    {
        codeActionValidation = mode;
        return this;
    }

    /// <summary>The diagnostics are reported but no fix is offered for any of them.</summary>
    public AnalyzerTest ExpectNoFix()
    {
        expectNoFix = true;
        return this;
    }

    private string SourcePath(int index) => index < sources.Count ? sources[index].Path : $"/0/Test{index}.cs";

    /// <summary>
    /// Runs the standard harness (analysis, and with a fix: one fix at a time and FixAll in document, project and
    /// solution) with this project's checks. Returns the analyzer diagnostics in source order for further checks.
    /// </summary>
    public async Task<IReadOnlyList<Diagnostic>> ValidateAsync()
    {
        Assert.NotEmpty(analyzers);
        var core = new AegisHarnessCore(analyzers, languageVersion) { ExpectNoFix = expectNoFix };
        core.Checks.AddRange(checks);
        foreach (var (index, indexChecks) in checksByIndex)
        {
            core.ChecksByIndex[index] = indexChecks;
        }

        var harness = codeFix is null ? analyzerType.Analyzer(core) : codeFix(core);
        var test = (AnalyzerTest<DefaultVerifier>)harness;

        // One rule may have several wordings (descriptors with the same ID): markup needs an ID only for several rules.
        var ruleIds = analyzers[0].SupportedDiagnostics.Select(descriptor => descriptor.Id).Distinct().ToArray();
        var defaultId = ruleIds.Length == 1 ? ruleIds[0] : null;
        var inputs = new List<(string Path, string Text)>();
        var hasTopLevelStatements = false;
        var allSources = webImplicitUsings ? sources.Append(("/0/GlobalUsings.g.cs", WebImplicitUsings)) : sources;
        foreach (var (path, markup) in allSources)
        {
            var text = AddExpected(test.TestState, path, Normalize(markup), defaultId);
            inputs.Add((path, text));
            hasTopLevelStatements |= CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(languageVersion)).GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();
        }

        test.TestState.AdditionalFiles.AddRange(additionalFiles.Select(file => (file.Path, SourceText.From(file.Text, Encoding.UTF8))));
        test.TestState.AnalyzerConfigFiles.AddRange(analyzerConfigs.Select(file => (file.Path, SourceText.From(file.Text, Encoding.UTF8))));
        test.TestState.AdditionalReferences.AddRange(extraReferences);
        test.TestState.OutputKind = hasTopLevelStatements ? OutputKind.ConsoleApplication : null;
        test.CompilerDiagnostics = allowCompilerErrors ? CompilerDiagnostics.None : CompilerDiagnostics.Errors;

        if (codeFix is null)
        {
            await harness.RunAsync();
            return core.Reported;
        }

        var fixTest = (CodeFixTest<DefaultVerifier>)harness;
        fixTest.CodeActionEquivalenceKey = equivalenceKey;
        fixTest.CodeActionValidationMode = codeActionValidation;
        core.BatchEquivalenceKey = batchKeyGiven ? new Optional<string?>(batchKey) : default;
        if (!expectNoFix)
        {
            Assert.True(fixedSources.Count > 0 || batchFixedSources.Count > 0, "A code-fix test must expect a fix (ExpectFix/ExpectBatchFix) or ExpectNoFix().");
            core.FixedTexts = Expect(fixTest.FixedState, fixedSources.Count > 0 ? fixedSources : batchFixedSources, inputs, defaultId);
            core.BatchFixedTexts = Expect(fixTest.BatchFixedState, batchFixedSources.Count > 0 ? batchFixedSources : fixedSources, inputs, defaultId);
        }

        // Fixes must not depend on the machine's culture: run them under Turkish, whose dotted/dotless i and
        // comma decimal separator break ToUpper/ToLower/ToString that forget the invariant culture.
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("tr-TR");
        try
        {
            await harness.RunAsync();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }

        return core.Reported;
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

    /// <summary>
    /// Adds the markup's text to <paramref name="state"/> and each span as an expected diagnostic: ID, file and span,
    /// as the markup says (the severity and additional locations only where a test asks for them).
    /// </summary>
    private static string AddExpected(SolutionState state, string path, string markup, string? defaultId)
    {
        var (text, spans) = TestMarkup.Parse(markup);
        var source = SourceText.From(text, Encoding.UTF8);
        state.Sources.Add((path, source));
        foreach (var span in spans)
        {
            var id = span.Id ?? defaultId ?? throw new ArgumentException("Use {|ID:…|} markup when the analyzer has several rules.");
            state.ExpectedDiagnostics.Add(new DiagnosticResult(id, DiagnosticSeverity.Warning)
                .WithSpan(new FileLinePositionSpan(path, source.Lines.GetLinePositionSpan(span.Span)))
                .WithOptions(DiagnosticOptions.IgnoreSeverity | DiagnosticOptions.IgnoreAdditionalLocations));
        }

        return text;
    }

    /// <summary>
    /// Fills a fixed state with every document: the expected text where the test gives one (its markup marks the
    /// diagnostics that stay), the input otherwise (a fix must not touch it). Returns the texts.
    /// </summary>
    private IReadOnlyList<(string Path, string Text)> Expect(SolutionState state, List<(string Path, string Text)> expectations, List<(string Path, string Text)> inputs, string? defaultId)
    {
        state.MarkupHandling = MarkupMode.None;
        var texts = new List<(string Path, string Text)>();
        foreach (var (path, input) in inputs)
        {
            var expected = expectations.Where(e => e.Path == path).Select(e => Normalize(e.Text)).LastOrDefault() ?? input;
            texts.Add((path, AddExpected(state, path, expected, defaultId)));
        }

        return texts;
    }

    /// <summary>Makes the framework test for an analyzer type known only here, without reflection.</summary>
    private interface IAnalyzerType
    {
        IAegisHarness Analyzer(AegisHarnessCore core);

        IAegisHarness WithCodeFix<TCodeFix>(AegisHarnessCore core)
            where TCodeFix : CodeFixProvider, new();
    }

    private sealed class AnalyzerType<TAnalyzer> : IAnalyzerType
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public IAegisHarness Analyzer(AegisHarnessCore core) => new AegisAnalyzerTest<TAnalyzer>(core);

        public IAegisHarness WithCodeFix<TCodeFix>(AegisHarnessCore core)
            where TCodeFix : CodeFixProvider, new()
            => new AegisCodeFixTest<TAnalyzer, TCodeFix>(core);
    }
}
