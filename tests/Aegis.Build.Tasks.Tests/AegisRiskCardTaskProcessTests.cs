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

/// <summary>
/// <c>UseServer</c>: the task as the warm server's client, against a stand-in server on the real pipe (the wire format
/// is the one the task links, Aegis.Engine/Server/ServerWire.cs). Served, the engine is not started; refused, it is.
/// </summary>
public sealed class AegisRiskCardTaskServerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aegis-srv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [UnixFact]
    public void Served_TheServersOutputAndExitCode_AreLogged_AndTheEngineIsNotStarted()
    {
        var (task, engine, result, request) = Run(new Aegis.Engine.Server.ServerResponse
        {
            ExitCode = 1,
            Stdout = "aegis: card /out/risk-card.html: Blocked (risk 72 HIGH): 1 incident in the code\n",
            Stderr = "aegis: error AEGB004: Risk Card blocked (risk 72, HIGH)\n",
        });

        Assert.False(result);
        Assert.True(task.UsedServer);
        Assert.Equal(1, task.EngineExitCode);
        Assert.Equal(["AEGB004"], engine.ErrorCodes);
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.High && m.Message == "Aegis Risk Card: /out/risk-card.html: Blocked (risk 72 HIGH): 1 incident in the code");
        Assert.False(File.Exists(Path.Combine(_directory, "engine-ran")), "the engine was started although the server answered");
        Assert.Equal(["build", "@" + Path.Combine(_directory, "aegis.rsp")], request!.Arguments);
        Assert.Equal(Directory.GetCurrentDirectory(), request.WorkingDirectory);
        Assert.True(request.Environment.ContainsKey("PATH"));
    }

    [UnixFact]
    public void Refused_AsStale_TheEngineRunsOnce_WithALowImportanceMessage()
    {
        var (task, engine, result, _) = Run(new Aegis.Engine.Server.ServerResponse { Status = Aegis.Engine.Server.ServerWire.StatusStale, Message = "stale server: it is x, the build needs y" });

        Assert.True(result);
        Assert.False(task.UsedServer);
        Assert.True(File.Exists(Path.Combine(_directory, "engine-ran")), "the engine did not run after the refusal");
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.Low && (m.Message ?? "").Contains("did not take the build (stale server", StringComparison.Ordinal));
        Assert.Contains(engine.Messages, m => m.Message == "Aegis Risk Card: /out/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed");
    }

    /// <summary>
    /// A server that cannot be started (its process exits at once) is started once: the run after the prepare does not
    /// wait for a second start, it runs the engine once and says why in a low-importance message.
    /// </summary>
    [UnixFact]
    public void ServerThatCannotStart_IsStartedOnce_ThenTheEngineRunsOnce()
    {
        var log = Path.Combine(_directory, "started.log");
        var scriptPath = Path.Combine(_directory, "engine.sh");
        File.WriteAllText(scriptPath, "echo \"$1\" >> \"" + log + "\"\necho \"aegis: card /out/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed\"\nexit 0\n");
        var servers = Path.Combine(_directory, "srv");
        Directory.CreateDirectory(servers);
        // An SDK version of its own: the task remembers failed starts per server identity for the whole process.
        var sdk = "10.0.100-" + Guid.NewGuid().ToString("N");
        AegisRiskCardTask Create(FakeBuildEngine engine, bool prepare) => new()
        {
            BuildEngine = engine,
            EngineAssembly = scriptPath,
            ResponseFile = Path.Combine(_directory, "aegis.rsp"),
            ToolPath = "/bin",
            ToolExe = "sh",
            UseServer = true,
            Prepare = prepare,
            SdkVersion = sdk,
            GetEnvironmentVariable = name => name == Aegis.Engine.Server.ServerWire.DirectoryVariable ? servers : Environment.GetEnvironmentVariable(name),
        };

        Assert.True(Create(new FakeBuildEngine(), prepare: true).Execute());
        var engine = new FakeBuildEngine();
        var run = Create(engine, prepare: false);
        Assert.True(run.Execute());

        Assert.False(run.UsedServer);
        Assert.Equal(["server", "build"], File.ReadAllLines(log));
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.Low && (m.Message ?? "").Contains("not started again for 2 minutes", StringComparison.Ordinal));
        Assert.Contains(engine.Messages, m => m.Message == "Aegis Risk Card: /out/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed");
    }

    /// <summary>The task with UseServer, its engine a script that leaves a mark, and one request answered with <paramref name="answer"/>.</summary>
    private (AegisRiskCardTask Task, FakeBuildEngine Engine, bool Result, Aegis.Engine.Server.ServerRequest? Request) Run(Aegis.Engine.Server.ServerResponse answer)
    {
        var scriptPath = Path.Combine(_directory, "engine.sh");
        File.WriteAllText(scriptPath, "touch \"" + Path.Combine(_directory, "engine-ran") + "\"\necho \"aegis: card /out/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed\"\nexit 0\n");
        var servers = Path.Combine(_directory, "srv");
        Directory.CreateDirectory(servers);
        var engine = new FakeBuildEngine();
        var task = new AegisRiskCardTask
        {
            BuildEngine = engine,
            EngineAssembly = scriptPath,
            ResponseFile = Path.Combine(_directory, "aegis.rsp"),
            ToolPath = "/bin",
            ToolExe = "sh",
            UseServer = true,
            SdkVersion = "10.0.100",
            GetEnvironmentVariable = name => name == Aegis.Engine.Server.ServerWire.DirectoryVariable ? servers : Environment.GetEnvironmentVariable(name),
        };
        var identity = Aegis.Engine.Server.ServerWire.Identity(Aegis.Engine.Server.ServerWire.EngineHash(_directory), "/bin/sh", "10.0.100");
        using var pipe = new System.IO.Pipes.NamedPipeServerStream(Aegis.Engine.Server.ServerWire.PipeName(servers, identity, windows: false), System.IO.Pipes.PipeDirection.InOut, 1, System.IO.Pipes.PipeTransmissionMode.Byte, System.IO.Pipes.PipeOptions.Asynchronous);
        var served = Task.Run(() =>
        {
            pipe.WaitForConnection();
            var request = Aegis.Engine.Server.ServerWire.ReadRequest(pipe);
            Aegis.Engine.Server.ServerWire.WriteResponse(pipe, answer);
            return request;
        });

        var result = task.Execute();
        Assert.True(served.Wait(TimeSpan.FromSeconds(30)), "the task never reached the stand-in server");
        return (task, engine, result, served.Result);
    }
}
