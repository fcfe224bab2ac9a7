using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>Runs the dotnet CLI the way a developer would, in a clean environment.</summary>
public static partial class DotNet
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static string HostPath
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }
    }

    public static RunResult Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
        => Run(workingDirectory, environment, Timeout, arguments);

    /// <summary>As <see cref="Run(string, IReadOnlyDictionary{string, string?}, string[])"/>, killed (and thrown) after <paramref name="timeout"/>.</summary>
    public static RunResult Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = StartInfo(workingDirectory, environment, arguments);
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new RunResult(process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }

    /// <summary>
    /// How every test starts <c>dotnet</c>: output redirected, and the test host's CI, MSBuild and VSTest variables
    /// left out. Also for a test that reads a long-running process's output as it comes (<c>aegis watch</c>).
    /// </summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(HostPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // What `dotnet test` and the CI put into this process must not reach the consumer's build: CI switches the
        // package's defaults, MSBuild variables point at this build's MSBuild, node reuse would leave processes behind.
        foreach (var name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name is "CI" or "TF_BUILD" or "ContinuousIntegrationBuild"
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || name.StartsWith("FAKE_AEGIS", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        // A test build leaves no warm engine server behind (the package starts one locally by default): a test of the
        // server passes AegisUseServer=true and its own AEGIS_SERVER_DIR in its environment (WarmServerTests).
        start.Environment["AegisUseServer"] = "false";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    [GeneratedRegex(@"^\s*(?:\d+>)?(?<origin>.*?):\s+(?<kind>warning|error)\s+(?<code>[A-Za-z]+\d+)\s*:\s*(?<text>.*?)(?:\s+\[[^\]]+\])?\s*$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();

    public sealed record RunResult(int ExitCode, string Output, TimeSpan Elapsed)
    {
        /// <summary>Distinct "origin: warning|error CODE: text" lines (MSBuild repeats each in its summary).</summary>
        public IReadOnlyList<(string Kind, string Code, string Line)> Diagnostics =>
            DiagnosticLine().Matches(Output)
                .Select(m => (m.Groups["kind"].Value, m.Groups["code"].Value, Line: $"{m.Groups["origin"].Value}: {m.Groups["kind"].Value} {m.Groups["code"].Value}: {m.Groups["text"].Value}"))
                .DistinctBy(d => d.Line)
                .ToArray();

        public string[] ErrorCodes => Diagnostics.Where(d => d.Kind == "error").Select(d => d.Code).ToArray();

        public string[] WarningCodes => Diagnostics.Where(d => d.Kind == "warning").Select(d => d.Code).ToArray();

        public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:F0} s\n{Output}";
    }
}
