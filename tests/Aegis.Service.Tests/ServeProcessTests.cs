using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Service.Tests;

/// <summary><c>aegis serve</c> as the CLI process a user starts (CliUnderTest.Path): startup lines, token file, killed mid-load.</summary>
public sealed partial class ServeProcessTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task Serve_StartsOnAFreeLoopbackPort_GeneratesAToken_AndNeverPrintsIt()
    {
        using var repository = new TempDirectory();
        repository.Write(ServiceHost.GreeterPath, ServiceHost.Greeter);
        await using var serve = await ServeProcess.StartAsync(repository.Path, token: null);
        var token = File.ReadAllText(Path.Combine(repository.Path, ".aegis", "serve", "token")).Trim();
        Assert.DoesNotContain(token, serve.Output, StringComparison.Ordinal);
        Assert.Contains("token " + token[..4] + "…", serve.Output, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", serve.Address.Host);

        using var client = new HttpClient { BaseAddress = serve.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/propose_action", ServiceHost.JsonBody(new { file = ServiceHost.GreeterPath, content = ServiceHost.SaferGreeter }))).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/propose_action") { Content = ServiceHost.JsonBody(new { file = ServiceHost.GreeterPath, content = ServiceHost.SaferGreeter, intent = "exclaim" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("allowed").GetBoolean());
    }

    [Fact(Timeout = 300_000)]
    public async Task ServerKilledMidLoad_LosesNoAcceptedEvent_AndProcessInboxGivesEachOneResult()
    {
        using var repository = new TempDirectory();
        repository.Write(ServiceHost.GreeterPath, ServiceHost.Greeter);
        var accepted = new ConcurrentBag<string>();
        var serve = await ServeProcess.StartAsync(repository.Path, ServiceHost.Token);
        try
        {
            using var client = new HttpClient { BaseAddress = serve.Address, Timeout = TimeSpan.FromSeconds(20) };
            var next = -1;
            var killed = false;
            var posters = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < 400)
                {
                    var id = "kill-" + i.ToString("D4", CultureInfo.InvariantCulture);
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = ServiceHost.JsonBody(new { id, kind = "propose", payload = new { file = "../outside.cs", content = "class X {}", intent = "load" } }) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.Token);
                    try
                    {
                        using var response = await client.SendAsync(request);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            accepted.Add(id);
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        // The server is gone: this event was never accepted.
                        if (Volatile.Read(ref killed))
                        {
                            return;
                        }
                    }
                }
            })).ToList();

            while (accepted.Count < 100)
            {
                await Task.Delay(20);
            }

            Volatile.Write(ref killed, true);
            serve.Kill();
            await Task.WhenAll(posters);
        }
        finally
        {
            await serve.DisposeAsync();
        }

        output.WriteLine($"accepted before the kill: {accepted.Count}");
        var stdout = new StringWriter();
        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "process-inbox", "--once", "--repository-root", repository.Path }, stdout, new StringWriter(), _ => null);
        Assert.True(exit is 0 or 1, "process-inbox exit " + exit);

        var results = Directory.GetFiles(Path.Combine(repository.Path, ".aegis", "inbox", "results"), "*.json").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        Assert.All(accepted, id => Assert.Contains(id, results));
        Assert.Empty(Directory.GetFiles(Path.Combine(repository.Path, ".aegis", "inbox", "events"), "*.json"));
    }

    /// <summary>The CLI's serve verb as a child process on port 0; the address is read from its first output line.</summary>
    private sealed partial class ServeProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly System.Text.StringBuilder output = new();

        private ServeProcess(Process process) => this.process = process;

        public Uri Address { get; private set; } = null!;

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public static async Task<ServeProcess> StartAsync(string root, string? token)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { CliUnderTest.Path, "serve", "--urls", "http://127.0.0.1:0", "--repository-root", root, "--sandbox", "none" })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment.Remove("AEGIS_SERVE_TOKEN");
            start.Environment.Remove("AEGIS_WEBHOOK_SECRET");
            if (token is not null)
            {
                start.Environment["AEGIS_SERVE_TOKEN"] = token;
            }

            var serve = new ServeProcess(Process.Start(start)!);
            var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            void Collect(object? sender, DataReceivedEventArgs e)
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (serve.output)
                {
                    serve.output.AppendLine(e.Data);
                }

                if (ServingLine().Match(e.Data) is { Success: true } match)
                {
                    address.TrySetResult(new Uri(match.Groups[1].Value));
                }
            }

            serve.process.OutputDataReceived += Collect;
            serve.process.ErrorDataReceived += Collect;
            serve.process.BeginOutputReadLine();
            serve.process.BeginErrorReadLine();
            var finished = await Task.WhenAny(address.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            if (finished != address.Task)
            {
                serve.Kill();
                throw new TimeoutException("aegis serve did not print its address within 60 s:\n" + serve.Output);
            }

            serve.Address = await address.Task;
            // The token line follows the address lines.
            for (var wait = 0; wait < 200 && !serve.Output.Contains("aegis: write routes need", StringComparison.Ordinal); wait++)
            {
                await Task.Delay(50);
            }

            return serve;
        }

        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }

        [GeneratedRegex(@"^aegis: serving (http://\S+) ")]
        private static partial Regex ServingLine();
    }
}
