using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Testing.Model;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>One run of Microsoft.CodeAnalysis.Testing, set up by <see cref="AnalyzerTest"/>.</summary>
internal interface IAegisHarness
{
    AegisHarnessCore Core { get; }

    /// <summary>The framework's own state, filled by <see cref="AnalyzerTest"/> before the run.</summary>
    SolutionState TestState { get; }

    Task RunAsync(CancellationToken cancellationToken = default);
}

/// <summary>The standard analyzer test with the project's conventions and checks (see <see cref="AegisHarnessCore"/>).</summary>
internal sealed class AegisAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>, IAegisHarness
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AegisAnalyzerTest(AegisHarnessCore core)
    {
        Core = core;
        core.Configure(this);
    }

    public AegisHarnessCore Core { get; }

    protected override CompilationOptions CreateCompilationOptions() => Core.CompilationOptions();

    protected override ParseOptions CreateParseOptions() => Core.ParseOptions();

    protected override Task<Workspace> CreateWorkspaceImplAsync() => AegisHarnessCore.CreateWorkspaceAsync();

    protected override Project ApplyCompilationOptions(Project project) => Core.ApplyCompilationOptions(project, DisabledDiagnostics);

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Core.Analyzers;

    protected override async Task<Project> CreateProjectImplAsync(EvaluatedProjectState primaryProject, ImmutableArray<EvaluatedProjectState> additionalProjects, CancellationToken cancellationToken)
        => Core.Created(await base.CreateProjectImplAsync(primaryProject, additionalProjects, cancellationToken));

    protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken)
        => Core.Analyzing(base.CreateCompilationWithAnalyzers(compilation, analyzers, options, cancellationToken));

    protected override async Task RunImplAsync(CancellationToken cancellationToken)
    {
        await base.RunImplAsync(cancellationToken);
        await Core.CheckAfterRunAsync(cancellationToken);
    }
}

/// <summary>The standard code-fix test with the project's conventions and checks (see <see cref="AegisHarnessCore"/>).</summary>
internal sealed class AegisCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>, IAegisHarness
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public AegisCodeFixTest(AegisHarnessCore core)
    {
        Core = core;
        core.Configure(this);

        // The analyzer tests already prove every finding yields to #pragma warning disable; here it would cost one
        // more analysis of the input and of each fixed state.
        TestBehaviors |= TestBehaviors.SkipSuppressionCheck;
    }

    public AegisHarnessCore Core { get; }

    protected override CompilationOptions CreateCompilationOptions() => Core.CompilationOptions();

    protected override ParseOptions CreateParseOptions() => Core.ParseOptions();

    protected override Task<Workspace> CreateWorkspaceImplAsync() => AegisHarnessCore.CreateWorkspaceAsync();

    protected override Project ApplyCompilationOptions(Project project) => Core.ApplyCompilationOptions(project, DisabledDiagnostics);

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Core.Analyzers;

    protected override async Task<Project> CreateProjectImplAsync(EvaluatedProjectState primaryProject, ImmutableArray<EvaluatedProjectState> additionalProjects, CancellationToken cancellationToken)
        => Core.Created(await base.CreateProjectImplAsync(primaryProject, additionalProjects, cancellationToken));

    protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken)
        => Core.Analyzing(base.CreateCompilationWithAnalyzers(compilation, analyzers, options, cancellationToken));

    protected override FixAllContext CreateFixAllContext(Document? document, Microsoft.CodeAnalysis.Text.TextSpan? diagnosticSpan, Project project, CodeFixProvider codeFixProvider, FixAllScope scope, string? codeActionEquivalenceKey, IEnumerable<string> diagnosticIds, DiagnosticSeverity minimumSeverity, FixAllContext.DiagnosticProvider fixAllDiagnosticProvider, CancellationToken cancellationToken)
        => base.CreateFixAllContext(document, diagnosticSpan, project, codeFixProvider, scope, Core.BatchEquivalenceKey.HasValue ? Core.BatchEquivalenceKey.Value : codeActionEquivalenceKey, diagnosticIds, minimumSeverity, fixAllDiagnosticProvider, cancellationToken);

    protected override async Task RunImplAsync(CancellationToken cancellationToken)
    {
        await base.RunImplAsync(cancellationToken);
        await Core.CheckAfterRunAsync(cancellationToken);
        await Core.CheckFixesAsync(new TCodeFix(), cancellationToken);
    }
}
