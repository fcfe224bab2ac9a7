using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Server;

namespace Aegis.Cli.Commands;

/// <summary>
/// <c>aegis server run|status|stop</c>: the warm engine the MSBuild task starts on first use (docs/msbuild.md, "The
/// warm engine server"). <c>run</c> is internal; <c>status</c> and <c>stop</c> are for people.
/// </summary>
internal static class ServerCommands
{
    public const int DefaultIdleTimeoutSeconds = 600;

    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var server = new Command("server", "The warm engine server that MSBuild builds use (AegisUseServer): status, stop.");

        var runDirectory = DirectoryOption();
        var sdkVersion = new Option<string>("--sdk-version") { Description = "The SDK version of the builds it serves (part of its identity).", DefaultValueFactory = _ => "" };
        var host = new Option<string>("--host") { Description = "The dotnet host that runs it (part of its identity).", DefaultValueFactory = _ => Environment.ProcessPath ?? "dotnet" };
        var idleTimeout = new Option<int>("--idle-timeout") { Description = "Seconds without a request before it exits (default 600).", DefaultValueFactory = _ => DefaultIdleTimeoutSeconds };
        idleTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError("--idle-timeout must be a positive number of seconds");
            }
        });
        var run = new Command("run", "(internal) Serve builds until idle for --idle-timeout seconds; started by the MSBuild task.")
        {
            runDirectory, sdkVersion, host, idleTimeout,
        };
        run.SetAction((parse, ct) => RunAsync(context, parse.GetValue(runDirectory), parse.GetValue(sdkVersion)!, parse.GetValue(host)!, parse.GetValue(idleTimeout), ct));
        server.Subcommands.Add(run);

        var statusDirectory = DirectoryOption();
        var status = new Command("status", "List the running servers of this user (pid, engine identity, idle timeout).") { statusDirectory };
        status.SetAction(parse => Each(context, parse.GetValue(json), parse.GetValue(statusDirectory), ServerWire.KindStatus));
        server.Subcommands.Add(status);

        var stopDirectory = DirectoryOption();
        var stop = new Command("stop", "Stop every running server of this user; the next build starts a fresh one.") { stopDirectory };
        stop.SetAction(parse => Each(context, parse.GetValue(json), parse.GetValue(stopDirectory), ServerWire.KindStop));
        server.Subcommands.Add(stop);

        root.Subcommands.Add(server);
    }

    private static Option<string> DirectoryOption()
        => new("--directory") { Description = "The servers' folder (default: $AEGIS_SERVER_DIR, else a per-user folder)." };

    private static async Task<int> RunAsync(CliContext context, string? directory, string sdkVersion, string host, int idleTimeoutSeconds, CancellationToken cancellationToken)
    {
        // Nobody reads the server's console (the task redirects it): trace lines go to each request's own stderr.
        EngineTrace.Enabled = false;
        var cache = new LoadedProjectCache();
        var prepared = new PreparedBuilds();
        var folder = directory ?? ServerWire.DefaultDirectory(context.Environment);
        var server = EngineServer.ForThisEngine(folder, host, sdkVersion, TimeSpan.FromSeconds(idleTimeoutSeconds), (request, ct) => ServeAsync(request, cache, prepared, context.Catalog, ct));
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// One build, exactly as the one-shot engine runs it, with the warm project cache and what its <c>prepare</c>
    /// request started; or that <c>prepare</c>, answered as soon as its analysis is started.
    /// </summary>
    internal static async Task<ServerResponse> ServeAsync(ServerRequest request, LoadedProjectCache cache, PreparedBuilds prepared, Aegis.Engine.Analysis.AnalyzerCatalog catalog, CancellationToken cancellationToken)
    {
        string[] arguments;
        try
        {
            arguments = AegisCommandLine.ExpandResponseFiles(request.Arguments.ToArray());
        }
        catch (IOException exception)
        {
            return new ServerResponse { Status = ServerWire.StatusNotServed, Message = "cannot read the response file: " + exception.Message };
        }

        if (ServedRequest.WhyNotServed(arguments) is { } reason)
        {
            return new ServerResponse { Status = ServerWire.StatusNotServed, Message = reason };
        }

        if (request.Kind == ServerWire.KindPrepare)
        {
            return Prepare(arguments, cache, prepared, catalog);
        }

        var environment = new Dictionary<string, string>(request.Environment, StringComparer.Ordinal);
        string? Lookup(string name) => environment.TryGetValue(name, out var value) ? value : null;
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderrText = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = TextWriter.Synchronized(stderrText);
        if (EngineTrace.IsRequested(Lookup))
        {
            EngineTrace.TraceThisRequestTo(stderr);
        }

        var served = new ServedBuild(prepared);
        var exitCode = await AegisCommandLine.RunAsync(arguments, stdout, stderr, Lookup, catalog, cancellationToken: cancellationToken, stdin: TextReader.Null, stderrIsTerminal: false, projectCache: cache, served: served).ConfigureAwait(false);
        return new ServerResponse { ExitCode = exitCode, Stdout = stdout.ToString(), Stderr = stderrText.ToString(), Message = served.Outcome ?? "" };
    }

    /// <summary>
    /// Starts the analysis the build's run will need and answers at once. Writes nothing: a compile that fails never
    /// reaches the run, and the prepared work is dropped unused. A request the inputs of which cannot be read is left to
    /// the run, which reports it as the one-shot engine does.
    /// </summary>
    private static ServerResponse Prepare(string[] arguments, LoadedProjectCache cache, PreparedBuilds prepared, Aegis.Engine.Analysis.AnalyzerCatalog catalog)
    {
        try
        {
            var (inputsPath, inputs, root, sandbox) = ServedRequest.Resolve(arguments);
            prepared.Start(PreparedBuilds.Key(inputsPath, root, sandbox), inputs, new Aegis.Engine.EngineOptions { RepositoryRoot = root, Sandbox = sandbox, Catalog = catalog }, cache);
            return new ServerResponse { Message = "preparing the card of " + inputs.ProjectPath };
        }
        catch (Exception exception) when (exception is AegisException or IOException or UnauthorizedAccessException)
        {
            return new ServerResponse { Status = ServerWire.StatusNotServed, Message = "not prepared: " + exception.Message };
        }
    }

    /// <summary>Sends <paramref name="kind"/> to every server whose pid file is in the folder; prints one line each.</summary>
    private static int Each(CliContext context, bool json, string? directory, string kind)
    {
        var folder = directory ?? ServerWire.DefaultDirectory(context.Environment);
        var lines = new List<string>();
        var pidFiles = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.pid").Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();
        foreach (var pidFile in pidFiles)
        {
            var content = File.ReadAllLines(pidFile);
            if (content.Length < 2)
            {
                continue;
            }

            var identity = content[1];
            var request = new ServerRequest { Kind = kind, Identity = identity };
            var response = ServerWire.TrySend(ServerWire.PipeName(folder, identity, OperatingSystem.IsWindows()), request, 2000, TimeSpan.FromSeconds(10), out var failure);
            lines.Add(response is null ? "pid " + content[0] + ": not answering (" + failure + ")" : response.Message);
        }

        if (json)
        {
            var output = new JsonText().BeginObject().Property("exit_code", ExitCodes.Success).Property("directory", folder).Name("servers").BeginArray();
            foreach (var line in lines)
            {
                output.String(line);
            }

            context.Stdout.Write(output.EndArray().EndObject().ToString());
        }
        else
        {
            context.Stdout.WriteLine(lines.Count == 0 ? "aegis: no server running (" + folder + ")" : string.Join("\n", lines.Select(l => "aegis: server " + l)));
        }

        return ExitCodes.Success;
    }
}
