namespace Aegis.Analyzers;

/// <summary>
/// Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>. The code fixes and the engine read them,
/// so these names are a contract: add keys, never rename them.
/// </summary>
public static class DiagnosticPropertyNames
{
    /// <summary>How sure the analyzer is, 0 to 1, invariant culture with two decimals (e.g. <c>0.90</c>).</summary>
    public const string Confidence = "confidence";

    /// <summary>The incident severity for the Risk Card: <c>CRITICAL</c>, <c>HIGH</c>, <c>MEDIUM</c> or <c>LOW</c>.</summary>
    public const string Severity = "severity";

    /// <summary>How a fix repairs it, one of <see cref="RemediationStrategies"/>.</summary>
    public const string RemediationStrategy = "remediation_strategy";

    /// <summary>How a patch is proven, one of <see cref="VerificationStrategies"/>.</summary>
    public const string VerificationStrategy = "verification_strategy";

    /// <summary>The endpoint (e.g. <c>GET /api/orders/{id}</c>) when the finding is reached from one.</summary>
    public const string Route = "route";

    /// <summary>AEG001: where the non-constant text comes from, in words.</summary>
    public const string Source = "source";

    /// <summary>AEG001: what kind of sink (see <c>SqlSinkKind</c>).</summary>
    public const string SinkKind = "sink_kind";

    /// <summary>AEG001: the ADO.NET provider family (<c>sqlclient</c>, <c>sqlite</c>, <c>npgsql</c>, <c>mysql</c>, <c>oracle</c>, <c>odbc</c>, <c>oledb</c>, <c>unknown</c>).</summary>
    public const string Provider = "provider";

    /// <summary>AEG001: the parameter placeholder syntax for the provider: <c>@name</c>, <c>:name</c> or <c>?</c>.</summary>
    public const string PlaceholderStyle = "placeholder_style";

    /// <summary>AEG001: how this repository adds parameters (from the profile): <c>add_with_value</c>, <c>add_parameter</c>, <c>create_parameter</c>, <c>anonymous_object</c>, <c>dynamic_parameters</c>.</summary>
    public const string ParameterStyle = "parameter_style";

    /// <summary>AEG002: the kind of secret (e.g. <c>github-token</c>), never its value.</summary>
    public const string SecretKind = "secret_kind";

    /// <summary>AEG002: how the repository reads configuration: <c>configuration</c> or <c>environment</c>.</summary>
    public const string LookupStyle = "lookup_style";

    /// <summary>AEG002: the configuration key the fix reads (e.g. <c>Stripe:ApiKey</c>).</summary>
    public const string ConfigurationKey = "configuration_key";

    /// <summary>AEG002: the environment variable the fix reads (e.g. <c>STRIPE_API_KEY</c>).</summary>
    public const string EnvironmentVariable = "environment_variable";

    /// <summary>AEG002: the member of the enclosing type that holds an <c>IConfiguration</c>, when there is one.</summary>
    public const string ConfigurationMember = "configuration_member";

    /// <summary>AEG002: where the secret starts in the constant's value (invariant digits), so a fix replaces only it.</summary>
    public const string SecretStart = "secret_start";

    /// <summary>AEG002: the secret's length in characters (invariant digits); absent for byte arrays.</summary>
    public const string SecretLength = "secret_length";

    /// <summary>
    /// AEG002: where the finding sits when that changed its judgement, one of <see cref="FindingContexts"/>
    /// (absent in ordinary code).
    /// </summary>
    public const string Context = "context";

    /// <summary>AEG003: the attribute the convention uses, as source text (e.g. <c>[Authorize(Policy = "Staff")]</c>).</summary>
    public const string AuthorizeAttribute = "authorize_attribute";

    /// <summary>AEG003: where the convention puts it: <c>class</c> or <c>action</c>.</summary>
    public const string AuthorizeLevel = "authorize_level";

    /// <summary>AEG003: the arguments of <c>.RequireAuthorization(...)</c> for minimal APIs, as source text.</summary>
    public const string RequireAuthorizationArguments = "require_authorization_arguments";

    /// <summary>AEG003: <c>controller</c>, <c>action</c> or <c>minimal_api</c>.</summary>
    public const string EndpointKind = "endpoint_kind";

    /// <summary>AEG003: the convention in words (the same text as the message).</summary>
    public const string Convention = "convention";
}

/// <summary>Values of <see cref="DiagnosticPropertyNames.RemediationStrategy"/>.</summary>
public static class RemediationStrategies
{
    public const string ParameterizeAdo = "parameterize-ado";
    public const string ParameterizeDapper = "parameterize-dapper";
    public const string EfInterpolated = "ef-interpolated";
    public const string NeedsHumanReview = "needs-human-review";
    public const string ConfigurationLookup = "configuration-lookup";
    public const string EnvironmentLookup = "environment-lookup";
    public const string AddAuthorize = "add-authorize";
    public const string RequireAuthorization = "require-authorization";

    /// <summary>AEG003: an endpoint public by necessity (login…) that does not say so; a person confirms it with <c>[AllowAnonymous]</c>.</summary>
    public const string ConfirmPublic = "confirm-public";
}

/// <summary>Values of <see cref="DiagnosticPropertyNames.VerificationStrategy"/>: what the sandbox asserts after patching.</summary>
public static class VerificationStrategies
{
    /// <summary>The sink receives only constant text and one parameter per former hole.</summary>
    public const string SqlConstantText = "sql-constant-text";

    /// <summary>The secret's text appears nowhere in the patched file and the lookup compiles.</summary>
    public const string SecretAbsent = "secret-absent";

    /// <summary>The endpoint carries the convention's authorization; tests still pass.</summary>
    public const string EndpointAuthorized = "endpoint-authorized";

    /// <summary>No automatic patch; a person must review the change.</summary>
    public const string ManualReview = "manual-review";
}

/// <summary>Values of <see cref="DiagnosticPropertyNames.Context"/>.</summary>
public static class FindingContexts
{
    /// <summary>A test project (<c>IsTestProject</c>, or a reference to a test framework).</summary>
    public const string TestProject = "test-project";
}

/// <summary>Values of <see cref="DiagnosticPropertyNames.Severity"/>, the Risk Card's incident severities.</summary>
public static class IncidentSeverities
{
    public const string Critical = "CRITICAL";
    public const string High = "HIGH";
    public const string Medium = "MEDIUM";
    public const string Low = "LOW";
}
