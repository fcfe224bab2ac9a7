using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Baseline;

/// <summary>
/// Suppresses the AEG001–AEG003 findings the repository's baseline holds, so that the editor and <c>dotnet build</c>
/// show a developer only what they introduced. A finding is held when the baseline has its fingerprint (rule, file,
/// masked evidence) and, for AEG002, the hash of its secret: a different secret in the same place stays visible.
/// A baseline that does not parse suppresses nothing (the engine reports it, AEGB005).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BaselineSuppressor : DiagnosticSuppressor
{
    private static readonly ImmutableDictionary<string, SuppressionDescriptor> ByRule
        = DiagnosticRules.BaselineSuppressions.ToImmutableDictionary(s => s.SuppressedDiagnosticId, StringComparer.Ordinal);

    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = DiagnosticRules.BaselineSuppressions.ToImmutableArray();

    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        try
        {
            var baseline = BaselineFiles.Find(context.Options, context.CancellationToken);
            if (baseline.IsEmpty)
            {
                return;
            }

            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                if (ByRule.TryGetValue(diagnostic.Id, out var descriptor) && Holds(baseline, diagnostic, context.CancellationToken))
                {
                    context.ReportSuppression(Suppression.Create(descriptor, diagnostic));
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never fail a build or an editor over the baseline: nothing more is suppressed.
        }
    }

    /// <summary>Whether the baseline holds this finding, under any repository-relative spelling of its path.</summary>
    internal static bool Holds(BaselineIndex baseline, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var path = diagnostic.Location.SourceTree?.FilePath;
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        // The baseline's files are relative to the repository root, which a compilation does not know: each tail of
        // the path at a folder boundary is a candidate, and the fingerprint (which includes the file) decides.
        path = path!.Replace('\\', '/');
        DiagnosticIdentity? identity = null;
        for (var start = 0; start >= 0 && start < path.Length; start = NextSegment(path, start))
        {
            var relative = path.Substring(start);
            if (baseline.For(relative) is not { } entries)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry.Rule != diagnostic.Id)
                {
                    continue;
                }

                identity ??= DiagnosticIdentity.Of(diagnostic, cancellationToken);
                if (entry.Fingerprint == identity.FingerprintIn(relative)
                    && entry.SecretHash == identity.SecretHash)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int NextSegment(string path, int start)
    {
        var slash = path.IndexOf('/', start);
        return slash < 0 ? -1 : slash + 1;
    }
}
