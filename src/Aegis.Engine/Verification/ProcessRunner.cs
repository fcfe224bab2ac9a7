using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Aegis.Engine.Verification;

/// <summary>The record of one sandbox command, as the Risk Card's <c>sandbox.commands</c> lists it.</summary>
public sealed class CommandRecord
{
    public string Command { get; init; } = "";

    public int ExitCode { get; init; }

    public long DurationMs { get; init; }

    public string OutputTail { get; init; } = "";

    public bool TimedOut { get; init; }

    /// <summary>The whole output, for the card's <c>stdout</c> (last 80 lines of everything).</summary>
    internal string Output { get; init; } = "";

    /// <summary>Standard output alone (what a tool prints as data, without the warnings it writes to stderr).</summary>
    internal string StandardOutput { get; init; } = "";
}

/// <summary>Runs a command with a timeout; on expiry (or cancellation) kills its whole process tree.</summary>
public static class ProcessRunner
{
    public const int TimedOutExitCode = 124;
    public const int OutputTailLines = 20;

    public static async Task<CommandRecord> RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null, string? display = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        var standardOutput = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); standardOutput.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        var commandText = display ?? (fileName + " " + string.Join(" ", arguments.Select(Quote)));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return new CommandRecord { Command = commandText, ExitCode = 127, DurationMs = 0, OutputTail = exception.Message, Output = exception.Message };
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            KillTree(process);
            // The pipes close once every process of the tree is gone; don't wait forever if one survives.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
        }

        stopwatch.Stop();
        string all, stdout;
        lock (output)
        {
            stdout = standardOutput.ToString();
            if (timedOut)
            {
                output.Append("aegis: command timed out after ").Append(timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)).Append(" s; process tree killed\n");
            }

            all = output.ToString();
        }

        return new CommandRecord
        {
            Command = commandText,
            ExitCode = timedOut ? TimedOutExitCode : process.ExitCode,
            DurationMs = stopwatch.ElapsedMilliseconds,
            OutputTail = Tail(all, OutputTailLines),
            Output = all,
            StandardOutput = stdout,
            TimedOut = timedOut,
        };
    }

    /// <summary>Runs a command line through the platform shell (<c>/bin/sh -c</c> or <c>cmd /c</c>).</summary>
    public static Task<CommandRecord> RunShellAsync(string commandLine, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
        => OperatingSystem.IsWindows()
            ? RunAsync("cmd.exe", new[] { "/d", "/c", commandLine }, workingDirectory, timeout, cancellationToken, display: commandLine)
            : RunAsync("/bin/sh", new[] { "-c", commandLine }, workingDirectory, timeout, cancellationToken, display: commandLine);

    public static string Tail(string text, int lines)
    {
        var all = text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while we kill it.
        }
    }

    private static string Quote(string argument) => argument.Contains(' ') ? "\"" + argument + "\"" : argument;
}
