using System.Collections.Immutable;
using System.Text;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Engine.Patching;

/// <summary>
/// Turns fixable incidents into patch artifacts: an <see cref="AdhocWorkspace"/> project with the same documents,
/// references and options, each incident's chosen code action applied to a copy, never to the working tree.
/// </summary>
public sealed class PatchGenerator
{
    private readonly AnalyzerCatalog catalog;
    private readonly string repositoryRoot;

    public PatchGenerator(AnalyzerCatalog catalog, string repositoryRoot)
    {
        this.catalog = catalog;
        this.repositoryRoot = repositoryRoot;
    }

    /// <summary>Patches per file, plus the fingerprints of incidents no fix could repair.</summary>
    public async Task<(IReadOnlyList<PatchArtifact> Patches, IReadOnlySet<string> Unfixable)> GenerateAsync(LoadedProject project, IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
    {
        var patches = new List<PatchArtifact>();
        var unfixable = new HashSet<string>(StringComparer.Ordinal);
        // The workspace (MEF composition, a second copy of every document) is the costly part: only build it when
        // some incident has a fixer at all.
        var fixable = incidents.Where(i => catalog.FixersFor(i.Rule).Any()).Select(i => i.Fingerprint).ToHashSet(StringComparer.Ordinal);
        unfixable.UnionWith(incidents.Select(i => i.Fingerprint).Where(f => !fixable.Contains(f)));
        if (fixable.Count == 0)
        {
            return (patches, unfixable);
        }

        var workspaceTrace = EngineTrace.Measure("fixes workspace");
        using var workspace = new AdhocWorkspace();
        var solution = BuildSolution(workspace, project);
        workspaceTrace.Dispose();
        // Files are fixed independently, each from the same solution, so they are fixed in parallel; results are
        // gathered in path order, so the patches are the same whatever finishes first.
        var files = incidents.Where(i => fixable.Contains(i.Fingerprint)).GroupBy(i => i.AbsolutePath).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var results = await Task.WhenAll(files.Select(group => Task.Run(() => FixFileAsync(solution, group, cancellationToken), cancellationToken))).ConfigureAwait(false);
        foreach (var (patch, notFixed) in results)
        {
            unfixable.UnionWith(notFixed);
            if (patch is not null)
            {
                patches.Add(patch);
            }
        }

        return (patches, unfixable);
    }

    /// <summary>One file's incidents fixed one after another; the patch (null when nothing was fixed) and the incidents left.</summary>
    private async Task<(PatchArtifact? Patch, List<string> Unfixable)> FixFileAsync(Solution solution, IGrouping<string, Incident> group, CancellationToken cancellationToken)
    {
        var unfixable = new List<string>();
        var documentId = solution.GetDocumentIdsWithFilePath(group.Key).FirstOrDefault();
        if (documentId is null)
        {
            return (null, group.Select(i => i.Fingerprint).ToList());
        }

        var originalText = (await solution.GetDocument(documentId)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
        var current = solution;
        var plan = new StringBuilder();
        var artifact = new PatchArtifact
        {
            File = RepositoryPaths.Relative(repositoryRoot, group.Key),
            AbsolutePath = group.Key,
            OriginalText = originalText,
            OriginalSha256 = Hashing.Sha256(originalText),
        };

        // Fixes are applied one after another; after each, the document is re-analyzed so the next fix sees
        // a diagnostic that matches the text it edits (spans move when earlier fixes insert code).
        foreach (var incident in group)
        {
            // Until a fix has changed this file, the analyzer's own diagnostic still matches the text.
            var diagnostic = artifact.Fixes.Count == 0
                ? incident.Diagnostic
                : await FindCurrentDiagnosticAsync(current, documentId, incident, cancellationToken).ConfigureAwait(false);
            var chosen = diagnostic is null ? null : await ChooseActionAsync(current.GetDocument(documentId)!, diagnostic, incident, cancellationToken).ConfigureAwait(false);
            if (chosen is null)
            {
                unfixable.Add(incident.Fingerprint);
                continue;
            }

            var changed = await ApplyAsync(chosen, current, cancellationToken).ConfigureAwait(false);
            var changedDocument = changed?.GetDocument(documentId);
            var before = (await current.GetDocument(documentId)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            var after = changedDocument is null ? before : (await changedDocument.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            if (changed is null || after == before)
            {
                unfixable.Add(incident.Fingerprint);
                continue;
            }

            current = changed;
            artifact.Fixes.Add(incident.Fingerprint);
            artifact.EquivalenceKeys.Add(chosen.EquivalenceKey ?? "");
            plan.Append("- ").Append(incident.Rule).Append(" line ").Append(incident.Line).Append(": ").Append(chosen.Title)
                .Append(" (").Append(chosen.EquivalenceKey).Append(") because ").Append(incident.Message.TrimEnd('.')).Append(". Verified by ").Append(incident.VerificationStrategy).Append(".\n");
        }

        if (artifact.Fixes.Count == 0)
        {
            return (null, unfixable);
        }

        var patchedText = (await current.GetDocument(documentId)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
        artifact.PatchedText = patchedText;
        artifact.PatchedSha256 = Hashing.Sha256(patchedText);
        artifact.Diff = UnifiedDiff.Create(artifact.File, originalText, patchedText);
        artifact.Plan = plan.ToString().TrimEnd('\n');
        return (artifact, unfixable);
    }

    internal static Solution BuildSolution(AdhocWorkspace workspace, LoadedProject project)
    {
        var projectId = ProjectId.CreateNewId(project.Inputs.AssemblyName);
        var info = ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            project.Inputs.AssemblyName,
            project.Inputs.AssemblyName,
            LanguageNames.CSharp,
            filePath: project.Inputs.ProjectPath,
            compilationOptions: project.Compilation.Options,
            parseOptions: project.ParseOptions,
            metadataReferences: project.Compilation.References);
        var solution = workspace.CurrentSolution.AddProject(info);
        foreach (var tree in project.Compilation.SyntaxTrees)
        {
            var id = DocumentId.CreateNewId(projectId, tree.FilePath);
            solution = solution.AddDocument(DocumentInfo.Create(
                id,
                Path.GetFileName(tree.FilePath),
                loader: TextLoader.From(TextAndVersion.Create(tree.GetText(), VersionStamp.Default, tree.FilePath)),
                filePath: tree.FilePath));
        }

        foreach (var (path, text) in project.AnalyzerConfigs)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId, path), Path.GetFileName(path), text, filePath: path);
        }

        foreach (var additional in project.AnalyzerOptions.AdditionalFiles)
        {
            var text = additional.GetText() ?? SourceText.From("");
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId, additional.Path), Path.GetFileName(additional.Path), text, filePath: additional.Path);
        }

        return solution;
    }

    private async Task<Diagnostic?> FindCurrentDiagnosticAsync(Solution solution, DocumentId documentId, Incident incident, CancellationToken cancellationToken)
    {
        var document = solution.GetDocument(documentId)!;
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return null;
        }

        var options = new AnalyzerOptions(
            document.Project.AnalyzerOptions.AdditionalFiles,
            document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider);
        var analyzers = catalog.Analyzers.Where(a => a.SupportedDiagnostics.Any(d => d.Id == incident.Rule)).ToImmutableArray();
        var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
        if (tree is null || analyzers.IsEmpty)
        {
            return null;
        }

        // Only this document is re-analyzed: the other documents did not change.
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var model = compilation.GetSemanticModel(tree);
        var diagnostics = (await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, cancellationToken).ConfigureAwait(false))
            .AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, cancellationToken).ConfigureAwait(false));
        return diagnostics
            .Where(d => d.Id == incident.Rule && d.Location.SourceTree == tree)
            .FirstOrDefault(d => IncidentCollector.ToIncident(d, repositoryRoot, cancellationToken).Fingerprint == incident.Fingerprint);
    }

    /// <summary>
    /// The action whose equivalence key names the incident's remediation strategy, else the first by ordinal key
    /// order. Actions that declare an endpoint public (<c>*.AllowAnonymous</c>) are never chosen: that is a person's call.
    /// </summary>
    private async Task<CodeAction?> ChooseActionAsync(Document document, Diagnostic diagnostic, Incident incident, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        foreach (var fixer in catalog.FixersFor(diagnostic.Id))
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => { lock (actions) { actions.Add(action); } }, cancellationToken);
            await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        }

        var wanted = Normalize(incident.RemediationStrategy);
        return actions
            .Where(a => a.EquivalenceKey is { Length: > 0 } key && !key.EndsWith(".AllowAnonymous", StringComparison.Ordinal))
            .OrderBy(a => Normalize(a.EquivalenceKey!.Split('.')[^1]) == wanted ? 0 : 1)
            .ThenBy(a => a.EquivalenceKey, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static string Normalize(string text) => new(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static async Task<Solution?> ApplyAsync(CodeAction action, Solution solution, CancellationToken cancellationToken)
    {
        var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        return operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution;
    }
}
