using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// The harness (Microsoft.CodeAnalysis.Testing with this project's extensions) must fail when the analyzer is wrong,
/// or every other test proves nothing.
/// </summary>
public sealed class AnalyzerTestSelfTests
{
    [Fact]
    public async Task Passes_WhenDiagnosticsMatchMarkup()
    {
        await AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""
                class C { string a = [|"bad"|]; string b = "good"; }
                """)
            .ExpectMessage(0, "Literal 'bad'")
            .ValidateAsync();
    }

    [Fact]
    public async Task Fails_WhenADiagnosticIsMissing()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"good"|]; }""")
            .ValidateAsync());
        Assert.Contains("Mismatch between number of diagnostics returned, expected \"1\" actual \"0\"", error.Message);
    }

    [Fact]
    public async Task Fails_WhenAnUnexpectedDiagnosticIsReported()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = "bad"; }""")
            .ValidateAsync());
        Assert.Contains("/0/Test0.cs(1,22): warning TEST01", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheSpanIsOff()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = "[|bad|]"; }""")
            .ValidateAsync());
    }

    [Fact]
    public async Task Fails_WhenTheSnippetDoesNotCompile()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { int a = "bad"; }""")
            .ValidateAsync());
        Assert.Contains("error CS0029", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheAnalyzerThrows()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<ThrowingAnalyzer>()
            .WithSource("""class C { }""")
            .ValidateAsync());
        Assert.Contains("AD0001", error.Message);
    }

    [Fact]
    public async Task Fails_WhenAMessageDiffers()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"bad"|]; }""")
            .ExpectMessage(0, "something else")
            .ValidateAsync());
    }

    [Fact]
    public async Task Fails_WhenOnlyTheWholeCompilationReports()
    {
        // Reported at compilation end: the build sees it, the editor's per-document analysis never does.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<CompilationEndAnalyzer>()
            .WithSource("""class C { string a = [|"bad"|]; }""")
            .ValidateAsync());
        Assert.Contains("Per-document (editor) analysis differs from full analysis", error.Message);
    }

    [Fact]
    public async Task Fails_WhenAPropertyDiffers()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"bad"|]; }""")
            .ExpectProperty(0, "Word", "worse")
            .ValidateAsync());
        Assert.Contains("Property 'Word' of TEST01: expected 'worse', actual 'bad'", error.Message);
    }

    [Fact]
    public async Task ReadsTheSeverityFromEditorConfig()
    {
        // The framework gives each rule a compilation-level option that would outrank the .editorconfig's.
        await AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"bad"|]; }""")
            .WithEditorConfig("dotnet_diagnostic.TEST01.severity = error")
            .ExpectSeverity(DiagnosticSeverity.Error)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReferenceAssemblies_AreTheSnippetReferencesAlone_NothingIsDownloaded()
    {
        var references = AegisHarnessCore.NoDownloadedReferences;
        Assert.Null(references.ReferenceAssemblyPackage);
        Assert.Empty(references.Packages);
        Assert.Empty(await references.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));
        Assert.NotEmpty(SnippetReferences.All);
    }

    [Fact]
    public async Task ReadsEditorConfigOptions()
    {
        await AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"worse"|]; string b = "bad"; }""")
            .WithEditorConfig("test.bad_word = worse")
            .ValidateAsync();
    }

    [Fact]
    public async Task ReadsAdditionalFilesAndNamedMarkup()
    {
        await AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = {|TEST01:"awful"|}; }""")
            .WithAdditionalFile("/0/bad-words.txt", "awful")
            .ValidateAsync();
    }

    [Fact]
    public void Markup_ParsesNestedAndNamedSpans()
    {
        var (text, spans) = TestMarkup.Parse("a[|b{|X1:c|}d|]e");
        Assert.Equal("abcde", text);
        Assert.Equal(new[] { new MarkupSpan(null, new(1, 3)), new MarkupSpan("X1", new(2, 1)) }, spans);
    }

    /// <summary>Reports string literals equal to "bad", the editorconfig's test.bad_word, or a line of bad-words.txt.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class BadLiteralAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TEST01", "Bad literal", "Literal '{0}'", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxNodeAction(
                c =>
                {
                    var literal = (LiteralExpressionSyntax)c.Node;
                    var bad = c.Options.AnalyzerConfigOptionsProvider.GetOptions(c.Node.SyntaxTree).TryGetValue("test.bad_word", out var word) ? word : "bad";
                    var extra = c.Options.AdditionalFiles.Select(f => f.GetText()?.ToString().Trim()).ToArray();
                    if (literal.Token.ValueText == bad || extra.Contains(literal.Token.ValueText))
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rule, literal.GetLocation(), ImmutableDictionary<string, string?>.Empty.Add("Word", literal.Token.ValueText), literal.Token.ValueText));
                    }
                },
                SyntaxKind.StringLiteralExpression);
        }
    }

    /// <summary>Reports the literal "bad" only when the whole compilation has been seen, as no editor document does.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class CompilationEndAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TEST04", "Bad literal", "Bad literal", "Test", DiagnosticSeverity.Warning, true, customTags: WellKnownDiagnosticTags.CompilationEnd);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var found = new System.Collections.Concurrent.ConcurrentBag<Location>();
                start.RegisterSyntaxNodeAction(
                    c =>
                    {
                        if (((LiteralExpressionSyntax)c.Node).Token.ValueText == "bad")
                        {
                            found.Add(c.Node.GetLocation());
                        }
                    },
                    SyntaxKind.StringLiteralExpression);
                start.RegisterCompilationEndAction(end =>
                {
                    foreach (var location in found)
                    {
                        end.ReportDiagnostic(Diagnostic.Create(Rule, location));
                    }
                });
            });
        }
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TEST02", "Throws", "Throws", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSymbolAction(_ => throw new InvalidOperationException("boom"), SymbolKind.NamedType);
        }
    }
}
