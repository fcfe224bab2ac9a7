using System.Diagnostics;
using Aegis.Engine.Server;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Server;

/// <summary>
/// The warm engine server over its real pipe, in process: identity checks, idle exit, one server per identity, many
/// requests at once, a folder and socket only the user can open. The handler is a stand-in; the card it would write is
/// compared in <see cref="WarmCardTests"/> and, through MSBuild, in Aegis.Package.Tests (WarmServerTests).
/// </summary>
public sealed class EngineServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StaleIdentity_IsRefused_AndTheRequestNeverRuns()
    {
        using var directory = new TempDirectory();
        var runs = 0;
        var (server, running, _) = Start(directory, TimeSpan.FromMinutes(1), (_, _) => { Interlocked.Increment(ref runs); return Task.FromResult(new ServerResponse()); });

        var stale = Send(server, new ServerRequest { Identity = server.Identity.Replace("sdk=10.0.100", "sdk=10.0.200", StringComparison.Ordinal) });
        var current = Send(server, new ServerRequest { Identity = server.Identity });

        Assert.Equal(ServerWire.StatusStale, stale.Status);
        Assert.Contains("stale server", stale.Message, StringComparison.Ordinal);
        Assert.Equal(ServerWire.StatusOk, current.Status);
        Assert.Equal(1, runs);
        Assert.False(running.IsCompleted);
        await StopAsync(server, running);
    }

    [Fact]
    public async Task OutdatedServer_ExitsWhenAClientWithAnotherEngineArrives()
    {
        using var directory = new TempDirectory();
        var (server, running, engine) = Start(directory, TimeSpan.FromMinutes(1), Echo);

        // A package update replaced the engine this server was loaded from.
        File.AppendAllText(Path.Combine(engine, "Aegis.Engine.dll"), "updated");
        var answer = Send(server, new ServerRequest { Identity = ServerWire.Identity(ServerWire.EngineHash(engine), "/usr/bin/dotnet", "10.0.100") });

        Assert.Equal(ServerWire.StatusStale, answer.Status);
        Assert.True(await Task.WhenAny(running, Task.Delay(Patience)) == running, "the outdated server did not exit");
        Assert.False(File.Exists(server.PipeName));
        Assert.False(File.Exists(ServerWire.PidFile(Path.Combine(directory.Path, "servers"), server.Identity)));
    }

    [Fact]
    public async Task IdleServer_ExitsAfterItsTimeout_AndRemovesItsFiles()
    {
        using var directory = new TempDirectory();
        var (server, running, _) = Start(directory, TimeSpan.FromSeconds(1), Echo);
        Assert.Equal(ServerWire.StatusOk, Send(server, new ServerRequest { Identity = server.Identity }).Status);
        var idle = Stopwatch.StartNew();

        Assert.True(await Task.WhenAny(running, Task.Delay(Patience)) == running, "the idle server did not exit");
        Assert.True(await running);
        Assert.True(idle.Elapsed >= TimeSpan.FromSeconds(0.9), "it left before its idle timeout: " + idle.Elapsed);
        Assert.False(File.Exists(server.PipeName));
        Assert.False(File.Exists(ServerWire.PidFile(Path.Combine(directory.Path, "servers"), server.Identity)));
    }

    [Fact]
    public async Task SecondServer_OfTheSameIdentity_LeavesAtOnce_AndTheFirstKeepsServing()
    {
        using var directory = new TempDirectory();
        var (server, running, engine) = Start(directory, TimeSpan.FromMinutes(1), Echo);
        var second = new EngineServer(Path.Combine(directory.Path, "servers"), server.Identity, engine, TimeSpan.FromMinutes(1), Echo);

        Assert.False(await second.RunAsync(CancellationToken.None).WaitAsync(Patience));
        Assert.Equal(ServerWire.StatusOk, Send(server, new ServerRequest { Identity = server.Identity }).Status);
        await StopAsync(server, running);
    }

    [Fact]
    public async Task ManyRequestsAtOnce_EachGetsItsOwnAnswer()
    {
        // Twenty builds are twenty processes; here they are twenty blocked threads, which the pool must not ration.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), completions);
        using var directory = new TempDirectory();
        var (server, running, _) = Start(directory, TimeSpan.FromMinutes(1), async (request, ct) =>
        {
            await Task.Delay(200, ct);
            return new ServerResponse { ExitCode = int.Parse(request.Arguments[0], System.Globalization.CultureInfo.InvariantCulture), Stdout = request.Environment["PROJECT"] };
        });

        var answers = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() =>
            Send(server, new ServerRequest { Identity = server.Identity, Arguments = [i.ToString(System.Globalization.CultureInfo.InvariantCulture)], Environment = { ["PROJECT"] = "p" + i } }))));

        Assert.Equal(Enumerable.Range(1, 20), answers.Select(a => a.ExitCode));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => "p" + i), answers.Select(a => a.Stdout));
        await StopAsync(server, running);
    }

    [Fact]
    public async Task FolderAndSocket_AreTheUsersOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var directory = new TempDirectory();
        var (server, running, _) = Start(directory, TimeSpan.FromMinutes(1), Echo);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(directory.Path, "servers")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.PipeName));
        await StopAsync(server, running);
    }

    [Fact]
    public async Task AegisServerStatusAndStop_FindTheServerByItsPidFile()
    {
        using var directory = new TempDirectory();
        var (server, running, _) = Start(directory, TimeSpan.FromMinutes(1), Echo);
        var folder = Path.Combine(directory.Path, "servers");

        var status = new StringWriter();
        Assert.Equal(0, await Aegis.Cli.AegisCommandLine.RunAsync(["server", "status", "--directory", folder], status, new StringWriter(), _ => null));
        var stop = new StringWriter();
        Assert.Equal(0, await Aegis.Cli.AegisCommandLine.RunAsync(["server", "stop", "--directory", folder], stop, new StringWriter(), _ => null));

        Assert.Equal("aegis: server pid " + Environment.ProcessId + ", " + server.Identity + ", idle timeout 60 s\n", status.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.StartsWith("aegis: server stopping pid " + Environment.ProcessId, stop.ToString(), StringComparison.Ordinal);
        Assert.True(await Task.WhenAny(running, Task.Delay(Patience)) == running, "aegis server stop did not stop it");
        var none = new StringWriter();
        await Aegis.Cli.AegisCommandLine.RunAsync(["server", "status", "--directory", folder], none, new StringWriter(), _ => null);
        Assert.Equal("aegis: no server running (" + folder + ")\n", none.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Unreachable_GarbageSocketFile_IsNoAnswer_NotAnException()
    {
        using var directory = new TempDirectory();
        var garbage = directory.Write("servers/0123456789abcdef.sock", "not a socket");

        var answer = ServerWire.TrySend(garbage, new ServerRequest { Identity = "x" }, 200, TimeSpan.FromSeconds(5), out var failure);

        Assert.Null(answer);
        Assert.NotEmpty(failure);
    }

    [Fact]
    public void Wire_RoundTrips_AndRejectsAnotherProtocol()
    {
        var request = new ServerRequest { Kind = ServerWire.KindRun, Identity = "id", WorkingDirectory = "/repo", Arguments = ["build", "@/repo/obj/aegis/aegis.rsp"], Environment = { ["CI"] = "", ["PATH"] = "/bin" } };
        using var stream = new MemoryStream();
        ServerWire.WriteRequest(stream, request);
        stream.Position = 0;

        var read = ServerWire.ReadRequest(stream)!;

        Assert.Equal(request.Identity, read.Identity);
        Assert.Equal(request.WorkingDirectory, read.WorkingDirectory);
        Assert.Equal(request.Arguments, read.Arguments);
        Assert.Equal(request.Environment, read.Environment);
        Assert.Null(ServerWire.ReadRequest(new MemoryStream(new byte[] { 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 })));
        Assert.Null(ServerWire.ReadRequest(new MemoryStream(new byte[] { 1, 2 })));
    }

    private static Task<ServerResponse> Echo(ServerRequest request, CancellationToken cancellationToken)
        => Task.FromResult(new ServerResponse { Stdout = string.Join(" ", request.Arguments) });

    /// <summary>A server for a stand-in engine folder, in its own folder under <paramref name="directory"/>, once its pipe answers.</summary>
    private static (EngineServer Server, Task<bool> Running, string Engine) Start(TempDirectory directory, TimeSpan idle, Func<ServerRequest, CancellationToken, Task<ServerResponse>> handler)
    {
        var engine = Path.Combine(directory.Path, "engine");
        Directory.CreateDirectory(engine);
        foreach (var name in ServerWire.EngineFiles)
        {
            File.WriteAllText(Path.Combine(engine, name), name);
        }

        var identity = ServerWire.Identity(ServerWire.EngineHash(engine), "/usr/bin/dotnet", "10.0.100");
        var server = new EngineServer(Path.Combine(directory.Path, "servers"), identity, engine, idle, handler);
        var running = Task.Run(() => server.RunAsync(CancellationToken.None));
        var waited = Stopwatch.StartNew();
        while (!File.Exists(server.PipeName) && !OperatingSystem.IsWindows())
        {
            Assert.True(waited.Elapsed < Patience && !running.IsCompleted, "the server did not come up");
            Thread.Sleep(20);
        }

        return (server, running, engine);
    }

    private static ServerResponse Send(EngineServer server, ServerRequest request)
        => ServerWire.TrySend(server.PipeName, request, 5000, Patience, out var failure) ?? throw new Xunit.Sdk.XunitException("no answer: " + failure);

    private static async Task StopAsync(EngineServer server, Task<bool> running)
    {
        Assert.Equal(ServerWire.StatusOk, Send(server, new ServerRequest { Kind = ServerWire.KindStop, Identity = server.Identity }).Status);
        Assert.True(await Task.WhenAny(running, Task.Delay(Patience)) == running, "the server did not stop");
    }
}
