using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>The fix half of the verifier must fail on wrong text, broken code, no-op and non-idempotent fixes.</summary>
public sealed class CodeFixVerifierSelfTests
{
    private const string Source = """
        class C
        {
            string a = [|"bad"|];
            string b = [|"bad"|];
        }
        """;

    private const string Fixed = """
        class C
        {
            string a = "good";
            string b = "good";
        }
        """;

    [Fact]
    public async Task Passes_WhenTheFixedTextMatches_OneAtATimeAndFixAll()
    {
        await Test<GoodFix>().ExpectFix(Fixed).ValidateAsync();
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public async Task KeepsLineEndings(string ending)
    {
        await Test<GoodFix>().WithLineEnding(ending).ExpectFix(Fixed).ValidateAsync();
    }

    [Fact]
    public async Task Fails_WhenTheFixedTextDiffers()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => Test<GoodFix>().ExpectFix(Fixed.Replace("good", "fine")).ValidateAsync());
        Assert.Contains("First difference at line 3", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixBreaksTheBuild()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => Test<BreakingFix>().ExpectFix(Fixed.Replace("\"good\"", "good")).ValidateAsync());
        Assert.Contains("new compiler diagnostics", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixChangesNothing()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => Test<NoOpFix>().ExpectFix(Source.Replace("[|", string.Empty).Replace("|]", string.Empty)).ValidateAsync());
        Assert.Contains("changed nothing", error.Message);
    }

    [Fact]
    public async Task Fails_WhenNoFixWasExpectedButOneIsOffered()
    {
        await Assert.ThrowsAnyAsync<XunitException>(() => Test<GoodFix>().ExpectNoFix().ValidateAsync());
    }

    [Fact]
    public async Task Fails_WithoutAnyFixExpectation()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => Test<GoodFix>().ValidateAsync());
        Assert.Contains("must expect a fix", error.Message);
    }

    private static AnalyzerTest Test<TFix>()
        where TFix : CodeFixProvider, new()
        => AnalyzerTest.For<BadLiteralAnalyzer>().WithCodeFix<TFix>().WithSource(Source);

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class BadLiteralAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = new("TEST03", "Bad literal", "Bad literal", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxNodeAction(
                c =>
                {
                    if (((LiteralExpressionSyntax)c.Node).Token.ValueText == "bad")
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rule, c.Node.GetLocation()));
                    }
                },
                SyntaxKind.StringLiteralExpression);
        }
    }

    /// <summary>Replaces the literal with <see cref="Replacement"/>.</summary>
    private abstract class ReplacingFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("TEST03");

        protected abstract ExpressionSyntax Replacement { get; }

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = (await context.Document.GetSyntaxRootAsync(context.CancellationToken))!;
            var node = root.FindNode(context.Span, getInnermostNodeForTie: true);
            context.RegisterCodeFix(
                CodeAction.Create("Replace", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(node, Replacement.WithTriviaFrom(node)))), "Test.Replace"),
                context.Diagnostics);
        }
    }

    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class GoodFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("good"));
    }

    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class BreakingFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.IdentifierName("good");
    }

    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class NoOpFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("bad"));
    }
}
