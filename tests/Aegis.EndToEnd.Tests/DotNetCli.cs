using System.Diagnostics;
using System.Text;

namespace Aegis.EndToEnd.Tests;

internal sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The end of the output, for assertion messages.</summary>
    public string Tail(int lines = 60)
    {
        var all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public override string ToString() => $"`{CommandLine}` exited with {ExitCode} after {Duration.TotalSeconds:F0} s:\n{Tail()}";
}

/// <summary>Runs the dotnet CLI as a child process: non-interactive, no telemetry, no build servers, bounded in time.</summary>
internal static class DotNetCli
{
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(30);

    public static async Task<CommandResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host runs under MSBuild/VSTest; their variables would steer the child build to the wrong toolset.
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["NUGET_XMLDOC_MODE"] = "skip";
        // A test build leaves no warm engine server behind (the package starts one locally by default); the server's
        // own tests (Aegis.Package.Tests, WarmServerTests) turn it on, each in its own AEGIS_SERVER_DIR.
        startInfo.Environment["AegisUseServer"] = "false";

        var output = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Append(e.Data).Append('\n');
                }
            }
        }

        var commandLine = "dotnet " + string.Join(' ', arguments);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (await Task.WhenAny(exited.Task, Task.Delay(timeout)) != exited.Task)
        {
            process.Kill(entireProcessTree: true);
            await Task.WhenAny(exited.Task, Task.Delay(OutputDrainTimeout));
            lock (output)
            {
                return new CommandResult(commandLine, -1, output + $"\n[killed after {timeout.TotalSeconds:F0} s]", stopwatch.Elapsed);
            }
        }

        // Exit comes before the last output lines; wait (boundedly) until both streams are drained.
        try
        {
            await Task.Run(() => process.WaitForExit()).WaitAsync(OutputDrainTimeout);
        }
        catch (TimeoutException)
        {
            // A leftover grandchild still holds the pipes; what was read so far is enough for a message.
        }

        lock (output)
        {
            return new CommandResult(commandLine, process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }
}
