using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// The code-fix half of the verifier: applies a fix one diagnostic at a time (as the lightbulb does) and through
/// FixAll (as <c>dotnet format</c> and "fix all in document/project/solution" do), and compares the fixed text
/// exactly. Every fix is also checked to compile with no new compiler diagnostics and to be idempotent.
/// </summary>
public sealed partial class AnalyzerTest
{
    private const int MaxIterations = 32;
    private CodeFixProvider? codeFix;
    private string? equivalenceKey;
    private readonly List<(string Path, string Text)> fixedSources = new();
    private readonly List<(string Path, string Text)> batchFixedSources = new();
    private FixAllScope batchScope = FixAllScope.Document;
    private bool expectNoFix;
    private bool batchKeyGiven;
    private string? batchKey;

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
    private string? lineEnding;

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
        codeFix = new TCodeFix();
        return this;
    }

    /// <summary>Picks the fix whose equivalence key this is (otherwise the first one offered).</summary>
    public AnalyzerTest WithEquivalenceKey(string key)
    {
        equivalenceKey = key;
        return this;
    }

    /// <summary>The text of source <paramref name="index"/> after fixing every diagnostic, one at a time.</summary>
    public AnalyzerTest ExpectFix(string fixedSource, int index = 0)
    {
        fixedSources.Add((SourcePath(index), fixedSource));
        return this;
    }

    /// <summary>The text after one FixAll in <paramref name="scope"/> (defaults to the single-fix expectation).</summary>
    public AnalyzerTest ExpectBatchFix(string fixedSource, int index = 0, FixAllScope scope = FixAllScope.Document)
    {
        batchFixedSources.Add((SourcePath(index), fixedSource));
        batchScope = scope;
        return this;
    }

    /// <summary>The diagnostics are reported but no fix is offered for any of them.</summary>
    public AnalyzerTest ExpectNoFix()
    {
        expectNoFix = true;
        return this;
    }

    private string SourcePath(int index) => index < sources.Count ? sources[index].Path : $"/0/Test{index}.cs";

    private async Task ValidateCodeFixesAsync(Project project, Compilation original)
    {
        if (codeFix is null)
        {
            return;
        }

        // Fixes must not depend on the machine's culture: run them under Turkish, whose dotted/dotless i and
        // comma decimal separator break ToUpper/ToLower/ToString that forget the invariant culture.
        var (culture, uiCulture) = (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture);
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("tr-TR");
        try
        {
            await ValidateCodeFixesUnderCurrentCultureAsync(project, original);
        }
        finally
        {
            (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    private async Task ValidateCodeFixesUnderCurrentCultureAsync(Project project, Compilation original)
    {

        var fixable = await FixableDiagnosticsAsync(project);
        if (expectNoFix)
        {
            foreach (var diagnostic in fixable)
            {
                var actions = await ActionsForAsync(project.GetDocument(diagnostic.Location.SourceTree!)!, diagnostic);
                Assert.True(actions.Count == 0, $"Expected no fix for {diagnostic.Id} but got: {string.Join(", ", actions.Select(a => a.EquivalenceKey))}");
            }

            return;
        }

        Assert.True(fixedSources.Count > 0 || batchFixedSources.Count > 0, "A code-fix test must expect a fix (ExpectFix/ExpectBatchFix) or ExpectNoFix().");
        if (fixedSources.Count > 0)
        {
            var fixedProject = await ApplyOneAtATimeAsync(project);
            await AssertTextsAsync(fixedProject, fixedSources, "one fix at a time");
            await AssertCompilesAsync(fixedProject, original);
            await AssertIdempotentAsync(fixedProject);
        }

        var batchExpectations = batchFixedSources.Count > 0 ? batchFixedSources : fixedSources;
        var batchProject = await ApplyFixAllAsync(project, batchScope);
        await AssertTextsAsync(batchProject, batchExpectations, $"FixAll ({batchScope})");
        await AssertCompilesAsync(batchProject, original);
    }

    private async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers(analyzers.ToImmutableArray(), project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => d.Location.IsInSource).OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    private async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync(Project project)
        => (await AnalyzeAsync(project)).Where(d => codeFix!.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();

    private async Task<IReadOnlyList<CodeAction>> ActionsForAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await codeFix!.RegisterCodeFixesAsync(context);
        return actions.SelectMany(Flatten).ToArray();
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action)
        => action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Flatten);

    private CodeAction? Choose(IReadOnlyList<CodeAction> actions)
        => equivalenceKey is null ? actions.FirstOrDefault() : actions.FirstOrDefault(a => a.EquivalenceKey == equivalenceKey);

    private async Task<Project> ApplyOneAtATimeAsync(Project project)
    {
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var applied = false;
            foreach (var diagnostic in await FixableDiagnosticsAsync(project))
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree!)!;
                var action = Choose(await ActionsForAsync(document, diagnostic));
                if (action is null)
                {
                    continue;
                }

                var changed = await ApplyAsync(project, action);
                Assert.True(await HasChangesAsync(project, changed), $"The fix '{action.EquivalenceKey}' for {diagnostic.Id} changed nothing.");
                project = changed;
                applied = true;
                break;
            }

            if (!applied)
            {
                return project;
            }
        }

        Assert.Fail($"Fixes did not converge within {MaxIterations} iterations.");
        return project;
    }

    private async Task<Project> ApplyFixAllAsync(Project project, FixAllScope scope)
    {
        var fixAll = codeFix!.GetFixAllProvider();
        Assert.NotNull(fixAll);
        var first = (await FixableDiagnosticsAsync(project)).FirstOrDefault();
        Assert.NotNull(first);
        var document = project.GetDocument(first!.Location.SourceTree!)!;
        var key = batchKeyGiven ? batchKey : equivalenceKey ?? Choose(await ActionsForAsync(document, first))?.EquivalenceKey;
        Assert.True(batchKeyGiven || key is not null, "No fix is offered for the first diagnostic.");
        var context = new FixAllContext(document, codeFix, scope, key, codeFix.FixableDiagnosticIds, new Provider(this), CancellationToken.None);
        var action = await fixAll!.GetFixAsync(context);
        Assert.NotNull(action);
        return await ApplyAsync(project, action!);
    }

    private static async Task<Project> ApplyAsync(Project project, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetProject(project.Id)!;
    }

    private static async Task<bool> HasChangesAsync(Project before, Project after)
    {
        foreach (var document in after.Documents)
        {
            var old = before.GetDocument(document.Id);
            if (old is null || !(await old.GetTextAsync()).ContentEquals(await document.GetTextAsync()))
            {
                return true;
            }
        }

        return false;
    }

    private async Task AssertTextsAsync(Project project, List<(string Path, string Text)> expectations, string how)
    {
        foreach (var (path, text) in expectations)
        {
            var expected = Normalize(text);
            var document = project.Documents.Single(d => d.FilePath == path);
            var actual = (await document.GetTextAsync()).ToString();
            if (actual != expected)
            {
                Assert.Fail($"Fixed text of {path} ({how}) differs.\n{FirstDifference(expected, actual)}\n--- expected ---\n{expected}\n--- actual ---\n{actual}");
            }
        }
    }

    /// <summary>A fix may remove diagnostics, never add a compiler error or warning.</summary>
    private static async Task AssertCompilesAsync(Project project, Compilation original)
    {
        static string Key(Diagnostic d) => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        var before = original.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(Key).ToList();
        var after = (await project.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var added = after.Where(d => !before.Remove(Key(d))).ToList();
        Assert.True(added.Count == 0, "The fixed code has new compiler diagnostics:\n" + string.Join("\n", added.Select(Describe)));
    }

    /// <summary>Applying the fix to its own output changes nothing: no fix is offered there any more.</summary>
    private async Task AssertIdempotentAsync(Project project)
    {
        foreach (var diagnostic in await FixableDiagnosticsAsync(project))
        {
            var action = Choose(await ActionsForAsync(project.GetDocument(diagnostic.Location.SourceTree!)!, diagnostic));
            Assert.True(action is null, $"After fixing, a fix is still offered for {Describe(diagnostic)}");
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var index = 0;
        while (index < expected.Length && index < actual.Length && expected[index] == actual[index])
        {
            index++;
        }

        var line = expected.Take(index).Count(c => c == '\n') + 1;
        string Around(string text) => text.Substring(Math.Max(0, index - 20), Math.Min(40, text.Length - Math.Max(0, index - 20))).Replace("\r", "\\r").Replace("\n", "\\n");
        return $"First difference at line {line}: expected …{Around(expected)}… actual …{Around(actual)}…";
    }

    private sealed class Provider : FixAllContext.DiagnosticProvider
    {
        private readonly AnalyzerTest test;

        public Provider(AnalyzerTest test) => this.test = test;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => (await test.FixableDiagnosticsAsync(document.Project)).Where(d => d.Location.SourceTree!.FilePath == document.FilePath);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => await test.FixableDiagnosticsAsync(project);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => GetProjectDiagnosticsAsync(project, cancellationToken);
    }
}
