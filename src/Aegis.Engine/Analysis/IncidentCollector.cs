using System.Collections.Immutable;
using System.Globalization;
using Aegis.Analyzers;
using Aegis.Analyzers.Infrastructure;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Engine.Analysis;

/// <summary>Runs the catalog's analyzers over a compilation and turns Aegis diagnostics into incidents.</summary>
public static class IncidentCollector
{
    public const string RulePrefix = "AEG";

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Microsoft.CodeAnalysis.Compilation compilation, AnalyzerOptions options, AnalyzerCatalog catalog, CancellationToken cancellationToken)
        => (await AnalyzeWithErrorsAsync(compilation, options, catalog, cancellationToken).ConfigureAwait(false)).Aegis;

    /// <summary>
    /// The Aegis diagnostics and the compiler's errors from one pass: the analyzer driver binds every method body
    /// anyway, so asking it for the compiler's diagnostics too saves the sandbox a second full binding.
    /// </summary>
    public static async Task<(ImmutableArray<Diagnostic> Aegis, ImmutableArray<Diagnostic> Errors)> AnalyzeWithErrorsAsync(Microsoft.CodeAnalysis.Compilation compilation, AnalyzerOptions options, AnalyzerCatalog catalog, CancellationToken cancellationToken)
    {
        if (catalog.Analyzers.IsEmpty)
        {
            return (ImmutableArray<Diagnostic>.Empty, Errors(compilation.GetDiagnostics(cancellationToken)));
        }

        var withAnalyzers = compilation.WithAnalyzers(
            catalog.Analyzers,
            new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAllDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var aegis = diagnostics
            .Where(d => d.Id.StartsWith(RulePrefix, StringComparison.Ordinal) && !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden)
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        return (aegis, Errors(diagnostics));
    }

    public static async Task<IReadOnlyList<Incident>> CollectAsync(LoadedProject project, AnalyzerCatalog catalog, string repositoryRoot, CancellationToken cancellationToken)
    {
        var (diagnostics, errors) = await AnalyzeWithErrorsAsync(project.Compilation, project.AnalyzerOptions, catalog, cancellationToken).ConfigureAwait(false);
        project.CompilerErrors = errors;
        return diagnostics.Select(d => ToIncident(d, repositoryRoot, cancellationToken)).ToList();
    }

    // Only the compiler's own errors (analyzer diagnostics carry their rule IDs; an AEG rule at error severity is not a compile error).
    private static ImmutableArray<Diagnostic> Errors(ImmutableArray<Diagnostic> diagnostics)
        => diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsSuppressed && d.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.Compiler)).ToImmutableArray();

    public static Incident ToIncident(Diagnostic diagnostic, string repositoryRoot, CancellationToken cancellationToken)
    {
        var tree = diagnostic.Location.SourceTree;
        var path = tree?.FilePath ?? "";
        var properties = diagnostic.Properties;
        var secrets = diagnostic.Id == RuleIdentifiers.HardcodedSecret ? IncidentIdentity.SecretLiterals(diagnostic, cancellationToken) : Array.Empty<string>();
        var masker = new SecretMasker(secrets);
        var evidence = masker.Mask(IncidentIdentity.Evidence(diagnostic, cancellationToken));
        var relative = path.Length == 0 ? "" : RepositoryPaths.Relative(repositoryRoot, path);
        var severity = properties.TryGetValue(DiagnosticPropertyNames.Severity, out var s) && s is { Length: > 0 }
            ? s
            : diagnostic.Severity switch { DiagnosticSeverity.Error => IncidentSeverities.High, DiagnosticSeverity.Warning => IncidentSeverities.Medium, _ => IncidentSeverities.Low };
        var confidence = properties.TryGetValue(DiagnosticPropertyNames.Confidence, out var c)
            && double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : 1.0;
        var remediation = properties.TryGetValue(DiagnosticPropertyNames.RemediationStrategy, out var r) && r is { Length: > 0 } ? r : RemediationStrategies.NeedsHumanReview;
        var verification = properties.TryGetValue(DiagnosticPropertyNames.VerificationStrategy, out var v) && v is { Length: > 0 } ? v : VerificationStrategies.ManualReview;
        properties.TryGetValue(DiagnosticPropertyNames.Route, out var route);
        properties.TryGetValue(DiagnosticPropertyNames.EndpointKind, out var endpointKind);
        return new Incident
        {
            Rule = diagnostic.Id,
            Family = FamilyOf(diagnostic.Id),
            Severity = severity,
            Confidence = confidence,
            File = relative,
            Line = diagnostic.Location.GetMappedLineSpan().StartLinePosition.Line + 1,
            Endpoint = string.IsNullOrEmpty(route) ? null : route,
            EndpointKind = string.IsNullOrEmpty(route) || string.IsNullOrEmpty(endpointKind) ? null : endpointKind,
            Message = masker.Mask(diagnostic.GetMessage(CultureInfo.InvariantCulture)),
            Evidence = evidence,
            RemediationStrategy = remediation,
            VerificationStrategy = verification,
            Fingerprint = Fingerprint(diagnostic.Id, relative, evidence),
            Symbol = IncidentIdentity.EnclosingSymbol(diagnostic.Location, cancellationToken),
            SecretHash = IncidentIdentity.SecretHash(diagnostic.Id, secrets),
            SecretValues = secrets,
            Diagnostic = diagnostic,
            AbsolutePath = path,
        };
    }

    /// <summary><see cref="IncidentIdentity.Fingerprint"/>: the one formula, shared with analyzer-side code.</summary>
    public static string Fingerprint(string rule, string file, string evidence)
        => IncidentIdentity.Fingerprint(rule, file, evidence);

    public static string FamilyOf(string rule)
    {
        try
        {
            return DiagnosticRules.FamilyOf(rule).DisplayName();
        }
        catch (ArgumentOutOfRangeException)
        {
            return "OTHER";
        }
    }
}
