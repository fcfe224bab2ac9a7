namespace Aegis.Analyzers.Options;

/// <summary>
/// Every option of the package, declared once, typed, with its default. docs/configuration.md documents each;
/// a test checks the two agree and that every name is snake_case.
/// </summary>
public static class AegisOptions
{
    // AEG001
    public static readonly AegisOption<ReportedSeverity> HighConfidenceSeverity = new(
        "high_confidence_severity", ReportedSeverity.Warning, OptionParsers.Severity,
        "Severity of findings whose text comes from request data or public-method parameters.");

    public static readonly AegisOption<ReportedSeverity> LowConfidenceSeverity = new(
        "low_confidence_severity", ReportedSeverity.Suggestion, OptionParsers.Severity,
        "Severity of findings whose text comes from fields or properties the type sets from configuration or reflection, and of identifiers that no request data reaches unquoted.");

    public static readonly AegisOption<double> HighConfidenceThreshold = new(
        "high_confidence_threshold", 0.5, OptionParsers.Double,
        "A finding whose confidence is at least this is in the high band.");

    // AEG002
    public static readonly AegisOption<double> EntropyThreshold = new(
        "entropy_threshold", 3.5, OptionParsers.Double,
        "Shannon entropy (bits per character) above which a literal in a secret-named context is a secret.");

    public static readonly AegisOption<int> MinimumSecretLength = new(
        "minimum_secret_length", 8, OptionParsers.Int,
        "Literals shorter than this in secret-named contexts are not reported (unless a known token format).");

    public static readonly AegisOption<IReadOnlyList<string>> AdditionalPlaceholders = new(
        "additional_placeholders", Array.Empty<string>(), OptionParsers.NameList,
        "|-separated values to treat as placeholders, in addition to the built-in list.");

    public static readonly AegisOption<ReportedSeverity> TestProjectSeverity = new(
        "test_project_severity", ReportedSeverity.Suggestion, OptionParsers.Severity,
        "Severity of findings in test projects (IsTestProject, or a reference to a test framework), except live-format tokens and private keys, which keep the rule's severity.");

    // AEG003
    public static readonly AegisOption<double> ConventionThreshold = new(
        "convention_threshold", 0.6, OptionParsers.Double,
        "Share of endpoints that must require authorization before the repository has a convention.");

    public static readonly AegisOption<int> MinimumEndpoints = new(
        "minimum_endpoints", 3, OptionParsers.Int,
        "A convention needs at least this many endpoints (controllers or minimal-API groups) to be counted.");

    public static readonly AegisOption<ReportedSeverity> ConfirmPublicSeverity = new(
        "confirm_public_severity", ReportedSeverity.Suggestion, OptionParsers.Severity,
        "Severity of endpoints public by necessity (login, registration, token refresh…) that are not marked [AllowAnonymous].");

    /// <summary>All options with the rule they belong to, for docs and tests.</summary>
    public static IReadOnlyList<(string RuleId, string Name, object? DefaultValue, string Description)> All { get; } = new (string, string, object?, string)[]
    {
        (RuleIdentifiers.NonConstantSql, HighConfidenceSeverity.Name, HighConfidenceSeverity.DefaultValue, HighConfidenceSeverity.Description),
        (RuleIdentifiers.NonConstantSql, LowConfidenceSeverity.Name, LowConfidenceSeverity.DefaultValue, LowConfidenceSeverity.Description),
        (RuleIdentifiers.NonConstantSql, HighConfidenceThreshold.Name, HighConfidenceThreshold.DefaultValue, HighConfidenceThreshold.Description),
        (RuleIdentifiers.HardcodedSecret, EntropyThreshold.Name, EntropyThreshold.DefaultValue, EntropyThreshold.Description),
        (RuleIdentifiers.HardcodedSecret, MinimumSecretLength.Name, MinimumSecretLength.DefaultValue, MinimumSecretLength.Description),
        (RuleIdentifiers.HardcodedSecret, AdditionalPlaceholders.Name, AdditionalPlaceholders.DefaultValue, AdditionalPlaceholders.Description),
        (RuleIdentifiers.HardcodedSecret, TestProjectSeverity.Name, TestProjectSeverity.DefaultValue, TestProjectSeverity.Description),
        (RuleIdentifiers.MissingAuthorization, ConventionThreshold.Name, ConventionThreshold.DefaultValue, ConventionThreshold.Description),
        (RuleIdentifiers.MissingAuthorization, MinimumEndpoints.Name, MinimumEndpoints.DefaultValue, MinimumEndpoints.Description),
        (RuleIdentifiers.MissingAuthorization, ConfirmPublicSeverity.Name, ConfirmPublicSeverity.DefaultValue, ConfirmPublicSeverity.Description),
    };
}
