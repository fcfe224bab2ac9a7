using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>The verifier must fail when the analyzer is wrong, or every other test proves nothing.</summary>
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
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"good"|]; }""")
            .ValidateAsync());
        Assert.Contains("Diagnostics differ from the markup", error.Message);
    }

    [Fact]
    public async Task Fails_WhenAnUnexpectedDiagnosticIsReported()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = "bad"; }""")
            .ValidateAsync());
        Assert.Contains("TEST01 /0/Test0.cs(1,22)", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheSpanIsOff()
    {
        await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = "[|bad|]"; }""")
            .ValidateAsync());
    }

    [Fact]
    public async Task Fails_WhenTheSnippetDoesNotCompile()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { int a = "bad"; }""")
            .ValidateAsync());
        Assert.Contains("does not compile", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheAnalyzerThrows()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerTest.For<ThrowingAnalyzer>()
            .WithSource("""class C { }""")
            .ValidateAsync());
        Assert.Contains("AD0001", error.Message);
    }

    [Fact]
    public async Task Fails_WhenAMessageDiffers()
    {
        await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerTest.For<BadLiteralAnalyzer>()
            .WithSource("""class C { string a = [|"bad"|]; }""")
            .ExpectMessage(0, "something else")
            .ValidateAsync());
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
                        c.ReportDiagnostic(Diagnostic.Create(Rule, literal.GetLocation(), literal.Token.ValueText));
                    }
                },
                SyntaxKind.StringLiteralExpression);
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
