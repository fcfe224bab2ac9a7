using Aegis.Analyzers;
using Microsoft.CodeAnalysis;

namespace Aegis.Engine.Analysis;

/// <summary>One finding, as the Risk Card lists it. Secret values never leave the engine: see <see cref="SecretValues"/>.</summary>
public sealed class Incident
{
    public string Rule { get; init; } = "";

    public string Family { get; init; } = "";

    public string Severity { get; init; } = "";

    /// <summary>The analyzer's own confidence (the card's <c>confidence</c>).</summary>
    public double Confidence { get; init; }

    /// <summary>What the knowledge base's track record of this rule and strategy adds (docs/knowledge.md); 0 without one.</summary>
    public double ConfidenceBoost { get; set; }

    /// <summary>Raw confidence plus boost, within 0–1: what the policy's confidence check and automatic repair judge.</summary>
    public double BoostedConfidence => Knowledge.ConfidenceBoost.Apply(Confidence, ConfidenceBoost);

    /// <summary>Repository-relative, with <c>/</c>.</summary>
    public string File { get; init; } = "";

    public int Line { get; init; }

    public string? Endpoint { get; init; }

    /// <summary>AEG003's <c>controller</c>, <c>action</c> or <c>minimal_api</c>: a controller's endpoint is a route prefix
    /// that covers every action under it (containment blocks the prefix). Null for other rules.</summary>
    public string? EndpointKind { get; init; }

    public string Message { get; init; } = "";

    /// <summary>The flagged code, secrets masked.</summary>
    public string Evidence { get; init; } = "";

    public string RemediationStrategy { get; init; } = "";

    public string VerificationStrategy { get; init; } = "";

    /// <summary>
    /// A LOW incident that only a person can resolve (e.g. an SQL identifier a library computes): the card lists and
    /// scores it, but expects no patch for it and does not hold its confidence against the repair threshold.
    /// </summary>
    public bool IsReviewNote => Severity == IncidentSeverities.Low && RemediationStrategy == RemediationStrategies.NeedsHumanReview;

    /// <summary>sha256 of rule, file and whitespace-normalized (masked) evidence: survives edits that move lines.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>The member the finding is in (<c>Shop.Orders.OrderRepository.Find(string)</c>), from
    /// <see cref="Aegis.Analyzers.Infrastructure.IncidentIdentity.EnclosingSymbol(Location, CancellationToken)"/>: with rule and
    /// evidence it finds the incident again after its file was renamed.</summary>
    public string Symbol { get; init; } = "";

    /// <summary>AEG002 only: a short hash of the secret values (never printed in the card; snapshots and baselines keep it),
    /// so that a different secret behind the same masked evidence is a different incident.</summary>
    public string? SecretHash { get; init; }

    /// <summary><c>new</c> or <c>unchanged</c> when a baseline applies (<see cref="Snapshots.BaselineStates"/>); null otherwise.</summary>
    public string? BaselineState { get; set; }

    /// <summary>The literal secret texts of an AEG002 finding, kept in memory only to mask them everywhere.</summary>
    internal IReadOnlyList<string> SecretValues { get; init; } = Array.Empty<string>();

    internal Diagnostic? Diagnostic { get; init; }

    internal string AbsolutePath { get; init; } = "";
}
