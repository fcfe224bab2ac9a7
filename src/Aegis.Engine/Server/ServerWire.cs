using System.IO.Pipes;
using System.Security.Cryptography;
using System.Text;

namespace Aegis.Engine.Server;

/// <summary>
/// The warm engine server's wire format, naming and identity, shared as source by the server (Aegis.Engine, net8.0)
/// and its client (Aegis.Build.Tasks, netstandard2.0, linked): one definition, so the two sides cannot drift. Written for
/// netstandard2.0 (no spans, no records). docs/msbuild.md describes the server.
/// </summary>
internal static class ServerWire
{
    /// <summary>"AEGS": a stray process on the pipe is told apart from a client.</summary>
    public const int Magic = 0x53474541;

    /// <summary>Bumped whenever a message changes shape; part of <see cref="Identity"/> too.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>Where the server's socket, lock and pid files live (a per-user folder unless the variable says otherwise).</summary>
    public const string DirectoryVariable = "AEGIS_SERVER_DIR";

    /// <summary>The engine's own assemblies: any byte changed (a package update, a rebuilt engine) is another identity.</summary>
    public static readonly string[] EngineFiles = { "Aegis.Cli.dll", "Aegis.Engine.dll", "Aegis.Analyzers.dll", "Aegis.Analyzers.CodeFixes.dll" };

    public const string KindRun = "run";

    /// <summary>Sent before the compiler runs with the build's own arguments: the server starts the card's analysis
    /// and answers at once; the build's <see cref="KindRun"/> request after Build then finds it done.</summary>
    public const string KindPrepare = "prepare";
    public const string KindStatus = "status";
    public const string KindStop = "stop";

    public const int StatusOk = 0;

    /// <summary>The client's identity is not the server's (another engine build, host or SDK): never served.</summary>
    public const int StatusStale = 1;

    /// <summary>The server does not take this request (a repository sandbox, a path outside the repository …): the
    /// client runs the one-shot engine, which gives the same card.</summary>
    public const int StatusNotServed = 2;

    /// <summary>
    /// What a server must match to be used: the protocol, the engine's bytes (a hash of <see cref="EngineFiles"/>), the
    /// dotnet host that runs it and the SDK that builds. The request's references and options are not part of it: the
    /// server keys its cache by them per request.
    /// </summary>
    public static string Identity(string engineHash, string dotNetHost, string sdkVersion)
        => "aegis-server/" + ProtocolVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + ";engine=" + engineHash + ";host=" + Path.GetFullPath(dotNetHost) + ";sdk=" + sdkVersion;

    /// <summary>SHA-256 over each engine file's name and bytes, in <see cref="EngineFiles"/> order (hex, lower case).</summary>
    public static string EngineHash(string engineDirectory)
    {
        using var sha = SHA256.Create();
        foreach (var name in EngineFiles)
        {
            var path = Path.Combine(engineDirectory, name);
            var nameBytes = Encoding.UTF8.GetBytes(name + "\n");
            sha.TransformBlock(nameBytes, 0, nameBytes.Length, null, 0);
            if (File.Exists(path))
            {
                var bytes = File.ReadAllBytes(path);
                sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
            }
        }

        sha.TransformFinalBlock(new byte[0], 0, 0);
        return Hex(sha.Hash!);
    }

    /// <summary>The first 16 hex digits of the identity's SHA-256: part of the pipe's name, so builds of different
    /// engines or SDKs never even meet on one pipe.</summary>
    public static string ShortName(string identity)
    {
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(identity))).Substring(0, 16);
    }

    /// <summary><c>$AEGIS_SERVER_DIR</c>, else <c>$XDG_RUNTIME_DIR/aegis-server</c> (per user, 0700 by the OS), else
    /// <c>&lt;temp&gt;/aegis-server-&lt;user&gt;</c>.</summary>
    public static string DefaultDirectory(Func<string, string?> environment)
    {
        var set = environment(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(set))
        {
            return Path.GetFullPath(set!.Trim());
        }

        var runtime = environment("XDG_RUNTIME_DIR");
        if (!string.IsNullOrWhiteSpace(runtime) && Directory.Exists(runtime))
        {
            return Path.Combine(runtime!, "aegis-server");
        }

        return Path.Combine(Path.GetTempPath(), "aegis-server-" + SafeUserName());
    }

    /// <summary>
    /// The pipe: on Unix a socket file in <paramref name="directory"/> (an absolute path is used as the socket's path by
    /// .NET's named pipes); on Windows a pipe name with the user in it (the server admits the current user only).
    /// </summary>
    public static string PipeName(string directory, string identity, bool windows)
        => windows ? "aegis-server-" + SafeUserName() + "-" + ShortName(identity) : Path.Combine(directory, ShortName(identity) + ".sock");

    public static string PidFile(string directory, string identity) => Path.Combine(directory, ShortName(identity) + ".pid");

    public static string LockFile(string directory, string identity) => Path.Combine(directory, ShortName(identity) + ".lock");

    private static string SafeUserName()
    {
        var builder = new StringBuilder();
        foreach (var c in Environment.UserName)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        }

        return builder.Length == 0 ? "user" : builder.ToString();
    }

    private static string Hex(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>The largest message either side accepts (a build's output is a few kilobytes).</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>One message: its length (4 bytes, little-endian), then its bytes; the reader knows what to wait for.</summary>
    public static void WriteFrame(Stream stream, Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        var length = BitConverter.GetBytes((int)buffer.Length);
        stream.Write(length, 0, length.Length);
        buffer.Position = 0;
        buffer.CopyTo(stream);
        stream.Flush();
    }

    /// <summary>The next message's bytes, or null when the stream ended or the length is not plausible.</summary>
    public static MemoryStream? ReadFrame(Stream stream)
    {
        var length = ReadExactly(stream, 4);
        if (length is null)
        {
            return null;
        }

        var size = BitConverter.ToInt32(length, 0);
        if (size < 0 || size > MaxMessageBytes)
        {
            return null;
        }

        var payload = ReadExactly(stream, size);
        return payload is null ? null : new MemoryStream(payload);
    }

    private static byte[]? ReadExactly(Stream stream, int count)
    {
        var bytes = new byte[count];
        var read = 0;
        while (read < count)
        {
            var got = stream.Read(bytes, read, count - read);
            if (got == 0)
            {
                return null;
            }

            read += got;
        }

        return bytes;
    }

    public static void WriteRequest(Stream stream, ServerRequest request) => WriteFrame(stream, writer => WriteRequest(writer, request));

    private static void WriteRequest(BinaryWriter writer, ServerRequest request)
    {
        writer.Write(Magic);
        writer.Write(ProtocolVersion);
        writer.Write(request.Kind);
        writer.Write(request.Identity);
        writer.Write(request.WorkingDirectory);
        WriteList(writer, request.Arguments);
        writer.Write(request.Environment.Count);
        foreach (var pair in request.Environment)
        {
            writer.Write(pair.Key);
            writer.Write(pair.Value);
        }
    }

    /// <summary>The request, or null when the bytes are not one (another protocol version, a stray writer).</summary>
    public static ServerRequest? ReadRequest(Stream stream)
    {
        using var frame = ReadFrame(stream);
        return frame is null ? null : ParseRequest(frame);
    }

    /// <summary>A request from one frame's bytes, or null when they are not one.</summary>
    public static ServerRequest? ParseRequest(Stream frame)
    {
        try
        {
            return ParseRequest(new BinaryReader(frame, Encoding.UTF8, leaveOpen: true));
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static ServerRequest? ParseRequest(BinaryReader reader)
    {
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != ProtocolVersion)
        {
            return null;
        }

        var request = new ServerRequest
        {
            Kind = reader.ReadString(),
            Identity = reader.ReadString(),
            WorkingDirectory = reader.ReadString(),
            Arguments = ReadList(reader),
        };
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            request.Environment[name] = reader.ReadString();
        }

        return request;
    }

    public static void WriteResponse(Stream stream, ServerResponse response) => WriteFrame(stream, writer =>
    {
        writer.Write(Magic);
        writer.Write(response.Status);
        writer.Write(response.Message);
        writer.Write(response.ExitCode);
        writer.Write(response.Stdout);
        writer.Write(response.Stderr);
    });

    public static ServerResponse? ReadResponse(Stream stream)
    {
        using var frame = ReadFrame(stream);
        if (frame is null)
        {
            return null;
        }

        var reader = new BinaryReader(frame, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != Magic)
        {
            return null;
        }

        return new ServerResponse
        {
            Status = reader.ReadInt32(),
            Message = reader.ReadString(),
            ExitCode = reader.ReadInt32(),
            Stdout = reader.ReadString(),
            Stderr = reader.ReadString(),
        };
    }

    /// <summary>
    /// Sends one request and waits for its answer. Null (never an exception) when the server cannot be reached within
    /// <paramref name="connectTimeoutMilliseconds"/>, closes the pipe, or does not answer within
    /// <paramref name="responseTimeout"/>: the caller falls back to the one-shot engine. <paramref name="failure"/> says why.
    /// </summary>
    public static ServerResponse? TrySend(string pipeName, ServerRequest request, int connectTimeoutMilliseconds, TimeSpan responseTimeout, out string failure)
    {
        failure = "";
        try
        {
            using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
            pipe.Connect(connectTimeoutMilliseconds);
            WriteRequest(pipe, request);
            var read = Task.Run(() => ReadResponse(pipe));
            if (!read.Wait(responseTimeout))
            {
                failure = "no answer within " + responseTimeout.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s";
                return null;
            }

            if (read.Result is null)
            {
                failure = "the server answered in another protocol";
            }

            return read.Result;
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or UnauthorizedAccessException or AggregateException or InvalidOperationException or ArgumentException or System.Net.Sockets.SocketException)
        {
            failure = exception.GetType().Name + ": " + (exception is AggregateException aggregate ? aggregate.InnerException?.Message : exception.Message);
            return null;
        }
    }

    private static void WriteList(BinaryWriter writer, List<string> values)
    {
        writer.Write(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static List<string> ReadList(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var values = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            values.Add(reader.ReadString());
        }

        return values;
    }
}

/// <summary>What the one-shot engine would get: its arguments, the environment and the working directory.</summary>
internal sealed class ServerRequest
{
    public string Kind { get; set; } = ServerWire.KindRun;

    public string Identity { get; set; } = "";

    public string WorkingDirectory { get; set; } = "";

    public List<string> Arguments { get; set; } = new List<string>();

    public Dictionary<string, string> Environment { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>What the one-shot engine would have given: exit code and output (or a refusal and its reason).</summary>
internal sealed class ServerResponse
{
    public int Status { get; set; }

    public string Message { get; set; } = "";

    public int ExitCode { get; set; }

    public string Stdout { get; set; } = "";

    public string Stderr { get; set; } = "";
}
