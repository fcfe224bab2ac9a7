using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers;

/// <summary>Every descriptor of the package, in one place. Analyzers reference these; nothing else creates one.</summary>
public static class DiagnosticRules
{
    /// <summary>Where the rule pages live; the page of rule X is <c>{HelpLinkBase}X.md</c>. Defined once, as the
    /// MSBuild property <c>AegisHelpLinkBase</c> (Directory.Build.props), which the package metadata uses too.</summary>
    public const string HelpLinkBase = HelpLinks.Base;

    /// <summary>Where the documentation lives (<c>AegisDocsBase</c>): the other pages that outputs link to, e.g. the error codes.</summary>
    public const string DocsBase = HelpLinks.Docs;

    public static readonly DiagnosticDescriptor NonConstantSql = Create(
        RuleIdentifiers.NonConstantSql,
        title: "SQL built from non-constant text reaches a SQL sink",
        messageFormat: "SQL passed to {0} is built from {1}; {2}",
        category: RuleCategories.Sql,
        level: RuleLevel.BuildWarning,
        description: "Text that a caller controls is concatenated or interpolated into a SQL command. "
            + "Pass values as parameters so the database never parses them as SQL; check identifiers, which cannot be "
            + "parameters, against an allow-list of names or quote them as identifiers.");

    public static readonly DiagnosticDescriptor HardcodedSecret = Create(
        RuleIdentifiers.HardcodedSecret,
        title: "Hard-coded secret",
        messageFormat: "Hard-coded {0} in {1} ({2}); read it from configuration or the environment",
        category: RuleCategories.Secrets,
        level: RuleLevel.BuildWarning,
        description: "A password, key or token is written into the source, where every clone, build log and "
            + "package carries it. Read it from configuration, a secret store or the environment. "
            + "The message names the kind of secret, its length and at most a 4-character prefix, never the secret.");

    public static readonly DiagnosticDescriptor MissingAuthorization = Create(
        RuleIdentifiers.MissingAuthorization,
        title: "Endpoint lacks the authorization the repository's convention requires",
        messageFormat: "{0} allows anonymous access, but {1}",
        category: RuleCategories.Authorization,
        level: RuleLevel.BuildWarning,
        description: "Most endpoints of this repository require authorization, and this one does not. "
            + "Add the authorization the rest of the repository uses, or mark it [AllowAnonymous] if it is public on purpose.");

    /// <summary>
    /// AEG003's wording for an endpoint that is public by necessity (login, registration, token refresh…) but not
    /// marked so: a question for a person, reported at the <c>confirm_public_severity</c> option's level
    /// (suggestion by default). Same ID, so every AEG003 setting and suppression covers it.
    /// </summary>
    public static readonly DiagnosticDescriptor ConfirmPublicEndpoint = Create(
        RuleIdentifiers.MissingAuthorization,
        title: "Confirm that this endpoint is public",
        messageFormat: "{0} looks public by necessity ({1}) while {2}; confirm it is public with [AllowAnonymous]",
        category: RuleCategories.Authorization,
        level: RuleLevel.BuildWarning,
        description: "Sign-in, registration, token refresh and exchange, password recovery and external-login callbacks must "
            + "accept anonymous callers. Mark them [AllowAnonymous] so that the decision is visible and the convention can tell them from drift.");

    /// <summary>All descriptors, in ID order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { NonConstantSql, HardcodedSecret, MissingAuthorization };

    /// <summary>Other wordings of rules of <see cref="All"/>: same ID, category and default severity as their rule.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> Variants { get; } = new[] { ConfirmPublicEndpoint };

    /// <summary>
    /// The baseline suppressor's descriptors, one per rule it may suppress (a suppression descriptor names exactly one
    /// diagnostic ID): AEGS001 hides a baselined AEG001, and so on. Page: docs/rules/AEGS001.md.
    /// </summary>
    public static IReadOnlyList<SuppressionDescriptor> BaselineSuppressions { get; } = new[]
    {
        BaselineSuppression("AEGS001", RuleIdentifiers.NonConstantSql),
        BaselineSuppression("AEGS002", RuleIdentifiers.HardcodedSecret),
        BaselineSuppression("AEGS003", RuleIdentifiers.MissingAuthorization),
    };

    /// <summary>The family a rule belongs to (for option lookup and Risk Card incidents).</summary>
    public static RuleFamily FamilyOf(string ruleId) => ruleId switch
    {
        RuleIdentifiers.NonConstantSql => RuleFamily.Sql,
        RuleIdentifiers.HardcodedSecret => RuleFamily.Secret,
        RuleIdentifiers.MissingAuthorization => RuleFamily.Auth,
        _ => throw new ArgumentOutOfRangeException(nameof(ruleId), ruleId, "Not an Aegis rule"),
    };

    private static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string category,
        RuleLevel level,
        string description)
    {
        var (severity, enabled) = level switch
        {
            RuleLevel.BuildWarning => (DiagnosticSeverity.Warning, true),
            RuleLevel.IdeSuggestion => (DiagnosticSeverity.Info, true),
            RuleLevel.Disabled => (DiagnosticSeverity.Warning, false),
            _ => throw new ArgumentOutOfRangeException(nameof(level)),
        };
        return new DiagnosticDescriptor(
            id,
            title,
            messageFormat,
            category,
            severity,
            enabled,
            description,
            helpLinkUri: HelpLinkBase + id + ".md",
            // A rule without a row still says it is about security (a test requires every rule to have one).
            customTags: RuleCodeScanning.For(id)?.Tags.ToArray() ?? new[] { "security" });
    }

    private static SuppressionDescriptor BaselineSuppression(string id, string ruleId)
        => new(id, ruleId, "In the repository's baseline (.aegis/baseline.json or AegisBaseline): existing debt, not introduced by this change");
}
