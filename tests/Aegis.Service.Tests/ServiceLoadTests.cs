using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Aegis.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Service.Tests;

/// <summary>
/// A bounded load on loopback: 500 events from 16 concurrent clients, then as many history reads. Every event is
/// recorded exactly once, no answer is a 5xx; p50/p95/p99 go to the test output (docs/benchmarks.md has a run).
/// </summary>
[Trait("Category", "Load")]
public sealed class ServiceLoadTests(ITestOutputHelper output)
{
    private const int Events = 500;
    private const int Clients = 16;

    [Fact(Timeout = 300_000)]
    public async Task FiveHundredEvents_From16Clients_AreEachRecordedOnce_WithoutServerErrors()
    {
        await using var host = await ServiceHost.StartAsync();
        // A few cards for the reads to list.
        for (var i = 0; i < 3; i++)
        {
            await ServiceRoutesTests.ProposeAsync(host, "../outside-" + i + ".cs", "class X {}");
        }

        var posts = await RunAsync(host, Events, async (client, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = ServiceHost.JsonBody(new { id = "load-" + i.ToString("D4", CultureInfo.InvariantCulture), kind = "scan", repository = "load" }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceHost.Token);
            return await client.SendAsync(request);
        });
        var reads = await RunAsync(host, Events, (client, _) => client.GetAsync("/risk-cards?limit=50"));

        Report("POST /events", posts);
        Report("GET /risk-cards", reads);
        Assert.All(posts.Statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.All(reads.Statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        var recorded = host.InboxEvents().Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, Events).Select(i => "load-" + i.ToString("D4", CultureInfo.InvariantCulture)), recorded);
        foreach (var file in host.InboxEvents())
        {
            using var stored = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(Path.GetFileNameWithoutExtension(file), stored.RootElement.GetProperty("id").GetString());
        }

        // Posting them all again records nothing new.
        var again = await RunAsync(host, 50, async (client, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = ServiceHost.JsonBody(new { id = "load-" + i.ToString("D4", CultureInfo.InvariantCulture), kind = "scan" }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceHost.Token);
            return await client.SendAsync(request);
        });
        Assert.All(again.Statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(Events, host.InboxEvents().Length);
    }

    [Fact(Timeout = 300_000)]
    public async Task EventsPostedUnderLoad_EachGetExactlyOneResult()
    {
        const int count = 40;
        await using var host = await ServiceHost.StartAsync(processEvents: true);
        var posts = await RunAsync(host, count, async (client, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events")
            {
                Content = ServiceHost.JsonBody(new { id = "work-" + i.ToString("D3", CultureInfo.InvariantCulture), kind = "propose", payload = new { file = "../outside-" + i + ".cs", content = "class X {}", intent = "load" } }),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceHost.Token);
            return await client.SendAsync(request);
        });
        Assert.All(posts.Statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));

        var results = Path.Combine(host.Root, ".aegis", "inbox", "results");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((!Directory.Exists(results) || Directory.GetFiles(results, "*.json").Length < count) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        var names = Directory.GetFiles(results, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => "work-" + i.ToString("D3", CultureInfo.InvariantCulture)), names);
        Assert.Equal(count, Directory.GetFiles(Path.Combine(host.Root, ".aegis", "history"), "*.json").Length);
        Assert.Empty(host.InboxEvents());
        Assert.Contains("aegis_events_processed_total{kind=\"propose\"} " + count, await host.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    private static async Task<(List<HttpStatusCode> Statuses, List<double> Milliseconds)> RunAsync(ServiceHost host, int total, Func<HttpClient, int, Task<HttpResponseMessage>> send)
    {
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var durations = new ConcurrentBag<double>();
        var next = -1;
        var clients = Enumerable.Range(0, Clients).Select(_ => new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(1) }).ToList();
        try
        {
            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < total)
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await send(client, i);
                    await response.Content.ReadAsByteArrayAsync();
                    durations.Add(watch.Elapsed.TotalMilliseconds);
                    statuses.Add(response.StatusCode);
                }
            })));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        return (statuses.ToList(), durations.ToList());
    }

    private void Report(string route, (List<HttpStatusCode> Statuses, List<double> Milliseconds) run)
    {
        var sorted = run.Milliseconds.Order().ToList();
        double At(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        var serverErrors = run.Statuses.Count(s => (int)s >= 500);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1} requests, {2} clients: p50 {3:F1} ms, p95 {4:F1} ms, p99 {5:F1} ms, max {6:F1} ms; 5xx: {7}", route, sorted.Count, Clients, At(0.50), At(0.95), At(0.99), sorted[^1], serverErrors));
        Assert.Equal(0, serverErrors);
    }
}
