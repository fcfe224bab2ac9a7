namespace Aegis.Engine.Infrastructure;

/// <summary>An expected failure with a code from the AEGB list (docs/msbuild.md); fronts print it as
/// <c>aegis: error AEGBnnn: message</c> and map it to an exit code.</summary>
public sealed class AegisException : Exception
{
    public AegisException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    public string Code { get; }

    public string ToErrorLine() => "aegis: error " + Code + ": " + Message;
}

/// <summary>The coded errors the engine raises (the full list lives in docs/msbuild.md).</summary>
public static class ErrorCodes
{
    public const string BadCompileInputs = "AEGB003";
    public const string GateFailed = "AEGB004";
    public const string CorruptStateFile = "AEGB005";
    public const string OutputNotWritable = "AEGB006";
    public const string SandboxFailure = "AEGB007";
    public const string EngineCrashed = "AEGB008";

    /// <summary>Bad command-line arguments: an unknown option, a value out of range (exit code 2).</summary>
    public const string BadArguments = "AEGB010";

    /// <summary>A warning: verify commands were given to a sandbox that does not run them.</summary>
    public const string VerifyCommandsNotRun = "AEGB011";

    /// <summary>A warning: the SARIF error log could not be given the rules' code-scanning properties.</summary>
    public const string ErrorLogNotUpdated = "AEGB012";

    // aegis contain (AEGB030–AEGB039).
    public const string BadContainmentCard = "AEGB030";
    public const string BadContainmentEvent = "AEGB031";
    public const string NothingToContain = "AEGB032";
    public const string BadContainmentOption = "AEGB033";
    public const string ContainmentTooLarge = "AEGB034";

    /// <summary>A warning, not an error: the change (or a build's patch) tampers with a check; names the kind, file and verdict.</summary>
    public const string TamperingFound = "AEGB050";

    // AEGB040–049: the agent fronts (aegis hook, aegis mcp).
    public const string HookPayloadMalformed = "AEGB040";
    public const string HookNotJudged = "AEGB041";
    public const string AgentInputRejected = "AEGB042";
    public const string UnknownHookAgent = "AEGB043";

    // Snapshots, drift and baselines (AEGB060–AEGB064).

    /// <summary>A snapshot named by id, path or <c>latest</c> (or any to compare with) does not exist.</summary>
    public const string SnapshotNotFound = "AEGB060";

    /// <summary>A baseline holds none of the repository's files: from another repository; reported, never applied.</summary>
    public const string BaselineFromAnotherRepository = "AEGB061";

    /// <summary><c>aegis drift --fail-on-new n</c>: more than n new incidents (exit code 1).</summary>
    public const string TooManyNewIncidents = "AEGB062";

    /// <summary>A warning: <c>aegis baseline update</c> without <c>--accept-new</c> left new incidents out of the baseline.</summary>
    public const string NewIncidentsNotBaselined = "AEGB063";

    /// <summary><c>--accept-new</c> without <c>--why</c> (or a blank <c>--by</c>): accepting debt is a person's recorded decision.</summary>
    public const string AcceptNewNeedsReason = "AEGB064";

    // The build's baseline (AEGB065–AEGB069): warnings; the build goes on judging every incident as new.

    /// <summary>A warning: the baseline named by AegisBaseline or --baseline does not exist.</summary>
    public const string BaselineNotFound = "AEGB065";

    /// <summary>A warning: the build's baseline holds none of the repository's files (AEGB061 in drift); not applied.</summary>
    public const string ForeignBaselineNotApplied = "AEGB066";

    // aegis release (AEGB020–AEGB029).
    public const string IllegalReleaseTransition = "AEGB020";
    public const string ReleaseConflict = "AEGB021";
    public const string ReleaseNotFound = "AEGB022";
    public const string CardNotApprovedForRollout = "AEGB023";
    public const string BadReleaseInput = "AEGB024";
    public const string ReleaseGateNotPassed = "AEGB025";

    // aegis fix and aegis watch (AEGB070–AEGB074).

    /// <summary>A warning: a verified patch was not written because its file changed since it was analysed.</summary>
    public const string RepairFileChanged = "AEGB070";

    // Events, the inbox and the history index (AEGB075–AEGB079).

    /// <summary>An event (or a queue) that is not JSON, not an object (a queue: not an array), or too large.</summary>
    public const string EventMalformed = "AEGB075";

    /// <summary>An event whose envelope is wrong: an unknown kind, a bad id, a file path outside the repository…</summary>
    public const string EventInvalid = "AEGB076";

    /// <summary>An event whose payload does not fit its kind (a propose without an action, an advisory without a package…).</summary>
    public const string EventPayloadInvalid = "AEGB077";

    /// <summary>A well-formed event the engine failed on for a reason without a code of its own.</summary>
    public const string EventNotProcessed = "AEGB078";

    /// <summary>A warning: the history index (.aegis/aegis.db) could not be opened or updated; the card files are written.</summary>
    public const string HistoryIndexUnavailable = "AEGB079";

    // aegis serve (AEGB080–AEGB084): each is also the "code" of the route's problem details (docs/service.md).
    /// <summary>A write route without the right bearer token, or a webhook whose signature does not match (HTTP 401).</summary>
    public const string ServiceUnauthorized = "AEGB080";

    /// <summary>A request the service cannot read: malformed JSON, a bad id, a path outside the repository (HTTP 400).</summary>
    public const string ServiceBadRequest = "AEGB081";

    /// <summary>No such card, release or route (HTTP 404).</summary>
    public const string ServiceNotFound = "AEGB082";

    /// <summary>A request body over the service's limit (HTTP 413).</summary>
    public const string ServiceBodyTooLarge = "AEGB083";

    /// <summary>The service would listen beyond loopback: a warning, and an error when no token was given explicitly.</summary>
    public const string ServiceExposed = "AEGB084";

    // Outbound webhooks and AI explanations (AEGB085–AEGB089).

    /// <summary>A warning: a webhook was not delivered (after its retries); the card is written and the failure recorded.</summary>
    public const string WebhookNotDelivered = "AEGB085";

    /// <summary>A warning: the AI explanation failed (timeout, HTTP error, empty, too long, a secret); the card carries the plain one.</summary>
    public const string AiExplanationFellBack = "AEGB086";

    /// <summary>The policy's webhooks or explanations are refused as unsafe: plain http off loopback, credentials in a URL, a key file inside the repository.</summary>
    public const string OutboundPolicyRefused = "AEGB087";
}
