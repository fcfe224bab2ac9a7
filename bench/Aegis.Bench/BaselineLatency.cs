using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Aegis.Analyzers.Baseline;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Profile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Bench;

/// <summary>What the baseline suppressor adds to the per-document IDE path (goal: at most 1 ms).</summary>
/// <param name="Findings">The document's Aegis findings; the baseline holds every one (the suppressor's worst case:
/// each is looked up, its identity computed, and suppressed).</param>
/// <param name="WithoutMs">Median wall time of the three rules on the document, no baseline.</param>
/// <param name="WithMs">The same with the suppressor and the baseline AdditionalFile.</param>
/// <param name="SuppressorOwnMs">The suppressor's own time (the driver's telemetry), median.</param>
internal sealed record BaselineSuppressorLatency(int Findings, int Suppressed, double WithoutMs, double WithMs, double SuppressorOwnMs, int Runs)
{
    public double AddedMs => WithMs - WithoutMs;
}

/// <summary>
/// The rules alone, then the rules with the suppressor and a baseline holding the document's findings, each run an
/// edit (as <see cref="Latency"/> times them), alternating so that drift in the machine's load falls on both.
/// </summary>
internal static class BaselineLatency
{
    public static BaselineSuppressorLatency Measure(Compilation compilation, SyntaxTree document, Func<Compilation, SyntaxTree, (Compilation, SyntaxTree)> edit, int runs)
    {
        var rules = typeof(RepositoryProfileBuilder).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !typeof(DiagnosticSuppressor).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var suppressor = new BaselineSuppressor();
        var withSuppressor = rules.Add(suppressor);
        var baseline = new InMemoryText(Path.Combine(Path.GetDirectoryName(document.FilePath)!, ".aegis", "baseline.json"), BaselineOf(compilation, document, rules));
        var none = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
        var withBaseline = new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(baseline));

        var (current, tree) = edit(compilation, document);
        Once(current, tree, rules, none, null);
        (current, tree) = edit(current, tree);
        var (_, findings, suppressed, _) = Once(current, tree, withSuppressor, withBaseline, suppressor);
        var without = new List<double>();
        var with = new List<double>();
        var own = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            (current, tree) = edit(current, tree);
            without.Add(Once(current, tree, rules, none, null).WallMs);
            (current, tree) = edit(current, tree);
            var run = Once(current, tree, withSuppressor, withBaseline, suppressor);
            with.Add(run.WallMs);
            own.Add(run.SuppressorMs);
        }

        return new BaselineSuppressorLatency(findings, suppressed, Latency.Median(without), Latency.Median(with), Latency.Median(own), runs);
    }

    /// <summary>A baseline (aegis.snapshot/v1) holding every Aegis finding of the document, as the engine would write it.</summary>
    private static string BaselineOf(Compilation compilation, SyntaxTree document, ImmutableArray<DiagnosticAnalyzer> rules)
    {
        var analysis = compilation.WithAnalyzers(rules, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, false, false, false));
        var diagnostics = analysis.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(document), null, CancellationToken.None).GetAwaiter().GetResult();
        var file = Path.GetFileName(document.FilePath);
        var incidents = new List<object?>();
        foreach (var diagnostic in diagnostics.Where(d => d.Id.StartsWith("AEG", StringComparison.Ordinal)))
        {
            var literals = diagnostic.Id == "AEG002" ? IncidentIdentity.SecretLiterals(diagnostic, CancellationToken.None) : Array.Empty<string>();
            var evidence = IncidentIdentity.MaskedEvidence(diagnostic, literals, CancellationToken.None);
            var entry = new List<KeyValuePair<string, object?>>
            {
                new("fingerprint", IncidentIdentity.Fingerprint(diagnostic.Id, file, evidence)),
                new("rule", diagnostic.Id),
                new("severity", "MEDIUM"),
                new("file", file),
                new("evidence", evidence),
            };
            if (IncidentIdentity.SecretHash(diagnostic.Id, literals) is { } hash)
            {
                entry.Add(new("secret_hash", hash));
            }

            incidents.Add(entry);
        }

        return MiniJson.Write(new List<KeyValuePair<string, object?>>
        {
            new("schema", "aegis.snapshot/v1"),
            new("id", "bench"),
            new("files", new List<KeyValuePair<string, object?>> { new(file, "0") }),
            new("incidents", incidents),
        });
    }

    private static (double WallMs, int Findings, int Suppressed, double SuppressorMs) Once(Compilation compilation, SyntaxTree document, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, DiagnosticSuppressor? suppressor)
    {
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: true));
        var model = withAnalyzers.Compilation.GetSemanticModel(document);
        foreach (var body in document.GetRoot().DescendantNodes().Where(n => n is BlockSyntax { Parent: MemberDeclarationSyntax or AccessorDeclarationSyntax } or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax))
        {
            model.GetOperation(body);
        }

        var stopwatch = Stopwatch.StartNew();
        var diagnostics = withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, CancellationToken.None).GetAwaiter().GetResult();
        stopwatch.Stop();
        var own = suppressor is null ? 0 : withAnalyzers.GetAnalyzerTelemetryInfoAsync(suppressor, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
        var aegis = diagnostics.Where(d => d.Id.StartsWith("AEG", StringComparison.Ordinal)).ToList();
        return (stopwatch.Elapsed.TotalMilliseconds, aegis.Count, aegis.Count(d => d.IsSuppressed), own);
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
    }
}
