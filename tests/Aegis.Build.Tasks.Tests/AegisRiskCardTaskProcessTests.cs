using Microsoft.Build.Framework;

namespace Aegis.Build.Tasks.Tests;

/// <summary>
/// Runs the task for real with a shell script standing in for the engine (<c>sh script build @rsp</c>), to see exit
/// codes and output go through ToolTask the way the engine's will.
/// </summary>
public sealed class AegisRiskCardTaskProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aegis-task-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (AegisRiskCardTask Task, FakeBuildEngine Engine, bool Result) Run(string script)
    {
        var scriptPath = Path.Combine(_directory, "engine.sh");
        File.WriteAllText(scriptPath, script.Replace("\r\n", "\n"));
        var engine = new FakeBuildEngine();
        var task = new AegisRiskCardTask
        {
            BuildEngine = engine,
            EngineAssembly = scriptPath,
            ResponseFile = Path.Combine(_directory, "aegis.rsp"),
            ToolPath = "/bin",
            ToolExe = "sh",
        };
        var result = task.Execute();
        return (task, engine, result);
    }

    [UnixFact]
    public void ExitZero_Succeeds_AndPassesBuildVerbAndResponseFile()
    {
        var (task, engine, result) = Run("""
            echo "args: $1 $2"
            echo "aegis: card /out/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed"
            exit 0
            """);

        Assert.True(result);
        Assert.Empty(engine.Errors);
        Assert.Equal(0, task.EngineExitCode);
        Assert.Contains(engine.Messages, m => m.Message == "args: build @" + Path.Combine(_directory, "aegis.rsp"));
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.High && m.Message == "Aegis Risk Card: /out/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed");
    }

    [UnixFact]
    public void GateFailed_ExitOne_EngineErrorIsLoggedOnce()
    {
        var (task, engine, result) = Run("""
            echo "aegis: card /out/risk-card.html: Blocked (risk 72 HIGH): 1 incident in the code (top: AEG002 Hard-coded secret in Startup.cs:3). Patches: rollback, do not apply (1 of 1 incident fixed in 1 file, failed; sandbox_tests: 1 of 3 failed)"
            echo "aegis: error AEGB004: Risk Card blocked (risk 72, HIGH): hard-coded secret in Startup.cs"
            exit 1
            """);

        Assert.False(result);
        Assert.Equal(1, task.EngineExitCode);
        Assert.Equal(["AEGB004"], engine.ErrorCodes);
    }

    [UnixFact]
    public void GateFailed_ExitOneWithoutLine_TaskExplainsWithAEGB004()
    {
        var (_, engine, result) = Run("exit 1\n");

        Assert.False(result);
        Assert.Equal(["AEGB004"], engine.ErrorCodes);
    }

    [UnixFact]
    public void UsageError_ExitTwoWithoutLine_AEGB003()
    {
        var (_, engine, result) = Run("exit 2\n");

        Assert.False(result);
        Assert.Equal(["AEGB003"], engine.ErrorCodes);
    }

    [UnixFact]
    public void Crash_WithoutLine_AEGB008NamesExitCode()
    {
        var (_, engine, result) = Run("echo 'Unhandled exception.' >&2\nexit 134\n");

        Assert.False(result);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB008", error.Code);
        Assert.Contains("exit code 134", error.Message, StringComparison.Ordinal);
        Assert.Contains(engine.Messages, m => m.Message == "Unhandled exception.");
    }

    [UnixFact]
    public void ExitZeroWithWarning_SucceedsWithCodedWarning()
    {
        var (_, engine, result) = Run("echo 'aegis: warning AEGB007: repository sandbox fell back to file'\n");

        Assert.True(result);
        Assert.Equal("AEGB007", Assert.Single(engine.Warnings).Code);
    }

    [UnixFact]
    public void ErrorLineWithExitZero_StillFails()
    {
        var (_, engine, result) = Run("echo 'aegis: error AEGB006: output folder /out is not writable'\nexit 0\n");

        Assert.False(result);
        Assert.Equal(["AEGB006"], engine.ErrorCodes);
    }
}

/// <summary>A fact that needs /bin/sh.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Uses /bin/sh as a stand-in engine.";
        }
    }
}
