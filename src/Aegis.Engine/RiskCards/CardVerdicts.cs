using System.Globalization;
using Aegis.Analyzers;
using Aegis.Engine.Analysis;
using Aegis.Engine.Patching;
using Aegis.Engine.Verification;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// The card's two verdicts, kept apart: one on the code as it is (<c>status</c>) and one on the patches that would fix
/// it (<c>recommendation</c>). A build with findings is blocked even when every patch is verified, and
/// "blocked … approved_for_rollout" side by side reads as a contradiction unless each half names what it judges.
/// </summary>
public sealed class CardVerdicts
{
    /// <summary>The verdict on the patches when there is nothing to patch.</summary>
    public const string NoPatches = "none";

    /// <summary><c>allow</c> or <c>blocked</c>: the verdict on the code, the same as <c>status</c>.</summary>
    public string Code { get; set; } = RiskStatus.Allow;

    /// <summary>Why, in a few words: "11 incidents in the code", "check policy failed: …".</summary>
    public string CodeReason { get; set; } = "";

    /// <summary>The worst incident ("AEG001 SQL built from … in src/Shop/Orders.cs:42"), or null when there is none.</summary>
    public string? TopReason { get; set; }

    /// <summary><c>none</c>, or the recommendation on the patches: <c>approved_for_rollout</c>, <c>needs_human_review</c>, <c>rollback</c>.</summary>
    public string Patches { get; set; } = NoPatches;

    /// <summary>What the patches cover and how far they were verified, and why they are not approved when they are not.</summary>
    public string PatchesReason { get; set; } = "";

    /// <summary>The command that applies the patches to the working tree, when every patch was verified.</summary>
    public string? ApplyCommand { get; set; }

    /// <summary>Both halves in one line: what the build prints after the card's path.</summary>
    public string Summary { get; set; } = "";

    public static CardVerdicts For(RiskCard card)
    {
        var verdicts = new CardVerdicts { Code = card.Status };
        var propose = card.Action.Any(a => a.Key == "kind" && a.Value as string == "propose");
        var incidents = card.Incidents;
        if (incidents.Count > 0)
        {
            verdicts.CodeReason = (propose ? "the change adds " : "") + Count(incidents.Count, "incident") + (propose ? "" : " in the code");
            verdicts.TopReason = Describe(Worst(incidents));
        }
        else if (card.Checks.FirstOrDefault(c => !c.Passed) is { } failed)
        {
            verdicts.CodeReason = "check " + failed.Name + " failed: " + failed.Message;
        }
        else
        {
            verdicts.CodeReason = propose ? "the change passed every check" : "no incidents in the code";
        }

        if (card.Patches.Count == 0 && incidents.Count == 0)
        {
            verdicts.Patches = NoPatches;
        }
        else
        {
            verdicts.Patches = card.Recommendation;
            verdicts.PatchesReason = PatchesReasonFor(card);
            var allVerified = card.Patches.Count > 0 && card.Patches.All(p => p.ValidationStatus == ValidationStatuses.Verified);
            if (allVerified && card.Recommendation != Recommendations.Rollback)
            {
                verdicts.ApplyCommand = ApplyCommandFor(card);
            }
        }

        verdicts.Summary = SummaryOf(verdicts.Code, card.RiskScore, card.RiskLevel, verdicts.CodeReason, verdicts.TopReason, verdicts.Patches, verdicts.PatchesReason, verdicts.ApplyCommand);
        return verdicts;
    }

    /// <summary>"Blocked: 11 incidents in the code" — the first half, as titles show it.</summary>
    public static string CodeHeadline(string code, string codeReason) => (code == RiskStatus.Allow ? "Allowed" : "Blocked") + ": " + codeReason;

    /// <summary>"Patches: approved for rollout (…)" — the second half, as titles show it.</summary>
    public static string PatchesHeadline(string patches, string patchesReason)
        => "Patches: " + (patches == NoPatches ? "none needed" : Words(patches)) + (patchesReason.Length > 0 ? " (" + patchesReason + ")" : "");

    /// <summary>"Apply with: …", or "Review, then apply with: …" when the patches need a person's look first.</summary>
    public static string? ApplySentence(string patches, string? applyCommand)
        => applyCommand is null ? null : (patches == Recommendations.ApprovedForRollout ? "Apply with: " : "Review, then apply with: ") + applyCommand;

    public static string SummaryOf(string code, int riskScore, string riskLevel, string codeReason, string? topReason, string patches, string patchesReason, string? applyCommand)
    {
        var line = (code == RiskStatus.Allow ? "Allowed" : "Blocked") + " (risk " + riskScore.ToString(CultureInfo.InvariantCulture) + " " + riskLevel + "): " + codeReason
            + (topReason is null ? "" : " (top: " + topReason + ")")
            + ". " + PatchesHeadline(patches, patchesReason);
        return ApplySentence(patches, applyCommand) is { } apply ? line + ". " + apply : line;
    }

    /// <summary><c>approved_for_rollout</c> → "approved for rollout"; a rollback says what to do with the patches.</summary>
    public static string Words(string recommendation)
        => recommendation == Recommendations.Rollback ? "rollback, do not apply" : recommendation.Replace('_', ' ');

    private static string PatchesReasonFor(RiskCard card)
    {
        var incidents = card.Incidents;
        if (card.Patches.Count == 0)
        {
            return incidents.Count == 1 ? "the incident has no safe patch" : "no incident has a safe patch";
        }

        var fixedCount = incidents.Count(i => card.Patches.Any(p => p.Fixes.Contains(i.Fingerprint)));
        var statuses = new[] { ValidationStatuses.Verified, ValidationStatuses.Failed, ValidationStatuses.Unverified }
            .Select(status => (Status: status, Count: card.Patches.Count(p => p.ValidationStatus == status)))
            .Where(s => s.Count > 0)
            .ToList();
        var verification = statuses.Count == 1
            ? (statuses[0].Status == ValidationStatuses.Unverified ? "not verified" : statuses[0].Status)
            : string.Join(", ", statuses.Select(s => s.Count.ToString(CultureInfo.InvariantCulture) + " " + (s.Status == ValidationStatuses.Unverified ? "not verified" : s.Status)));
        var reason = fixedCount.ToString(CultureInfo.InvariantCulture) + " of " + Count(incidents.Count, "incident") + " fixed in " + Count(card.Patches.Count, "file") + ", " + verification;

        var why = card.Recommendation switch
        {
            Recommendations.Rollback => card.Checks.FirstOrDefault(c => !c.Passed && c.Name.StartsWith(CheckNames.Sandbox, StringComparison.Ordinal)) is { } broken
                ? broken.Name + ": " + broken.Message
                : null,
            Recommendations.NeedsHumanReview => NeedsReviewBecause(card, incidents.Count - fixedCount),
            _ => null,
        };
        return why is null ? reason : reason + "; " + why;
    }

    private static string? NeedsReviewBecause(RiskCard card, int unpatched)
    {
        if (unpatched > 0)
        {
            return Count(unpatched, "incident") + " without a safe patch";
        }

        return card.Checks.FirstOrDefault(c => !c.Passed && c.Name is CheckNames.Confidence or CheckNames.Policy) is { } check
            ? check.Name + ": " + check.Message
            : null;
    }

    /// <summary>
    /// <c>aegis fix</c> re-verifies the same deterministic patches and writes them only where the file is still what was
    /// analysed and each incident's boosted confidence passes the policy, limited to the rules the patches fix. The
    /// target is repository-relative, so the command runs from the repository root.
    /// </summary>
    private static string ApplyCommandFor(RiskCard card)
    {
        var fixedRules = card.Incidents
            .Where(i => card.Patches.Any(p => p.Fixes.Contains(i.Fingerprint)))
            .Select(i => i.Rule)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        // A build names its project; scan and verify name what they were given (a folder, solution or project).
        var target = card.Action.FirstOrDefault(a => a.Key == "project").Value as string
            ?? (card.Action.FirstOrDefault(a => a.Key == "target").Value as string is { } given && given != "." ? given : null);
        return "aegis fix" + (string.IsNullOrEmpty(target) ? "" : " " + target) + string.Concat(fixedRules.Select(r => " --rule " + r));
    }

    private static Incident Worst(IReadOnlyList<Incident> incidents)
        => incidents
            .OrderByDescending(i => RiskScorer.SeverityWeight(i.Severity))
            .ThenByDescending(i => i.Confidence)
            .ThenBy(i => i.File, StringComparer.Ordinal)
            .ThenBy(i => i.Line)
            .ThenBy(i => i.Rule, StringComparer.Ordinal)
            .First();

    /// <summary>The rule's title from the catalog (never the message, which may carry a masked secret's prefix).</summary>
    private static string Describe(Incident incident)
    {
        var title = DiagnosticRules.All.FirstOrDefault(d => d.Id == incident.Rule)?.Title.ToString(CultureInfo.InvariantCulture) ?? incident.Family;
        return incident.Rule + " " + title + " in " + incident.File + ":" + incident.Line.ToString(CultureInfo.InvariantCulture);
    }

    private static string Count(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
