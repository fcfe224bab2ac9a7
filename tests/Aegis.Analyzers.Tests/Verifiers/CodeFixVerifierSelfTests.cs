using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// The fix half of the harness must fail on wrong text, broken code, new warnings, no-op, culture-dependent,
/// non-deterministic and line-ending-breaking fixes, and on a FixAll that differs.
/// </summary>
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
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<GoodFix>().ExpectFix(Fixed.Replace("good", "fine")).ValidateAsync());
        Assert.Contains("content of '/0/Test0.cs' did not match", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixBreaksTheBuild()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<BreakingFix>().ExpectFix(Fixed.Replace("\"good\"", "good")).ValidateAsync());
        Assert.Contains("error CS0103", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixChangesNothing()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<NoOpFix>().ExpectFix(Source.Replace("[|", string.Empty).Replace("|]", string.Empty)).ValidateAsync());
        Assert.Contains("a fix was offered that made no changes", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixAddsACompilerWarning()
    {
        // Errors are the framework's own check; a new warning (here CS8625, null into a non-nullable field) is ours.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<NullFix>().ExpectFix(Fixed.Replace("\"good\"", "null")).ValidateAsync());
        Assert.Contains("new compiler diagnostics", error.Message);
        Assert.Contains("CS8625", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixDependsOnTheCulture()
    {
        // "i".ToUpper() is "I" on most machines and "İ" under tr-TR, where fixes run.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<UpperCaseFix>().ExpectFix(Fixed.Replace("\"good\"", "\"I\"")).ValidateAsync());
        Assert.Contains("did not match", error.Message);
    }

    [Fact]
    public async Task Fails_WhenTheFixIsNotDeterministic()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<VaryingFix>().ExpectFix(Fixed).ValidateAsync());
        Assert.Contains("did not match", error.Message);
    }

    [Theory]
    [InlineData("\r\n", true)]
    [InlineData("\n", false)]
    public async Task Fails_WhenTheFixWritesLfIntoCrlf(string ending, bool fails)
    {
        var test = Test<CommentingFix>().WithLineEnding(ending).ExpectFix(Fixed.Replace("\"good\";", "\"good\"; // fixed\n").Replace("\n\n", "\n"));
        if (fails)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => test.ValidateAsync());
            Assert.Contains("did not match", error.Message);
        }
        else
        {
            await test.ValidateAsync();
        }
    }

    [Fact]
    public async Task Fails_WhenFixAllDiffersFromOneFixAtATime()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<GoodFixOtherFixAll>().ExpectFix(Fixed).ValidateAsync());
        Assert.Contains("Fix all in", error.Message);
    }

    [Fact]
    public async Task Passes_WhenFixAllIsExpectedOnItsOwn()
    {
        await Test<GoodFixOtherFixAll>().ExpectFix(Fixed).ExpectBatchFix(Fixed.Replace("good", "fine")).ValidateAsync();
    }

    [Fact]
    public async Task Passes_WhenFixAllCoversTwoDocumentsInEveryScope()
    {
        await AnalyzerTest.For<BadLiteralAnalyzer>().WithCodeFix<GoodFix>()
            .WithSource(Source)
            .WithSource(Source.Replace("class C", "class D"))
            .ExpectFix(Fixed)
            .ExpectFix(Fixed.Replace("class C", "class D"), index: 1)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fails_WhenNoFixWasExpectedButOneIsOffered()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => Test<GoodFix>().ExpectNoFix().ValidateAsync());
    }

    [Fact]
    public async Task Fails_WithoutAnyFixExpectation()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Test<GoodFix>().ValidateAsync());
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

        public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = (await context.Document.GetSyntaxRootAsync(context.CancellationToken))!;
            var node = root.FindNode(context.Span, getInnermostNodeForTie: true);
            context.RegisterCodeFix(
                CodeAction.Create("Replace", _ => Task.FromResult(context.Document.WithSyntaxRoot(Replace(root, node))), "Test.Replace"),
                context.Diagnostics);
        }

        protected virtual SyntaxNode Replace(SyntaxNode root, SyntaxNode node) => root.ReplaceNode(node, Replacement.WithTriviaFrom(node));
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
    private sealed class NullFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression);
    }

    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class UpperCaseFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("i".ToUpper()));
    }

    /// <summary>Writes "good" with a fresh suffix each time: the same input, different output.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class VaryingFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement
            => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("good" + Guid.NewGuid().ToString("N")));
    }

    /// <summary>Writes "good" and a comment ended by a hard-coded LF, whatever the document's line ending.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class CommentingFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("good"));

        protected override SyntaxNode Replace(SyntaxNode root, SyntaxNode node)
        {
            var statement = node.FirstAncestorOrSelf<FieldDeclarationSyntax>()!;
            var replaced = statement.ReplaceNode(statement.DescendantNodes().First(n => n.Span == node.Span), Replacement.WithTriviaFrom(node));
            return root.ReplaceNode(statement, replaced.WithTrailingTrivia(SyntaxFactory.Space, SyntaxFactory.Comment("// fixed"), SyntaxFactory.LineFeed));
        }
    }

    /// <summary>Fixes one at a time like <see cref="GoodFix"/>, but its FixAll writes "fine" instead.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class GoodFixOtherFixAll : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("good"));

        public override FixAllProvider GetFixAllProvider() => new FineFixAll();

        private sealed class FineFixAll : FixAllProvider
        {
            public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
                => Task.FromResult<CodeAction?>(CodeAction.Create("Fine", cancellationToken => FixAsync(fixAllContext, cancellationToken), fixAllContext.CodeActionEquivalenceKey));

            private static async Task<Solution> FixAsync(FixAllContext fixAllContext, CancellationToken cancellationToken)
            {
                var solution = fixAllContext.Solution;
                var documents = fixAllContext.Scope == FixAllScope.Document ? new[] { fixAllContext.Document! } : fixAllContext.Project.Documents;
                foreach (var document in documents)
                {
                    var root = (await document.GetSyntaxRootAsync(cancellationToken))!;
                    var fine = root.ReplaceNodes(
                        root.DescendantNodes().OfType<LiteralExpressionSyntax>().Where(l => l.Token.ValueText == "bad"),
                        (old, _) => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("fine")).WithTriviaFrom(old));
                    solution = solution.WithDocumentSyntaxRoot(document.Id, fine);
                }

                return solution;
            }
        }
    }

    [ExportCodeFixProvider(LanguageNames.CSharp)]
    [Shared]
    private sealed class NoOpFix : ReplacingFix
    {
        protected override ExpressionSyntax Replacement => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("bad"));
    }
}
