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

    // aegis release (AEGB020–AEGB029).
    public const string IllegalReleaseTransition = "AEGB020";
    public const string ReleaseConflict = "AEGB021";
    public const string ReleaseNotFound = "AEGB022";
    public const string CardNotApprovedForRollout = "AEGB023";
    public const string BadReleaseInput = "AEGB024";
    public const string ReleaseGateNotPassed = "AEGB025";
}
