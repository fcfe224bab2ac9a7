using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Aegis.Engine.Server;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Aegis.Build.Tasks;

/// <summary>
/// Runs the Aegis engine out of process (<c>dotnet "…/tools/engine/Aegis.Cli.dll" build @"…/aegis.rsp"</c>) and turns
/// its <c>aegis: …</c> output lines into coded MSBuild errors, warnings and messages. Nothing of Roslyn or of the
/// engine is loaded into MSBuild's own process.
/// </summary>
public sealed class AegisRiskCardTask : ToolTask
{
    // "aegis: error AEGB004: text", "aegis: warning AEGB007: text", "aegis: card <risk-card.html>: Blocked (risk …): … Patches: …".
    private static readonly Regex CodedLine = new(
        @"^\s*aegis:\s+(?<kind>error|warning)\s+(?<code>AEGB\d{3})\s*:\s?(?<text>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex CardLine = new(
        @"^\s*aegis:\s+card\s+(?<text>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private string? _dotNetPath;

    /// <summary>Full path of the engine's entry assembly, <c>$(AegisEngineAssemblyFile)</c> (<c>tools/engine/Aegis.Cli.dll</c>).</summary>
    [Required]
    public string EngineAssembly { get; set; } = "";

    /// <summary>
    /// The engine's verb: <c>build</c> (the Risk Card), or <c>sarif</c> (only the SARIF log's rule properties, when the
    /// card is off). The arguments come from <see cref="ResponseFile"/> either way.
    /// </summary>
    public string Verb { get; set; } = "build";

    /// <summary>The response file written by <see cref="AegisWriteResponseFile"/>.</summary>
    [Required]
    public string ResponseFile { get; set; } = "";

    /// <summary>
    /// The .NET installation folder MSBuild knows (<c>$(NetCoreRoot)</c>, else <c>$(DOTNET_ROOT)</c>): where
    /// <c>dotnet</c> is looked for when <c>DOTNET_HOST_PATH</c> is not set (desktop MSBuild does not set it).
    /// </summary>
    public string? DotNetRoot { get; set; }

    /// <summary>
    /// The project being built (<c>$(MSBuildProjectFullPath)</c>): where the coded errors and warnings are located.
    /// Without it MSBuild places them at this task's line in the package's <c>.targets</c>, which the user cannot change.
    /// </summary>
    public string? ProjectFile { get; set; }

    private string? Location => string.IsNullOrEmpty(ProjectFile) ? null : ProjectFile;

    /// <summary>
    /// The <c>aegis: card …</c> line the engine printed, if any: the HTML card's path, then the verdict on the code and
    /// the verdict on the patches (<c>&lt;risk-card.html&gt;: Blocked (risk 72 HIGH): … Patches: …</c>). Empty when the
    /// target was up to date and the engine did not run.
    /// </summary>
    [Output]
    public string? RiskCardSummary { get; private set; }

    /// <summary>The engine's exit code (0 passed, 1 gate failed, 2 usage or input error, 3 internal error).</summary>
    [Output]
    public int EngineExitCode { get; private set; }

    /// <summary>
    /// <c>$(AegisUseServer)</c>: send the <c>build</c> request to the warm engine server (started on first use) instead
    /// of starting the engine; any failure to reach it runs the engine once, as without it. Off in CI (the target's default).
    /// </summary>
    public bool UseServer { get; set; }

    /// <summary><c>$(AegisServerIdleTimeout)</c>: seconds a server started by this task waits for the next request before it exits.</summary>
    public int ServerIdleTimeout { get; set; } = DefaultServerIdleTimeoutSeconds;

    /// <summary><c>$(NETCoreSdkVersion)</c>: part of the server's identity, so a build with another SDK never uses it.</summary>
    public string? SdkVersion { get; set; }

    /// <summary>Whether the last <see cref="Execute"/> was answered by the warm server.</summary>
    [Output]
    public bool UsedServer { get; private set; }

    /// <summary>
    /// Before the compiler runs (<c>_AegisPrepareCard</c>): only ask the warm server (started if none answers) to start
    /// the card's analysis, and return without waiting for it. Never runs the engine and never fails the build: the run
    /// after Build writes the card either way, from the prepared work when the sources did not change in between.
    /// </summary>
    public bool Prepare { get; set; }

    internal const int DefaultServerIdleTimeoutSeconds = 600;

    // A running server answers a connection at once; a server just started gets this long to come up.
    private const int ConnectTimeoutMilliseconds = 500;
    private static readonly TimeSpan ServerStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(10);

    // A prepare is answered before any analysis; a server that takes longer is not worth holding the compiler for.
    private static readonly TimeSpan PrepareResponseTimeout = TimeSpan.FromSeconds(10);

    // A server that could not be started is not started again for a while by this MSBuild process: without this, each
    // project's prepare and run would wait up to ServerStartTimeout before the one-shot engine.
    internal static readonly TimeSpan RetryFailedStartAfter = TimeSpan.FromMinutes(2);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime At, string Why)> FailedStarts = new(StringComparer.Ordinal);

    // Seams for unit tests: the process environment and the file system the search looks at.
    internal Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    internal Func<string, bool> FileExists { get; set; } = File.Exists;

    internal bool IsWindows { get; set; } = Path.DirectorySeparatorChar == '\\';

    internal string CommandLineForTests => GenerateCommandLineCommands();

    internal void LogOutputLineForTests(string line, MessageImportance importance) => LogEventsFromTextOutput(line, importance);

    /// <inheritdoc/>
    protected override string ToolName => IsWindows ? "dotnet.exe" : "dotnet";

    // Lines the engine prints that match no pattern are chatter: visible with -v:d, out of the way otherwise.
    /// <inheritdoc/>
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    /// <inheritdoc/>
    public override bool Execute()
    {
        if (Prepare)
        {
            // Whatever keeps the prepare from being sent (no engine, no dotnet, no server) is the run's to report.
            if (UseServer && string.Equals(Verb, "build", StringComparison.OrdinalIgnoreCase) && FileExists(EngineAssembly)
                && (!string.IsNullOrEmpty(ToolPath) || (_dotNetPath = FindDotNet()) is not null))
            {
                PrepareOnServer();
            }

            return true;
        }

        if (!FileExists(EngineAssembly))
        {
            Log.LogError(null, AegisErrorCodes.EngineMissing, null, Location, 0, 0, 0, 0,
                "The Aegis engine '{0}' is missing. Restore the Aegis.Analyzers package again, or point AegisEngineAssemblyFile at Aegis.Cli.dll.",
                EngineAssembly);
            return false;
        }

        // ToolPath set by the user (ToolTask's own override) wins over the search.
        if (string.IsNullOrEmpty(ToolPath))
        {
            _dotNetPath = FindDotNet();
            if (_dotNetPath is null)
            {
                Log.LogError(null, AegisErrorCodes.DotNetNotFound, null, Location, 0, 0, 0, 0,
                    "Cannot find '{0}' to run the Aegis engine: DOTNET_HOST_PATH is not set, '{1}' holds none, and none is on PATH. Set DOTNET_HOST_PATH, or AegisRiskCard=false to skip the Risk Card.",
                    ToolName, DotNetRoot ?? "");
                return false;
            }
        }

        if (UseServer && string.Equals(Verb, "build", StringComparison.OrdinalIgnoreCase) && TryRunOnServer())
        {
            return EngineExitCode == 0 && !Log.HasLoggedErrors;
        }

        var result = base.Execute();
        EngineExitCode = ExitCode;
        return result && !Log.HasLoggedErrors;
    }

    /// <summary>
    /// The request the one-shot engine would get (verb, response file, environment, folder), sent to the warm server;
    /// a server is started when none answers. False, with a low-importance message, whenever the server cannot be
    /// used: the caller runs the one-shot engine, which writes the same card.
    /// </summary>
    private bool TryRunOnServer()
    {
        string failure;
        try
        {
            var response = SendToServer(ServerWire.KindRun, ResponseTimeout, out var pipe, out failure);
            if (response is null)
            {
                Log.LogMessage(MessageImportance.Low, "Aegis: the warm engine server was not used ({0}); running the engine once.", failure);
                return false;
            }

            if (response.Status != ServerWire.StatusOk)
            {
                Log.LogMessage(MessageImportance.Low, "Aegis: the warm engine server did not take the build ({0}); running the engine once.", response.Message);
                return false;
            }

            Log.LogMessage(MessageImportance.Low, "Aegis: the Risk Card came from the warm engine server ({0}{1}).", pipe, response.Message.Length == 0 ? "" : "; " + response.Message);
            UsedServer = true;
            foreach (var line in Lines(response.Stdout))
            {
                LogEventsFromTextOutput(line, StandardOutputLoggingImportance);
            }

            foreach (var line in Lines(response.Stderr))
            {
                LogEventsFromTextOutput(line, StandardErrorLoggingImportance);
            }

            EngineExitCode = response.ExitCode;
            if (EngineExitCode != 0)
            {
                ReportFailure(EngineExitCode);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            failure = exception.GetType().Name + ": " + exception.Message;
        }

        Log.LogMessage(MessageImportance.Low, "Aegis: the warm engine server was not used ({0}); running the engine once.", failure);
        return false;
    }

    /// <summary>
    /// The prepare request: answered as soon as the server has started the analysis. Whatever goes wrong is a
    /// low-importance message; the run after Build does what it does without a prepared analysis.
    /// </summary>
    private void PrepareOnServer()
    {
        string failure;
        try
        {
            var response = SendToServer(ServerWire.KindPrepare, PrepareResponseTimeout, out var pipe, out failure);
            if (response is not null)
            {
                Log.LogMessage(MessageImportance.Low, response.Status == ServerWire.StatusOk
                    ? "Aegis: the warm engine server is preparing the Risk Card while the compiler runs ({0}: {1})."
                    : "Aegis: the warm engine server does not prepare the Risk Card ({0}: {1}); it is made after the build.", pipe, response.Message);
                return;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            failure = exception.GetType().Name + ": " + exception.Message;
        }

        Log.LogMessage(MessageImportance.Low, "Aegis: the warm engine server was not reached to prepare the Risk Card ({0}); it is made after the build.", failure);
    }

    /// <summary>
    /// Sends one request of <paramref name="kind"/> to the server of this engine, host and SDK, starting one when none
    /// answers. Null, with <paramref name="failure"/> saying why, when no server answered.
    /// </summary>
    private ServerResponse? SendToServer(string kind, TimeSpan responseTimeout, out string pipe, out string failure)
    {
        // The host the one-shot engine would run on: ToolPath/ToolExe when the user set them, else the search.
        var dotNet = string.IsNullOrEmpty(ToolPath) ? GenerateFullPathToTool() : Path.Combine(ToolPath, string.IsNullOrEmpty(ToolExe) ? ToolName : ToolExe);
        var directory = ServerWire.DefaultDirectory(GetEnvironmentVariable);
        var identity = ServerWire.Identity(ServerWire.EngineHash(Path.GetDirectoryName(Path.GetFullPath(EngineAssembly))!), dotNet, SdkVersion ?? "");
        pipe = ServerWire.PipeName(directory, identity, IsWindows);
        var request = Request(identity);
        request.Kind = kind;
        ServerResponse? response = null;
        failure = "no server running";
        if (IsWindows || FileExists(pipe))
        {
            response = ServerWire.TrySend(pipe, request, ConnectTimeoutMilliseconds, responseTimeout, out failure);
        }

        if (response is not null)
        {
            return response;
        }

        if (FailedStarts.TryGetValue(pipe, out var earlier) && DateTime.UtcNow - earlier.At < RetryFailedStartAfter)
        {
            failure = "a server could not be started " + (DateTime.UtcNow - earlier.At).TotalSeconds.ToString("0", CultureInfo.InvariantCulture)
                + " s ago (" + earlier.Why + "); not started again for " + RetryFailedStartAfter.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " minutes";
            return null;
        }

        response = StartServerAndSend(dotNet, directory, pipe, request, responseTimeout, ref failure);
        if (response is null)
        {
            FailedStarts[pipe] = (DateTime.UtcNow, failure);
        }
        else
        {
            FailedStarts.TryRemove(pipe, out _);
        }

        return response;
    }

    private ServerRequest Request(string identity)
    {
        var request = new ServerRequest { Identity = identity, WorkingDirectory = Directory.GetCurrentDirectory() };
        request.Arguments.Add(string.IsNullOrWhiteSpace(Verb) ? "build" : Verb.Trim());
        request.Arguments.Add("@" + ResponseFile);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            request.Environment[(string)variable.Key] = (string?)variable.Value ?? "";
        }

        // ToolTask's own overrides (EnvironmentVariables="NAME=value"), as the one-shot engine would get them.
        foreach (var pair in EnvironmentVariables ?? [])
        {
            var equals = pair.IndexOf('=');
            if (equals > 0)
            {
                request.Environment[pair.Substring(0, equals)] = pair.Substring(equals + 1);
            }
        }

        return request;
    }

    /// <summary>
    /// Starts <c>dotnet Aegis.Cli.dll server run</c>, detached from the build's console, and sends the request once its
    /// pipe answers. Parallel builds may each start one: all but the first leave at once (the server's lock file).
    /// </summary>
    private ServerResponse? StartServerAndSend(string dotNet, string directory, string pipe, ServerRequest request, TimeSpan responseTimeout, ref string failure)
    {
        var start = new ProcessStartInfo(dotNet)
        {
            Arguments = Quote(EngineAssembly) + " server run --directory " + Quote(directory) + " --host " + Quote(dotNet)
                + " --sdk-version " + Quote(SdkVersion ?? "") + " --idle-timeout " + Math.Max(1, ServerIdleTimeout).ToString(CultureInfo.InvariantCulture),
            UseShellExecute = false,
            CreateNoWindow = true,
            // Redirected, never read: the server writes nothing, and must not hold the build's console open.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(EngineAssembly))!,
        };
        using var process = Process.Start(start);
        if (process is null)
        {
            failure = "the server did not start";
            return null;
        }

        process.StandardInput.Close();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ServerStartTimeout)
        {
            if (IsWindows || FileExists(pipe))
            {
                var response = ServerWire.TrySend(pipe, request, ConnectTimeoutMilliseconds, responseTimeout, out failure);
                if (response is not null)
                {
                    return response;
                }
            }

            // Ours left (another build's server holds the lock) and no pipe answers yet: wait for that one a little.
            if (process.HasExited && waited.Elapsed > TimeSpan.FromSeconds(5))
            {
                failure = "the server exited with code " + process.ExitCode.ToString(CultureInfo.InvariantCulture) + " and no server answers";
                return null;
            }

            Thread.Sleep(50);
        }

        failure = "no server answered within " + ServerStartTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
        return null;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\\\"") + "\"";

    private static IEnumerable<string> Lines(string text)
        => text.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0);

    /// <summary>
    /// The .NET SDK's documented order: <c>DOTNET_HOST_PATH</c> (set by the dotnet CLI for the tools it starts), then
    /// the installation MSBuild runs from (<see cref="DotNetRoot"/>), then <c>PATH</c>.
    /// </summary>
    internal string? FindDotNet()
    {
        var hostPath = GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrWhiteSpace(hostPath) && FileExists(hostPath!))
        {
            return hostPath;
        }

        if (!string.IsNullOrWhiteSpace(DotNetRoot))
        {
            var candidate = Path.Combine(DotNetRoot!.Trim(), ToolName);
            if (FileExists(candidate))
            {
                return candidate;
            }
        }

        var path = GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(IsWindows ? ';' : ':'))
        {
            if (directory.Trim().Length == 0)
            {
                continue;
            }

            string candidate;
            try
            {
                candidate = Path.Combine(directory.Trim().Trim('"'), ToolName);
            }
            catch (ArgumentException)
            {
                // A PATH entry with characters no path may hold is skipped, as the shell would.
                continue;
            }

            if (FileExists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    protected override string GenerateFullPathToTool() => _dotNetPath ?? FindDotNet() ?? ToolName;

    /// <inheritdoc/>
    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(EngineAssembly);
        builder.AppendSwitch(string.IsNullOrWhiteSpace(Verb) ? "build" : Verb.Trim());
        // '@' and the quoted path make one argument: the engine reads its arguments from the file.
        builder.AppendTextUnquoted(" @\"" + ResponseFile + "\"");
        return builder.ToString();
    }

    /// <inheritdoc/>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        var coded = CodedLine.Match(singleLine);
        if (coded.Success)
        {
            var code = coded.Groups["code"].Value.ToUpperInvariant();
            var text = coded.Groups["text"].Value.Trim();
            if (string.Equals(coded.Groups["kind"].Value, "error", StringComparison.OrdinalIgnoreCase))
            {
                Log.LogError(null, code, null, Location, 0, 0, 0, 0, "{0}", text);
            }
            else
            {
                Log.LogWarning(null, code, null, Location, 0, 0, 0, 0, "{0}", text);
            }

            return;
        }

        var card = CardLine.Match(singleLine);
        if (card.Success)
        {
            RiskCardSummary = card.Groups["text"].Value.Trim();
            Log.LogMessage(MessageImportance.High, "Aegis Risk Card: {0}", RiskCardSummary);
            return;
        }

        Log.LogMessage(messageImportance, "{0}", singleLine);
    }

    /// <summary>
    /// Called for a non-zero exit code. The engine names its own failures (AEGB004 for a failed gate, …); only when it
    /// exited without a coded error does the task add one, so no failure is reported twice and none goes unexplained.
    /// </summary>
    protected override bool HandleTaskExecutionErrors()
    {
        ReportFailure(ExitCode);
        return false;
    }

    private void ReportFailure(int exitCode)
    {
        if (Log.HasLoggedErrors)
        {
            return;
        }

        var (code, reason) = exitCode switch
        {
            1 => (AegisErrorCodes.GateFailed, "the Risk Card gate failed (AegisFailOn); see the Risk Card in the output folder"),
            2 => (AegisErrorCodes.BadCompileInputs, "the engine rejected its input (exit code 2)"),
            _ => (AegisErrorCodes.EngineCrashed, "the engine stopped with exit code " + exitCode.ToString(CultureInfo.InvariantCulture)),
        };
        Log.LogError(null, code, null, Location, 0, 0, 0, 0, "Aegis: {0}. Command: {1}", reason, GenerateCommandLineCommands());
    }
}
