using System.Globalization;
using System.Text;
using Aegis.Engine.Analysis;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Patching;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;

namespace Aegis.Engine;

/// <summary>One project's incidents and the patches proposed for them.</summary>
public sealed class ProjectAnalysis
{
    public required LoadedProject Project { get; init; }

    public required IReadOnlyList<Incident> Incidents { get; init; }

    public required IReadOnlyList<PatchArtifact> Patches { get; init; }

    public required IReadOnlySet<string> Unfixable { get; init; }

    /// <summary>
    /// Every incident the analyzers found, when <see cref="Incidents"/> keeps only some (<c>fix --rule</c>, <c>watch</c>'s
    /// new ones): the sandbox's re-scan judges "nothing new appeared" against all of them, not only the selected.
    /// </summary>
    public IReadOnlyList<Incident>? AllIncidents { get; init; }

    /// <summary>
    /// The file sandbox already run on exactly these patches (<see cref="AegisEngine.PrepareAsync"/>, the warm server
    /// while the compiler runs); null: <see cref="AegisEngine.EvaluateAsync"/> runs it.
    /// </summary>
    public PreparedSandbox? PreparedSandbox { get; init; }
}

/// <summary>A file sandbox's result and the patch objects it judged (and marked verified or failed).</summary>
public sealed record PreparedSandbox(IReadOnlyList<PatchArtifact> Patches, SandboxResult Result);

/// <summary>
/// The pipeline every front uses: compilation → incidents → patch artifacts → policy → sandbox → Risk Card.
/// Fronts parse input and print; this class decides.
/// </summary>
public sealed class AegisEngine
{
    public const int StdoutLines = 80;

    private readonly EngineOptions options;

    public AegisEngine(EngineOptions options) => this.options = options;

    public AegisPolicy Policy => options.Policy ?? AegisPolicy.Load(options.RepositoryRoot);

    public async Task<ProjectAnalysis> AnalyzeAsync(LoadedProject project, CancellationToken cancellationToken)
    {
        IReadOnlyList<Incident> incidents;
        IReadOnlyList<Incident> all;
        using (EngineTrace.Measure("analyze"))
        {
            incidents = await IncidentCollector.CollectAsync(project, options.Catalog, options.RepositoryRoot, cancellationToken).ConfigureAwait(false);
            all = incidents;
            if (options.Rules is { } rules)
            {
                incidents = incidents.Where(i => rules.Contains(i.Rule)).ToList();
            }

            if (options.Fingerprints is { } fingerprints)
            {
                incidents = incidents.Where(i => fingerprints.Contains(i.Fingerprint)).ToList();
            }
        }

        IReadOnlyList<PatchArtifact> patches;
        IReadOnlySet<string> unfixable;
        using (EngineTrace.Measure("fixes"))
        {
            (patches, unfixable) = await new PatchGenerator(options.Catalog, options.RepositoryRoot).GenerateAsync(project, incidents, cancellationToken).ConfigureAwait(false);
        }

        return new ProjectAnalysis { Project = project, Incidents = incidents, Patches = patches, Unfixable = unfixable, AllIncidents = ReferenceEquals(all, incidents) ? null : all };
    }

    /// <summary>
    /// <see cref="AnalyzeAsync"/> and, with the file sandbox, the sandbox too: everything of a build's card that depends
    /// only on the compilation, the catalog and the repository root. The policy, knowledge and baseline are read later by
    /// <see cref="EvaluateAsync"/>, which then finds the sandbox done. The result is used once: the sandbox marked its
    /// patches verified or failed.
    /// </summary>
    public async Task<ProjectAnalysis> PrepareAsync(LoadedProject project, CancellationToken cancellationToken)
    {
        var analysis = await AnalyzeAsync(project, cancellationToken).ConfigureAwait(false);
        if (options.Sandbox != SandboxModes.File)
        {
            return analysis;
        }

        // The patches EvaluateAsync will hand this project's sandbox when it is the only project.
        var filePatches = PatchesOfProject(CardPatches(new[] { analysis }), analysis);
        if (filePatches.Count == 0)
        {
            return analysis;
        }

        var result = await FileSandbox.RunAsync(project, analysis.AllIncidents ?? analysis.Incidents, filePatches, options.Catalog, options.RepositoryRoot, cancellationToken).ConfigureAwait(false);
        return new ProjectAnalysis
        {
            Project = analysis.Project,
            Incidents = analysis.Incidents,
            Patches = analysis.Patches,
            Unfixable = analysis.Unfixable,
            AllIncidents = analysis.AllIncidents,
            PreparedSandbox = new PreparedSandbox(filePatches, result),
        };
    }

    /// <summary>One patch per file over all projects, in file order: what the card lists and the sandbox verifies.</summary>
    private static List<PatchArtifact> CardPatches(IReadOnlyList<ProjectAnalysis> projects)
        => projects.SelectMany(p => p.Patches).GroupBy(p => p.File).Select(g => g.First()).OrderBy(p => p.File, StringComparer.Ordinal).ToList();

    private static List<PatchArtifact> PatchesOfProject(IReadOnlyList<PatchArtifact> patches, ProjectAnalysis project)
        => patches.Where(p => project.Patches.Contains(p)).ToList();

    /// <summary>The card for one or more analyzed projects (the build, scan and verify verbs).</summary>
    public async Task<RiskCard> EvaluateAsync(IReadOnlyList<ProjectAnalysis> projects, List<KeyValuePair<string, object?>> action, CancellationToken cancellationToken)
    {
        var policy = Policy;
        var incidents = projects.SelectMany(p => p.Incidents).GroupBy(i => i.Fingerprint).Select(g => g.First()).ToList();
        var patches = CardPatches(projects);
        var unfixable = projects.SelectMany(p => p.Unfixable).ToHashSet(StringComparer.Ordinal);
        // New and existing debt are told apart first, so that the checks can say which is which.
        var baseline = options.Baseline is { } applied ? Describe(applied, applied.Apply(incidents), options.RepositoryRoot) : null;
        var card = new RiskCard { Action = action, Incidents = OrderedForBaseline(incidents, baseline), Patches = patches, Baseline = baseline, LinesOfCSharp = Snapshots.CSharpLines.Count(projects.Select(p => p.Project.Compilation), options.RepositoryRoot) };

        BoostConfidence(incidents, policy);

        var incidentChecks = IncidentChecks(incidents, patches, unfixable, policy, baseline);
        card.Checks.AddRange(incidentChecks.Checks);
        var (reviewNotes, unpatched, lowConfidence) = (incidentChecks.ReviewNotes, incidentChecks.Unpatched, incidentChecks.LowConfidence);
        var pathProblems = patches.Select(p => policy.CheckPath(options.RepositoryRoot, p.File)).Where(p => p is not null).ToList();
        card.Checks.Add(new Check(CheckNames.Policy, pathProblems.Count == 0, pathProblems.Count == 0 ? "OK" : string.Join("; ", pathProblems)));
        var failOpen = patches.Select(p => (Patch: p, Fallbacks: FailClosedSecrets.Introduced(p.File, p.OriginalText, p.PatchedText))).Where(p => p.Fallbacks.Count > 0).ToList();
        card.Checks.Add(FailClosedSecrets.Check(failOpen.SelectMany(p => p.Fallbacks).ToList()));

        // The code fixes should never silence a check; if one did, the card says so like for a proposed change.
        card.Tampering = TamperingGate.Judge(patches.Select(p => new ChangedFile(p.File, p.OriginalText, p.PatchedText)), policy, TamperingGate.CodeFixesActor);
        if (TamperingGate.Check(card.Tampering, policy, TamperingGate.CodeFixesActor) is { } tampering)
        {
            card.Checks.Add(tampering);
        }

        SandboxResult sandbox;
        using (EngineTrace.Measure("sandbox"))
        {
            sandbox = await RunSandboxAsync(projects, incidents, patches, cancellationToken).ConfigureAwait(false);
        }

        card.Checks.AddRange(sandbox.Checks);
        card.Sandbox = new SandboxSummary { Mode = sandbox.Mode, Commands = sandbox.Commands };
        card.Stdout = Tail(sandbox.OutputLines);
        card.Diff = string.Concat(patches.Select(p => p.Diff));

        // A patch that lets a missing secret through is a failed remediation, however well it built and tested.
        foreach (var (patch, _) in failOpen)
        {
            patch.ValidationStatus = ValidationStatuses.Failed;
        }

        // Rollback is about patches: a failing build or verify command with no patch in play is a person's to look at.
        var recommendation = (sandbox.BrokeBuildOrTests || sandbox.PatchIneffective || failOpen.Count > 0) && patches.Count > 0
            ? Recommendations.Rollback
            : sandbox.BrokeBuildOrTests || sandbox.PatchIneffective
                ? Recommendations.NeedsHumanReview
            : unpatched > 0 || reviewNotes > 0 || lowConfidence > 0 || pathProblems.Count > 0 || (patches.Count > 0 && sandbox.Mode == SandboxModes.None)
                ? Recommendations.NeedsHumanReview
                : Recommendations.ApprovedForRollout;
        Finish(card, recommendation, MaskerFor(incidents));
        if (baseline is not null)
        {
            JudgeNewOnly(card, baseline, IncidentChecks(incidents.Where(i => i.BaselineState == BaselineStates.New).ToList(), patches, unfixable, policy, baseline: null).Checks);
        }

        return card;
    }

    /// <summary>The checks about the incidents themselves: any at all, each with a patch, each confident enough.</summary>
    private static (List<Check> Checks, int ReviewNotes, int Unpatched, int LowConfidence) IncidentChecks(IReadOnlyList<Incident> incidents, IReadOnlyList<PatchArtifact> patches, IReadOnlySet<string> unfixable, AegisPolicy policy, CardBaseline? baseline)
    {
        var checks = new List<Check>();
        var inBaseline = baseline is null ? "" : "; " + Count(baseline.Unchanged) + " of them in baseline " + baseline.Id;
        checks.Add(new Check(CheckNames.Incidents, incidents.Count == 0, incidents.Count == 0 ? "no incidents" : DescribeIncidents(incidents) + inBaseline));
        // Review notes need a person, never a patch: they neither fail the patch check nor the confidence check.
        var reviewNotes = incidents.Count(i => i.IsReviewNote);
        var unpatched = incidents.Count(i => !i.IsReviewNote && (unfixable.Contains(i.Fingerprint) || !patches.Any(p => p.Fixes.Contains(i.Fingerprint))));
        checks.Add(new Check(CheckNames.Patches, unpatched == 0, incidents.Count == 0 ? "nothing to patch"
            : unpatched > 0 ? Count(unpatched) + " of " + Count(incidents.Count) + " incident(s) have no safe patch (needs human review)"
            : reviewNotes == 0 ? "every incident has a deterministic patch"
            : reviewNotes == incidents.Count ? Count(reviewNotes) + " review note(s): a person decides, no patch expected"
            : "every other incident has a deterministic patch; " + Count(reviewNotes) + " review note(s): a person decides, no patch expected"));
        var lowConfidence = incidents.Count(i => !i.IsReviewNote && i.BoostedConfidence < policy.MinConfidence);
        checks.Add(new Check(CheckNames.Confidence, lowConfidence == 0, lowConfidence == 0 ? "every incident at or above confidence " + Glob.Format(policy.MinConfidence) : Count(lowConfidence) + " incident(s) below confidence " + Glob.Format(policy.MinConfidence)));
        return (checks, reviewNotes, unpatched, lowConfidence);
    }

    private static CardBaseline Describe(BuildBaseline baseline, (int New, int Unchanged) counts, string root)
    {
        var relative = Path.GetRelativePath(root, baseline.Path);
        var inside = !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
        return new() { Path = inside ? relative.Replace('\\', '/') : baseline.Path, Id = baseline.Id, New = counts.New, Unchanged = counts.Unchanged };
    }

    /// <summary>New incidents first (what a person came to see), each group in the order analysis found them.</summary>
    private static List<Incident> OrderedForBaseline(List<Incident> incidents, CardBaseline? baseline)
        => baseline is null ? incidents : incidents.OrderBy(i => i.BaselineState == BaselineStates.New ? 0 : 1).ToList();

    /// <summary>
    /// The verdict with only the new incidents: the incident checks judged over them, every other check (policy,
    /// tampering, the sandbox's build and tests) as the card has it, scored the same way. The gate reads it when it
    /// counts only new incidents (<see cref="RiskGate.Evaluate"/>).
    /// </summary>
    private static void JudgeNewOnly(RiskCard card, CardBaseline baseline, List<Check> newOnlyIncidentChecks)
    {
        var replaced = newOnlyIncidentChecks.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var view = new RiskCard
        {
            Checks = card.Checks.Select(c => replaced.TryGetValue(c.Name, out var r) ? r : c).ToList(),
            Incidents = card.Incidents.Where(i => i.BaselineState == BaselineStates.New).ToList(),
            DiffAnalysis = card.DiffAnalysis,
            Tampering = card.Tampering,
        };
        view.Status = view.Checks.Any(c => !c.Passed) ? RiskStatus.Blocked : RiskStatus.Allow;
        RiskScorer.Score(view);
        baseline.NewOnlyStatus = view.Status;
        baseline.NewOnlyRiskScore = view.RiskScore;
        baseline.NewOnlyRiskLevel = view.RiskLevel;
        baseline.NewOnlyReasons = view.Reasons;
    }

    /// <summary>The seatbelt: policy → content check → sandbox → card for a proposed change. Any failed step blocks.</summary>
    public async Task<RiskCard> ProposeAsync(ProposedAction proposed, CancellationToken cancellationToken)
    {
        var policy = Policy;
        var relative = proposed.File.Replace('\\', '/');
        var card = new RiskCard
        {
            Action = new()
            {
                new("kind", "propose"),
                new("file", relative),
                new("intent", proposed.Intent),
                new("mode", proposed.Delete ? "delete" : proposed.Content is not null ? "content" : "patch"),
                new("actor", proposed.Actor),
                new("sandbox", options.Sandbox),
            },
        };

        var pathProblem = policy.CheckPath(options.RepositoryRoot, relative);
        var blockedIntent = policy.CheckIntent(proposed.Intent);
        var policyProblems = new List<string>();
        if (pathProblem is not null)
        {
            policyProblems.Add(pathProblem);
        }

        if (blockedIntent is not null)
        {
            policyProblems.Add("intent contains blocked word '" + blockedIntent + "'");
        }

        card.Checks.Add(new Check(CheckNames.Policy, policyProblems.Count == 0, policyProblems.Count == 0 ? "OK" : string.Join("; ", policyProblems)));
        var masker = SecretMasker.None;
        var sandboxBroke = false;

        // The file as it is and as the change leaves it (null: deleted; a patch that does not apply: unknown). Read for
        // any path inside the repository, so tampering with a path the policy refuses (.aegis/) is still named.
        var fullPath = Path.Combine(options.RepositoryRoot, relative);
        var inside = AegisPolicy.CheckLocation(options.RepositoryRoot, relative) is null;
        var exists = inside && File.Exists(fullPath);
        var original = exists ? File.ReadAllText(fullPath) : "";
        var updated = !inside || proposed.Delete ? null : proposed.Content ?? UnifiedDiff.Apply(original, proposed.Patch!);
        var patchApplies = proposed.Delete || updated is not null;
        if (inside && patchApplies)
        {
            card.Tampering = TamperingGate.Judge(new[] { new ChangedFile(relative, exists ? original : null, updated) }, policy, proposed.Actor);
            if (TamperingGate.Check(card.Tampering, policy, proposed.Actor) is { } tampering)
            {
                card.Checks.Add(tampering);
            }
        }

        if (pathProblem is null)
        {
            if (!patchApplies)
            {
                card.Checks.Add(new Check(CheckNames.Syntax, false, "the patch does not apply to the current " + relative));
            }
            else if (proposed.Delete && !exists)
            {
                card.Checks.Add(new Check(CheckNames.Syntax, false, "there is no " + relative + " to delete"));
            }
            else
            {
                card.Diff = UnifiedDiff.Create(relative, original, updated ?? "");
                var syntaxProblem = updated is null ? null : ContentChecks.Check(relative, updated);
                card.Checks.Add(new Check(CheckNames.Syntax, syntaxProblem is null, syntaxProblem ?? (updated is null ? "the file is deleted" : "content parses")));
                if (syntaxProblem is null && updated is not null && relative.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
                {
                    card.Checks.Add(FailClosedSecrets.Check(FailClosedSecrets.Introduced(relative, original, updated)));
                }

                // New incidents the change brings: judged in the owning project's compilation, before and after.
                var scanned = updated is not null && relative.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)
                    ? await ProposalScan.RunAsync(options.RepositoryRoot, options.Catalog, options.BuildTimeout, fullPath, original, updated, cancellationToken).ConfigureAwait(false)
                    : null;
                var added = scanned?.Added.ToList() ?? new List<Incident>();
                card.Incidents = added;
                masker = scanned is null ? SecretMasker.None : MaskerFor(scanned.After.Concat(scanned.Before));
                var scope = scanned is null ? "" : " (" + scanned.Scope + ")";
                card.Checks.Add(new Check(CheckNames.Incidents, added.Count == 0, (added.Count == 0 ? "the change adds no incidents" : "the change adds " + DescribeIncidents(added)) + scope));
                card.DiffAnalysis = DiffAnalyzer.Analyze(card.Diff, masker);
                var dangerous = card.DiffAnalysis.RiskyPatterns;
                card.Checks.Add(new Check("diff_analysis", dangerous.Count == 0, dangerous.Count == 0 ? "no risky patterns" : "risky: " + string.Join(", ", dangerous)));

                var failedSoFar = card.Checks.Any(c => !c.Passed);
                if (failedSoFar || options.Sandbox == SandboxModes.None)
                {
                    card.Checks.Add(new Check(CheckNames.Sandbox, !failedSoFar, failedSoFar ? "skipped: an earlier step failed" : "skipped (sandbox=none)"));
                    card.Sandbox = new SandboxSummary { Mode = options.Sandbox };
                }
                else if (options.Sandbox == SandboxModes.Repository || options.VerifyCommands.Count > 0)
                {
                    var result = await new RepositorySandbox { RunTests = options.RunTests, BuildTimeout = options.BuildTimeout, Keep = options.KeepSandbox }
                        .RunAsync(options.RepositoryRoot, new[] { new FileChange(relative, updated) }, options.BuildTarget, options.VerifyCommands, cancellationToken).ConfigureAwait(false);
                    card.Checks.AddRange(result.Checks);
                    card.Sandbox = new SandboxSummary { Mode = SandboxModes.Repository, Commands = result.Commands };
                    card.Stdout = Tail(result.OutputLines);
                    sandboxBroke = result.BrokeBuildOrTests;
                }
                else
                {
                    card.Sandbox = new SandboxSummary { Mode = SandboxModes.File };
                    card.Checks.Add(new Check(CheckNames.Sandbox, true, updated is null ? "file sandbox: the deletion was checked for tampering" : "file sandbox: content parsed and re-scanned"));
                }
            }
        }
        else
        {
            card.Checks.Add(new Check(CheckNames.Sandbox, false, "skipped: the policy refused the change"));
        }

        var blocked = card.Checks.Any(c => !c.Passed);
        var recommendation = sandboxBroke ? Recommendations.Rollback : blocked ? Recommendations.NeedsHumanReview : Recommendations.ApprovedForRollout;
        return Finish(card, recommendation, masker, analyzeDiff: false);
    }

    /// <summary>Status from the checks, diff analysis, score, explanation, id and time.</summary>
    public RiskCard Finish(RiskCard card, string recommendation, SecretMasker masker, bool analyzeDiff = true)
    {
        card.Status = card.Checks.Any(c => !c.Passed) ? RiskStatus.Blocked : RiskStatus.Allow;
        card.Recommendation = recommendation;
        card.Masker = masker;
        if (analyzeDiff)
        {
            card.DiffAnalysis = DiffAnalyzer.Analyze(card.Diff, masker);
        }

        RiskScorer.Score(card);
        card.Explanation = Explain(card, masker);
        card.Ts = Math.Round(options.Clock().ToUnixTimeMilliseconds() / 1000.0, 3);
        card.RequestId = "req_" + Guid.NewGuid().ToString("N");
        return card;
    }

    public static SecretMasker MaskerFor(IEnumerable<Incident> incidents) => new(incidents.SelectMany(i => i.SecretValues));

    /// <summary>Plain English, at most 280 characters, never a secret, never throws.</summary>
    public static string Explain(RiskCard card, SecretMasker masker)
    {
        try
        {
            var text = new StringBuilder();
            text.Append(card.Status == RiskStatus.Allow ? "Allowed" : "Blocked").Append(" (risk ").Append(card.RiskScore.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(card.RiskLevel).Append(")");
            var failed = card.Checks.Where(c => !c.Passed).Select(c => c.Name).ToList();
            if (failed.Count > 0)
            {
                text.Append(": failed ").Append(string.Join(", ", failed));
            }

            text.Append(". ");
            if (card.Incidents.Count > 0)
            {
                text.Append(Count(card.Incidents.Count)).Append(" incident(s); ");
            }

            if (card.Patches.Count > 0)
            {
                text.Append(Count(card.Patches.Count(p => p.ValidationStatus == ValidationStatuses.Verified))).Append(" of ").Append(Count(card.Patches.Count)).Append(" patch(es) verified; ");
            }

            // With patches the recommendation judges them, not the code: "Blocked … recommendation: approved" would
            // read as a contradiction.
            text.Append(card.Patches.Count > 0 ? "patches: " : "recommendation: ").Append(card.Recommendation.Replace('_', ' ')).Append('.');
            if (card.Reasons.FirstOrDefault() is { } top)
            {
                text.Append(" Top reason: ").Append(top.Text).Append('.');
            }

            var result = masker.Mask(text.ToString().Replace('\n', ' '));
            return result.Length <= 280 ? result : result[..279] + "…";
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return card.Status == RiskStatus.Allow ? "Allowed." : "Blocked.";
        }
    }

    /// <summary>
    /// Each incident's boost from its pattern's track record. The knowledge base informs the card; it never costs it:
    /// a corrupt one is reported (AEGB005 naming it, left as it is) and the card is judged without boosts.
    /// </summary>
    private void BoostConfidence(IReadOnlyList<Incident> incidents, AegisPolicy policy)
    {
        if (incidents.Count == 0)
        {
            return;
        }

        KnowledgeState knowledge;
        try
        {
            knowledge = KnowledgeBase.Read(options.RepositoryRoot);
        }
        catch (AegisException exception)
        {
            options.Warn?.Invoke(exception.Code, exception.Message + "; confidence is not boosted");
            return;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            options.Warn?.Invoke(ErrorCodes.CorruptStateFile, "cannot read " + KnowledgeBase.PathFor(options.RepositoryRoot) + ": " + exception.Message + "; confidence is not boosted");
            return;
        }

        foreach (var incident in incidents)
        {
            incident.ConfidenceBoost = Knowledge.ConfidenceBoost.For(knowledge.Find(incident.Rule, incident.RemediationStrategy), policy.Knowledge);
        }
    }

    private async Task<SandboxResult> RunSandboxAsync(IReadOnlyList<ProjectAnalysis> projects, IReadOnlyList<Incident> incidents, IReadOnlyList<PatchArtifact> patches, CancellationToken cancellationToken)
    {
        switch (options.Sandbox)
        {
            case SandboxModes.None:
            {
                var result = new SandboxResult { Mode = SandboxModes.None };
                result.Checks.Add(new Check(CheckNames.Sandbox, true, patches.Count == 0 ? "no patches to verify" : "skipped (sandbox=none): patches not verified"));
                return result;
            }

            case SandboxModes.Repository:
            {
                if (patches.Count == 0 && options.VerifyCommands.Count == 0)
                {
                    var result = new SandboxResult { Mode = SandboxModes.Repository };
                    result.Checks.Add(new Check(CheckNames.Sandbox, true, "no patches to verify"));
                    return result;
                }

                var sandbox = new RepositorySandbox { RunTests = options.RunTests, BuildTimeout = options.BuildTimeout, Keep = options.KeepSandbox };
                var repository = await sandbox.RunAsync(options.RepositoryRoot, patches.Select(p => new FileChange(p.File, p.PatchedText)).ToList(), options.BuildTarget, options.VerifyCommands, cancellationToken).ConfigureAwait(false);
                foreach (var patch in patches)
                {
                    patch.ValidationStatus = repository.BrokeBuildOrTests ? ValidationStatuses.Failed : ValidationStatuses.Verified;
                }

                return repository;
            }

            default:
            {
                var merged = new SandboxResult { Mode = SandboxModes.File };
                foreach (var project in projects)
                {
                    var filePatches = PatchesOfProject(patches, project);
                    if (filePatches.Count == 0)
                    {
                        continue;
                    }

                    // Prepared on the very same patch objects, or run now.
                    SandboxResult result;
                    if (project.PreparedSandbox is { } prepared && prepared.Patches.SequenceEqual(filePatches, ReferenceEqualityComparer.Instance))
                    {
                        EngineTrace.Note("sandbox: prepared while the compiler ran");
                        result = prepared.Result;
                    }
                    else
                    {
                        result = await FileSandbox.RunAsync(project.Project, project.AllIncidents ?? project.Incidents, filePatches, options.Catalog, options.RepositoryRoot, cancellationToken).ConfigureAwait(false);
                    }

                    var prefix = projects.Count > 1 ? project.Project.Inputs.AssemblyName + ": " : "";
                    foreach (var check in result.Checks)
                    {
                        var index = merged.Checks.FindIndex(c => c.Name == check.Name);
                        if (index < 0)
                        {
                            merged.Checks.Add(check with { Message = prefix + check.Message });
                        }
                        else
                        {
                            merged.Checks[index] = new Check(check.Name, merged.Checks[index].Passed && check.Passed, merged.Checks[index].Message + "; " + prefix + check.Message);
                        }
                    }

                    merged.Commands.AddRange(result.Commands);
                    merged.OutputLines.AddRange(result.OutputLines);
                    merged.BrokeBuildOrTests |= result.BrokeBuildOrTests;
                    merged.PatchIneffective |= result.PatchIneffective;
                }

                if (merged.Checks.Count == 0)
                {
                    merged.Checks.Add(new Check(CheckNames.Sandbox, true, "no patches to verify"));
                }

                return merged;
            }
        }
    }

    private static string DescribeIncidents(IReadOnlyList<Incident> incidents)
        => Count(incidents.Count) + " incident(s): " + string.Join(", ", incidents.GroupBy(i => i.Severity).OrderBy(g => -RiskScorer.SeverityWeight(g.Key)).Select(g => Count(g.Count()) + " " + g.Key));

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Tail(List<string> lines) => string.Join("\n", lines.Skip(Math.Max(0, lines.Count - StdoutLines)));
}
