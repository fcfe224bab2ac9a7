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

    public static DiagnosticIdentity Of(Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        // Until IncidentIdentity (branch snapshot) is merged: nothing matches.
        _ = cancellationToken;
        return new DiagnosticIdentity(diagnostic.Id, "", null);
    }

    public string FingerprintIn(string relativeFile) => "pending:" + Rule + relativeFile;
}
