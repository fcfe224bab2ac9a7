using System.Globalization;
using Aegis.Analyzers;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Patching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Engine.Verification;

/// <summary>
/// The in-memory sandbox: the patched documents compiled with the rest of the project, re-scanned, and each
/// incident's remediation asserted per its verification strategy. Nothing touches the disk.
/// </summary>
public static class FileSandbox
{
    public static async Task<SandboxResult> RunAsync(LoadedProject project, IReadOnlyList<Incident> incidents, IReadOnlyList<PatchArtifact> patches, AnalyzerCatalog catalog, string repositoryRoot, CancellationToken cancellationToken)
    {
        var result = new SandboxResult { Mode = SandboxModes.File };
        if (patches.Count == 0)
        {
            result.Checks.Add(new Check(CheckNames.Sandbox, true, "no patches to verify"));
            return result;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        // ReplaceSyntaxTree keeps every unchanged tree (and its parse) from the analyzed compilation.
        var patched = project.WithDocuments(patches.ToDictionary(p => p.AbsolutePath, p => p.PatchedText), cancellationToken);

        // One analysis pass over the patched compilation gives both the compiler's errors and the re-scan: the
        // whole compilation, not only the patched files, because a patch can break a caller elsewhere and the
        // repository profile (a convention over every file) can move findings in files the patch never touched.
        var (rescannedDiagnostics, afterErrors) = await IncidentCollector.AnalyzeWithErrorsAsync(patched.Compilation, patched.AnalyzerOptions, catalog, cancellationToken).ConfigureAwait(false);
        var analysisElapsed = started.Elapsed;

        // 1. No new compiler errors (errors the project already had are not the patch's fault; the analysis pass
        //    that found the incidents already computed them).
        var before = (project.CompilerErrors ?? ErrorDiagnostics(project.Compilation, cancellationToken)).Select(Key).ToHashSet(StringComparer.Ordinal);
        var newErrors = afterErrors.Where(d => !before.Contains(Key(d))).ToList();
        foreach (var error in newErrors.Take(20))
        {
            result.OutputLines.Add(error.ToString());
        }

        var compiles = newErrors.Count == 0;
        result.Checks.Add(new Check(CheckNames.SandboxCompile, compiles, compiles ? "patched project compiles (no new errors)" : newErrors.Count.ToString(CultureInfo.InvariantCulture) + " new compiler error(s): " + newErrors[0].Id + " " + newErrors[0].GetMessage(CultureInfo.InvariantCulture)));
        EngineTrace.Write("sandbox compile+rescan", analysisElapsed);
        result.Commands.Add(new CommandRecord { Command = "compile (in memory)", ExitCode = compiles ? 0 : 1, DurationMs = (long)analysisElapsed.TotalMilliseconds, OutputTail = string.Join("\n", result.OutputLines.TakeLast(20)) });

        // 2. Re-scan: the fixed incidents are gone and nothing new appeared.
        var rescanStarted = System.Diagnostics.Stopwatch.StartNew();
        var rescanned = rescannedDiagnostics.Select(d => IncidentCollector.ToIncident(d, repositoryRoot, cancellationToken)).ToList();
        var originalFingerprints = incidents.Select(i => i.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var fixedFingerprints = patches.SelectMany(p => p.Fixes).ToHashSet(StringComparer.Ordinal);
        var remaining = rescanned.Where(i => fixedFingerprints.Contains(i.Fingerprint)).ToList();
        var appeared = rescanned.Where(i => !originalFingerprints.Contains(i.Fingerprint)).ToList();
        var rescanPassed = remaining.Count == 0 && appeared.Count == 0;
        var rescanMessage = rescanPassed
            ? fixedFingerprints.Count.ToString(CultureInfo.InvariantCulture) + " incident(s) gone, none new"
            : remaining.Count.ToString(CultureInfo.InvariantCulture) + " fixed incident(s) still reported, " + appeared.Count.ToString(CultureInfo.InvariantCulture) + " new";
        result.Checks.Add(new Check(CheckNames.SandboxRescan, rescanPassed, rescanMessage));
        foreach (var incident in remaining.Concat(appeared))
        {
            result.OutputLines.Add("rescan: " + incident.Rule + " " + incident.File + ":" + incident.Line.ToString(CultureInfo.InvariantCulture) + " " + incident.Message);
        }

        result.Commands.Add(new CommandRecord { Command = "rescan (in memory)", ExitCode = rescanPassed ? 0 : 1, DurationMs = rescanStarted.ElapsedMilliseconds, OutputTail = rescanMessage });

        // 3. Remediation assertions, one per fixed incident, by verification strategy.
        var failures = new List<string>();
        // The same finding twice in one file (a secret repeated) shares a fingerprint: one entry stands for both.
        var byFingerprint = incidents.GroupBy(i => i.Fingerprint, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var patch in patches)
        {
            var tree = patched.Compilation.SyntaxTrees.First(t => t.FilePath == patch.AbsolutePath);
            var patchFailures = new List<string>();
            foreach (var fingerprint in patch.Fixes)
            {
                if (byFingerprint.TryGetValue(fingerprint, out var incident) && Assert(incident, patch, tree, rescanned, cancellationToken) is { } failure)
                {
                    patchFailures.Add(failure);
                }
            }

            var ok = compiles && patchFailures.Count == 0 && !remaining.Any(r => r.AbsolutePath == patch.AbsolutePath) && !appeared.Any(a => a.AbsolutePath == patch.AbsolutePath);
            patch.ValidationStatus = ok ? ValidationStatuses.Verified : ValidationStatuses.Failed;
            failures.AddRange(patchFailures);
        }

        result.Checks.Add(new Check(CheckNames.SandboxAssertions, failures.Count == 0, failures.Count == 0 ? "every remediation assertion holds" : string.Join("; ", failures.Take(3))));
        result.OutputLines.AddRange(failures.Select(f => "assertion: " + f));
        result.BrokeBuildOrTests = !compiles;
        result.PatchIneffective = !rescanPassed || failures.Count > 0;
        return result;
    }

    /// <summary>One remediation assertion; null when it holds, else why not.</summary>
    internal static string? Assert(Incident incident, PatchArtifact patch, SyntaxTree patchedTree, IReadOnlyList<Incident> rescanned, CancellationToken cancellationToken)
    {
        switch (incident.VerificationStrategy)
        {
            case VerificationStrategies.SecretAbsent:
                return incident.SecretValues.Any(v => patch.PatchedText.Contains(v, StringComparison.Ordinal))
                    ? incident.Rule + " " + incident.File + ": the secret text is still in the patched file"
                    : null;
            case VerificationStrategies.SqlConstantText:
                // The analyzer's sink model is the authority on "only constant text reaches the sink": the patched
                // file must have no AEG001 left for this sink, and the patch must not have simply deleted the sink.
                return rescanned.Any(i => i.Rule == incident.Rule && i.AbsolutePath == patch.AbsolutePath && i.Fingerprint == incident.Fingerprint)
                    ? incident.Rule + " " + incident.File + ": the sink still receives non-constant text"
                    : null;
            case VerificationStrategies.EndpointAuthorized:
                return EndpointAuthorized(incident, patchedTree, cancellationToken)
                    ? null
                    : incident.Rule + " " + incident.File + ": the endpoint carries no authorization metadata";
            default:
                return null;
        }
    }

    /// <summary>The declaration the incident named (same class/method name, or the same Map call) now has authorization.</summary>
    private static bool EndpointAuthorized(Incident incident, SyntaxTree patchedTree, CancellationToken cancellationToken)
    {
        var originalNode = incident.Diagnostic?.Location.SourceTree?.GetRoot(cancellationToken).FindNode(incident.Diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (originalNode is null)
        {
            return false;
        }

        var root = patchedTree.GetRoot(cancellationToken);
        var method = originalNode.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        var type = originalNode.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
        var invocation = originalNode.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var n } && n.StartsWith("Map", StringComparison.Ordinal));
        if (invocation is not null)
        {
            var text = invocation.ToString();
            var patchedCall = root.DescendantNodes().OfType<InvocationExpressionSyntax>().FirstOrDefault(i => i.ToString() == text);
            for (SyntaxNode? node = patchedCall; node is not null && node is not StatementSyntax; node = node.Parent)
            {
                if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "RequireAuthorization" } })
                {
                    return true;
                }
            }

            return false;
        }

        var patchedType = type is null ? null : root.DescendantNodes().OfType<TypeDeclarationSyntax>().FirstOrDefault(t => t.Identifier.ValueText == type.Identifier.ValueText);
        if (patchedType is null)
        {
            return false;
        }

        if (HasAuthorize(patchedType.AttributeLists))
        {
            return true;
        }

        if (method is null)
        {
            return false;
        }

        var patchedMethod = patchedType.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == method.Identifier.ValueText && m.ParameterList.Parameters.Count == method.ParameterList.Parameters.Count);
        return patchedMethod is not null && HasAuthorize(patchedMethod.AttributeLists);
    }

    private static bool HasAuthorize(SyntaxList<AttributeListSyntax> lists)
        => lists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Split('.')[^1] is "Authorize" or "AuthorizeAttribute");

    private static IEnumerable<Diagnostic> ErrorDiagnostics(Microsoft.CodeAnalysis.Compilation compilation, CancellationToken cancellationToken)
        => compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error);

    private static string Key(Diagnostic diagnostic)
        => diagnostic.Id + "|" + diagnostic.Location.SourceTree?.FilePath + "|" + diagnostic.GetMessage(CultureInfo.InvariantCulture);
}
