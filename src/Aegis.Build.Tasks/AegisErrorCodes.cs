namespace Aegis.Build.Tasks;

/// <summary>
/// The coded errors of the MSBuild front (AEGB001…). The engine prints the others itself
/// (<c>aegis: error AEGB0nn: …</c>); the task only falls back to them when the engine exited without saying why.
/// The list is documented in docs/msbuild.md.
/// </summary>
internal static class AegisErrorCodes
{
    public const string DotNetNotFound = "AEGB001";
    public const string EngineMissing = "AEGB002";
    public const string BadCompileInputs = "AEGB003";
    public const string GateFailed = "AEGB004";
    public const string CorruptState = "AEGB005";
    public const string OutputNotWritable = "AEGB006";
    public const string SandboxFailure = "AEGB007";
    public const string EngineCrashed = "AEGB008";
    public const string InvalidVerifyCommand = "AEGB009";
}
