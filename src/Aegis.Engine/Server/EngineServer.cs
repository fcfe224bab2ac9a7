using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;

namespace Aegis.Engine.Server;

/// <summary>
/// The warm engine: one process per user and engine identity that serves the MSBuild task's requests over a pipe, so
/// a build pays neither the process start and JIT nor the reference loading again, and exits after an idle timeout.
/// The front (Aegis.Cli, <c>aegis server run</c>) supplies <see cref="Handler"/>: the same command line the one-shot
/// engine runs, so the card is the same.
/// </summary>
internal sealed class EngineServer
{
    private readonly string directory;
    private readonly string identity;
    private readonly string ownEngineDirectory;
    private readonly string ownEngineHash;
    private readonly TimeSpan idleTimeout;
    private readonly Func<ServerRequest, CancellationToken, Task<ServerResponse>> handler;
    private readonly CancellationTokenSource stopping = new();
    private int active;
    private long lastActivity = Stopwatch.GetTimestamp();

    internal EngineServer(string directory, string identity, string ownEngineDirectory, TimeSpan idleTimeout, Func<ServerRequest, CancellationToken, Task<ServerResponse>> handler)
    {
        this.directory = Path.GetFullPath(directory);
        this.identity = identity;
        this.ownEngineDirectory = ownEngineDirectory;
        ownEngineHash = ServerWire.EngineHash(ownEngineDirectory);
        this.idleTimeout = idleTimeout;
        this.handler = handler;
    }

    /// <summary>
    /// The server for this engine (the folder the running assembly came from), the dotnet host the client started it
    /// with (as the client names it: the OS reports the host with symbolic links resolved) and the SDK.
    /// </summary>
    public static EngineServer ForThisEngine(string directory, string dotNetHost, string sdkVersion, TimeSpan idleTimeout, Func<ServerRequest, CancellationToken, Task<ServerResponse>> handler)
    {
        var engineDirectory = AppContext.BaseDirectory;
        var identity = ServerWire.Identity(ServerWire.EngineHash(engineDirectory), dotNetHost, sdkVersion);
        return new EngineServer(directory, identity, engineDirectory, idleTimeout, handler);
    }

    public string Identity => identity;

    public string PipeName => ServerWire.PipeName(directory, identity, OperatingSystem.IsWindows());

    /// <summary>
    /// Serves until idle for the timeout, stopped, or outdated. Returns false at once when another server of the same
    /// identity holds the lock (two builds starting one each: the second simply leaves).
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        PrivateDirectory(directory);
        FileStream heldLock;
        try
        {
            // FileShare.None is an exclusive advisory lock on Unix too: released by the OS if this process dies.
            heldLock = new FileStream(ServerWire.LockFile(directory, identity), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return false;
        }

        using (heldLock)
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token))
        {
            var pipeName = PipeName;
            if (!OperatingSystem.IsWindows() && File.Exists(pipeName))
            {
                // Left by a server that was killed: the lock says no server owns it now.
                File.Delete(pipeName);
            }

            var pidFile = ServerWire.PidFile(directory, identity);
            // The pid and the identity: what 'aegis server status|stop' and tests need to find and address it.
            File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n" + identity + "\n");
            var idle = WatchIdleAsync(pipeName, linked.Token);
            try
            {
                await AcceptAsync(pipeName, cancellationToken, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Idle, stopped or outdated: the normal way out.
            }
            finally
            {
                stopping.Cancel();
                await idle.ConfigureAwait(false);
                // Builds already taken are finished and answered: a stop or an update never costs one its card.
                var draining = Stopwatch.StartNew();
                while (Volatile.Read(ref active) > 0 && draining.Elapsed < TimeSpan.FromMinutes(10))
                {
                    await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                }

                TryDelete(pidFile);
                if (!OperatingSystem.IsWindows())
                {
                    TryDelete(pipeName);
                }
            }
        }

        return true;
    }

    private async Task AcceptAsync(string pipeName, CancellationToken requestCancellation, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var pipe = new NamedPipeServerStream(pipeName, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
            if (!OperatingSystem.IsWindows() && File.Exists(pipeName))
            {
                // Only this user may connect: the folder is 0700 and the socket 0600 (CurrentUserOnly checks the peer too).
                File.SetUnixFileMode(pipeName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                await pipe.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await pipe.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            Interlocked.Increment(ref active);
            // Not the accept loop's token: stopping the server must not cancel a build it already took.
            _ = Task.Run(() => ServeAsync(pipe, requestCancellation), CancellationToken.None);
        }
    }

    private async Task ServeAsync(NamedPipeServerStream pipe, CancellationToken cancellationToken)
    {
        try
        {
            await using (pipe.ConfigureAwait(false))
            {
                var request = await ReadRequestAsync(pipe, cancellationToken).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                var response = await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
                using var answer = new MemoryStream();
                ServerWire.WriteResponse(answer, response);
                await pipe.WriteAsync(answer.GetBuffer().AsMemory(0, (int)answer.Length), CancellationToken.None).ConfigureAwait(false);
                await pipe.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or EndOfStreamException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: the client falls back to the one-shot engine.
        }
        finally
        {
            Interlocked.Exchange(ref lastActivity, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref active);
        }
    }

    /// <summary>The request's frame read without holding a thread while the client writes (many builds at once).</summary>
    private static async Task<ServerRequest?> ReadRequestAsync(Stream pipe, CancellationToken cancellationToken)
    {
        var length = new byte[4];
        await pipe.ReadExactlyAsync(length, cancellationToken).ConfigureAwait(false);
        var size = BitConverter.ToInt32(length, 0);
        if (size < 0 || size > ServerWire.MaxMessageBytes)
        {
            return null;
        }

        var payload = new byte[size];
        await pipe.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        using var frame = new MemoryStream(payload);
        return ServerWire.ParseRequest(frame);
    }

    internal async Task<ServerResponse> AnswerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.Identity, identity, StringComparison.Ordinal))
        {
            // A client with another engine: if this server's own files changed on disk, it is the outdated one.
            if (!string.Equals(ServerWire.EngineHash(ownEngineDirectory), ownEngineHash, StringComparison.Ordinal))
            {
                stopping.Cancel();
            }

            return new ServerResponse { Status = ServerWire.StatusStale, Message = "stale server: it is " + identity + ", the build needs " + request.Identity };
        }

        switch (request.Kind)
        {
            case ServerWire.KindStatus:
                return new ServerResponse { Message = "pid " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ", " + identity + ", idle timeout " + idleTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s" };
            case ServerWire.KindStop:
                stopping.Cancel();
                return new ServerResponse { Message = "stopping pid " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) };
            case ServerWire.KindRun:
            case ServerWire.KindPrepare:
                return await handler(request, cancellationToken).ConfigureAwait(false);
            default:
                return new ServerResponse { Status = ServerWire.StatusNotServed, Message = "unknown request kind " + request.Kind };
        }
    }

    /// <summary>Exits once no request has been open for the idle timeout, or when its socket file was removed.</summary>
    private async Task WatchIdleAsync(string pipeName, CancellationToken cancellationToken)
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 4, 100, 1000));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(tick, cancellationToken).ConfigureAwait(false);
                var idleFor = Stopwatch.GetElapsedTime(Interlocked.Read(ref lastActivity));
                var orphaned = !OperatingSystem.IsWindows() && !File.Exists(pipeName);
                if ((Volatile.Read(ref active) == 0 && idleFor >= idleTimeout) || orphaned)
                {
                    stopping.Cancel();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The server's folder, created for this user only; one others may write to is refused.</summary>
    private static void PrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException("the server folder " + path + " is writable by other users; remove it or set " + ServerWire.DirectoryVariable);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
