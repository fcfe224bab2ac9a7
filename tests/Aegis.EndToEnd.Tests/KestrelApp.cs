using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Aegis.EndToEnd.Tests;

/// <summary>
/// A built ASP.NET Core app run as its own process on real Kestrel, on 127.0.0.1 with a port the OS picks
/// (<c>--urls http://127.0.0.1:0</c>, read back from the "Now listening on" line), so parallel runs never collide.
/// Either it listens (<see cref="BaseAddress"/>) or it exited first (<see cref="ExitCode"/>, <see cref="Output"/>).
/// </summary>
internal sealed partial class KestrelApp : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private KestrelApp(Process process) => _process = process;

    public Uri? BaseAddress { get; private set; }

    public int? ExitCode { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="environment">Variables to set; a null value removes the variable from the inherited environment.</param>
    public static async Task<KestrelApp> StartAsync(string assemblyPath, IReadOnlyDictionary<string, string?> environment)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(assemblyPath);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add("http://127.0.0.1:0");
        startInfo.Environment.Remove("ASPNETCORE_URLS");
        startInfo.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var app = new KestrelApp(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (app._output)
            {
                app._output.Append(e.Data).Append('\n');
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var first = await Task.WhenAny(listening.Task, exited.Task, Task.Delay(StartTimeout));
        if (first == listening.Task)
        {
            app.BaseAddress = await listening.Task;
        }
        else if (first == exited.Task)
        {
            // Exited before listening; let the output streams drain before reading them.
            await Task.Run(() => process.WaitForExit()).WaitAsync(TimeSpan.FromSeconds(30));
            app.ExitCode = process.ExitCode;
        }
        else
        {
            await app.DisposeAsync();
            throw new TimeoutException($"The app neither listened nor exited within {StartTimeout.TotalSeconds:F0} s:\n{app.Output}");
        }

        return app;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
