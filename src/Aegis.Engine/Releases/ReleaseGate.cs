using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>
/// The promotion gate a progressive-delivery tool asks before it shifts traffic: the CLI's exit code and the
/// service's HTTP status follow Flagger's webhook convention (2xx passes, anything else halts), the JSON names the
/// matching Argo Rollouts AnalysisRun phase. Decided from the release's state alone, so every front agrees.
/// </summary>
public static class ReleaseGate
{
    public const string Schema = "aegis.release-gate/v1";

    /// <summary>(verdict, Argo phase, HTTP status, exit code) per state, as data.</summary>
    private static readonly IReadOnlyDictionary<string, ReleaseGateVerdict> ByState = new Dictionary<string, ReleaseGateVerdict>
    {
        [ReleaseStates.Candidate] = ReleaseGateVerdict.NeedsReview,
        [ReleaseStates.Approved] = ReleaseGateVerdict.Approved,
        [ReleaseStates.Canary] = ReleaseGateVerdict.Approved,
        [ReleaseStates.Staged] = ReleaseGateVerdict.Approved,
        [ReleaseStates.Broad] = ReleaseGateVerdict.Approved,
        [ReleaseStates.Full] = ReleaseGateVerdict.Approved,
        [ReleaseStates.Rejected] = ReleaseGateVerdict.Rollback,
        [ReleaseStates.RolledBack] = ReleaseGateVerdict.Rollback,
    };

    public static ReleaseGateAnswer Evaluate(Release release)
    {
        var verdict = ByState[release.State];
        var last = release.Last;
        var reason = verdict.Name switch
        {
            "approved" => $"{release.State} at {release.Weight} %: {Moved(last)}",
            "rollback" => $"{release.State}: {Moved(last)}",
            _ => "candidate: no one has approved it yet" + (release.Definition.Forced ? $" (created with --force: the card says {release.Definition.Card.Recommendation})" : ""),
        };
        return new ReleaseGateAnswer(release.Id, release.Name, release.State, release.Weight, release.Sequence, verdict, reason, release.Definition.Card.Recommendation, release.Definition.Forced);
    }

    private static string Moved(ReleaseTransition transition)
        => $"{transition.Action} by {transition.Actor} at {transition.At}" + (transition.Reason.Length > 0 ? $" ({transition.Reason})" : "");
}

/// <summary>One row of the gate's mapping.</summary>
public sealed record ReleaseGateVerdict(string Name, string Phase, int HttpStatus, int ExitCode)
{
    /// <summary>A person approved it and it is not closed: pass (HTTP 200, exit 0).</summary>
    public static readonly ReleaseGateVerdict Approved = new("approved", "Successful", 200, 0);

    /// <summary>Rejected or rolled back: fail (HTTP 412 Precondition Failed, exit 1).</summary>
    public static readonly ReleaseGateVerdict Rollback = new("rollback", "Failed", 412, 1);

    /// <summary>Not approved yet: halt and wait (HTTP 428 Precondition Required, exit 4).</summary>
    public static readonly ReleaseGateVerdict NeedsReview = new("needs_review", "Inconclusive", 428, 4);
}

/// <summary>The gate's answer: what <c>aegis release gate</c> prints and the future <c>aegis serve</c> returns.</summary>
public sealed record ReleaseGateAnswer(string Release, string Name, string State, int Weight, int Sequence, ReleaseGateVerdict Verdict, string Reason, string CardRecommendation, bool Forced)
{
    public bool Passed => Verdict.ExitCode == 0;

    public string ToJson()
        => new JsonText().BeginObject()
            .Property("schema", ReleaseGate.Schema)
            .Property("release", Release)
            .Property("name", Name)
            .Property("state", State)
            .Property("weight", Weight)
            .Property("sequence", Sequence)
            .Property("verdict", Verdict.Name)
            .Property("phase", Verdict.Phase)
            .Property("passed", Passed)
            .Property("http_status", Verdict.HttpStatus)
            .Property("exit_code", Verdict.ExitCode)
            .Property("reason", Reason)
            .Property("card_recommendation", CardRecommendation)
            .Property("forced", Forced)
            .EndObject().ToString();
}
