using System.Collections.Immutable;
using System.Globalization;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>Builds <c>Diagnostic.Properties</c> with the keys every incident carries (DESIGN.md).</summary>
public sealed class IncidentProperties
{
    private readonly ImmutableDictionary<string, string?>.Builder builder =
        ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);

    public IncidentProperties(double confidence, string severity, string remediationStrategy, string verificationStrategy)
    {
        builder[DiagnosticPropertyNames.Confidence] = FormatConfidence(confidence);
        builder[DiagnosticPropertyNames.Severity] = severity;
        builder[DiagnosticPropertyNames.RemediationStrategy] = remediationStrategy;
        builder[DiagnosticPropertyNames.VerificationStrategy] = verificationStrategy;
    }

    /// <summary>Adds a key; a null value is left out, so consumers can test for presence.</summary>
    public IncidentProperties With(string key, string? value)
    {
        if (value is not null)
        {
            builder[key] = value;
        }

        return this;
    }

    public ImmutableDictionary<string, string?> ToImmutable() => builder.ToImmutable();

    /// <summary>Invariant, two decimals, so the same finding always serializes the same way.</summary>
    public static string FormatConfidence(double confidence)
        => Math.Max(0, Math.Min(1, confidence)).ToString("0.00", CultureInfo.InvariantCulture);
}
