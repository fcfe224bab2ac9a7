using System.Collections.Immutable;
using System.Text;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Engine.Analysis;

/// <summary>The incidents of a project (or of the file alone) before and after a proposed change, and the ones it adds.</summary>
public sealed record ProposalIncidents(IReadOnlyList<Incident> Before, IReadOnlyList<Incident> After, IReadOnlyList<Incident> Added, string Scope);

/// <summary>
/// Judges a proposed C# file the way the build would: inside the compilation of the project that owns it (the same
/// compile inputs, so package types bind and the project's conventions apply), once with the current text and once
/// with the proposed one. Only incidents the proposed version adds count, so one that already exists elsewhere in
/// the project is not blamed on the change. Without an owning project the file is scanned on its own, and
/// <see cref="ProposalIncidents.Scope"/> says so.
/// </summary>
public static class ProposalScan
{
    public static async Task<ProposalIncidents> RunAsync(string repositoryRoot, AnalyzerCatalog catalog, TimeSpan evaluationTimeout, string fullPath, string original, string updated, CancellationToken cancellationToken)
    {
        OwningProject owner;
        using (EngineTrace.Measure("inputs"))
        {
            owner = await OwningProject.FindAsync(repositoryRoot, fullPath, evaluationTimeout, cancellationToken).ConfigureAwait(false);
        }

        string scope;
        if (owner.Inputs is { } inputs)
        {
            try
            {
                // The project as it is on disk is the "before": the proposed file's current text, or no such file yet.
                LoadedProject current;
                using (EngineTrace.Measure("load"))
                {
                    current = LoadedProject.Load(inputs, cancellationToken);
                }

                using (EngineTrace.Measure("analyze"))
                {
                    var before = await IncidentCollector.CollectAsync(current, catalog, repositoryRoot, cancellationToken).ConfigureAwait(false);
                    var after = await IncidentCollector.CollectAsync(current.WithDocument(fullPath, updated, cancellationToken), catalog, repositoryRoot, cancellationToken).ConfigureAwait(false);
                    return new ProposalIncidents(before, after, Added(before, after), "judged in " + owner.Explanation);
                }
            }
            catch (AegisException exception)
            {
                scope = "scanned on its own: " + owner.Explanation + " could not be loaded (" + exception.Message + ")";
            }
        }
        else
        {
            scope = "scanned on its own: " + owner.Explanation;
        }

        var beforeAlone = await ScanAloneAsync(repositoryRoot, catalog, fullPath, original, cancellationToken).ConfigureAwait(false);
        var afterAlone = await ScanAloneAsync(repositoryRoot, catalog, fullPath, updated, cancellationToken).ConfigureAwait(false);
        return new ProposalIncidents(beforeAlone, afterAlone, Added(beforeAlone, afterAlone), scope);
    }

    /// <summary>Incidents of <paramref name="after"/> beyond those of <paramref name="before"/>, counted per fingerprint:
    /// a second copy of an existing finding is new too.</summary>
    internal static IReadOnlyList<Incident> Added(IReadOnlyList<Incident> before, IReadOnlyList<Incident> after)
    {
        var remaining = before.GroupBy(i => i.Fingerprint, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var added = new List<Incident>();
        foreach (var incident in after)
        {
            if (remaining.TryGetValue(incident.Fingerprint, out var count) && count > 0)
            {
                remaining[incident.Fingerprint] = count - 1;
            }
            else
            {
                added.Add(incident);
            }
        }

        return added;
    }

    /// <summary>One C# file on its own, against the runtime's assemblies: the fallback when no project owns it.</summary>
    private static async Task<IReadOnlyList<Incident>> ScanAloneAsync(string repositoryRoot, AnalyzerCatalog catalog, string path, string text, CancellationToken cancellationToken)
    {
        if (text.Length == 0)
        {
            return Array.Empty<Incident>();
        }

        var references = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var inputs = new CompileInputs { ProjectPath = Path.Combine(repositoryRoot, "proposed.csproj"), AssemblyName = "Proposed" };
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var tree = CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8), parseOptions, path, cancellationToken);
        var project = LoadedProject.Create(inputs, parseOptions, new[] { tree }, references, Array.Empty<(string, SourceText)>(), ImmutableArray<AdditionalText>.Empty);
        return await IncidentCollector.CollectAsync(project, catalog, repositoryRoot, cancellationToken).ConfigureAwait(false);
    }
}
