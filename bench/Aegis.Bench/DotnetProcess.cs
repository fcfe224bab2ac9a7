using System.Diagnostics;
using System.Text;

namespace Aegis.Bench;

/// <summary>The result of one <c>dotnet</c> invocation.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, TimeSpan Elapsed, bool TimedOut);

/// <summary>Thrown when a <c>dotnet</c> step fails; the message carries the command and the tail of its output.</summary>
internal sealed class BenchException(string message) : Exception(message);

/// <summary>Runs <c>dotnet</c> with a time limit, English output and no lingering build servers.</summary>
internal static class DotnetProcess
{
    public static ProcessResult Run(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // English messages so the log parser sees the texts it knows; no telemetry or first-run noise;
        // no node reuse or compiler server, so every measured build starts from the same cold state.
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var output = new StringBuilder();
        var gate = new object();
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    output.Append(e.Data).Append('\n');
                }
            }
        }

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExit((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            // Drains the asynchronous readers.
            process.WaitForExit();
        }

        stopwatch.Stop();
        lock (gate)
        {
            return new ProcessResult(exited ? process.ExitCode : -1, output.ToString(), stopwatch.Elapsed, !exited);
        }
    }

    /// <summary>Runs and throws a <see cref="BenchException"/> with the output tail (or the log's) on failure.</summary>
    public static ProcessResult RunChecked(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout, string? logFile = null)
    {
        var result = Run(workingDirectory, arguments, timeout);
        if (result.ExitCode == 0)
        {
            return result;
        }

        var what = result.TimedOut ? $"timed out after {timeout.TotalSeconds:0} s" : $"exited with code {result.ExitCode}";
        var tail = Tail(result.Output, 40);
        if (logFile is not null && File.Exists(logFile))
        {
            var errors = File.ReadLines(logFile).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(20).ToList();
            tail += errors.Count > 0
                ? $"\n--- errors from {logFile} ---\n" + string.Join('\n', errors)
                : $"\n--- tail of {logFile} ---\n" + Tail(File.ReadAllText(logFile), 40);
        }

        throw new BenchException($"`dotnet {string.Join(' ', arguments)}` {what} (in {workingDirectory}).\n{tail}");
    }

    public static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>The SDK's documented order: DOTNET_HOST_PATH when set, else whatever <c>dotnet</c> is on PATH.</summary>
    private static string DotnetPath()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
