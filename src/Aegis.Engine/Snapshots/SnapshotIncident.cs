using Aegis.Engine.Analysis;

namespace Aegis.Engine.Snapshots;

/// <summary>One incident as a snapshot or baseline keeps it: identity (fingerprint, rule, symbol, masked evidence,
/// secret hash) and enough to show it; never a secret value.</summary>
public sealed record SnapshotIncident
{
    public string Fingerprint { get; init; } = "";

    public string Rule { get; init; } = "";

    public string Family { get; init; } = "";

    public string Severity { get; init; } = "";

    public double Confidence { get; init; }

    /// <summary>Repository-relative, with <c>/</c>.</summary>
    public string File { get; init; } = "";

    public int Line { get; init; }

    public string Symbol { get; init; } = "";

    /// <summary>Masked, as in the card.</summary>
    public string Evidence { get; init; } = "";

    /// <summary>AEG002 only (see <see cref="Aegis.Analyzers.Infrastructure.IncidentIdentity.SecretHash"/>), else null.</summary>
    public string? SecretHash { get; init; }

    public string RemediationStrategy { get; init; } = "";

    public static SnapshotIncident From(Incident incident) => new()
    {
        Fingerprint = incident.Fingerprint,
        Rule = incident.Rule,
        Family = incident.Family,
        Severity = incident.Severity,
        Confidence = incident.Confidence,
        File = incident.File,
        Line = incident.Line,
        Symbol = incident.Symbol,
        Evidence = incident.Evidence,
        SecretHash = incident.SecretHash,
        RemediationStrategy = incident.RemediationStrategy,
    };
}
