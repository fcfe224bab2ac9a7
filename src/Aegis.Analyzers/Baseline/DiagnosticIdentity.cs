using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Baseline;

/// <summary>What a baseline compares of one diagnostic, computed once however many paths are tried.</summary>
internal sealed class DiagnosticIdentity
{
    private DiagnosticIdentity(string rule, string maskedEvidence, string? secretHash)
    {
        Rule = rule;
        MaskedEvidence = maskedEvidence;
        SecretHash = secretHash;
    }

    public string Rule { get; }

    public string MaskedEvidence { get; }

    /// <summary>AEG002 only: the hash of the secret's literals (the evidence is masked, the hash tells two secrets apart).</summary>
    public string? SecretHash { get; }

    /// <summary>As the engine computes an incident's (IncidentCollector.ToIncident), so the fingerprints agree.</summary>
    public static DiagnosticIdentity Of(Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var literals = diagnostic.Id == RuleIdentifiers.HardcodedSecret ? IncidentIdentity.SecretLiterals(diagnostic, cancellationToken) : Array.Empty<string>();
        return new DiagnosticIdentity(diagnostic.Id, IncidentIdentity.MaskedEvidence(diagnostic, literals, cancellationToken), IncidentIdentity.SecretHash(diagnostic.Id, literals));
    }

    public string FingerprintIn(string relativeFile) => IncidentIdentity.Fingerprint(Rule, relativeFile, MaskedEvidence);
}
