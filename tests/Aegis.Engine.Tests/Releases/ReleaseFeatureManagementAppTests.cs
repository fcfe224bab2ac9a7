using System.Net;
using Aegis.Engine.Releases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;

namespace Aegis.Engine.Tests.Releases;

/// <summary>
/// The exported Microsoft.FeatureManagement file, loaded as it is by a real ASP.NET Core app (Kestrel on 127.0.0.1,
/// Microsoft.FeatureManagement.AspNetCore 4.7.0) whose endpoint is gated on the release's flag, asked over HTTP.
/// </summary>
[Trait("Category", "Releases")]
public sealed class ReleaseFeatureManagementAppTests
{
    private const string Flag = "checkout-v2";
    private const int Requests = 1000;

    [Fact]
    public async Task ExportedFlag_AtFull_ServesEveryRequest_AtCanaryAbout5Percent_AfterRollbackNone()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, Flag, "alice", null, force: false).Id;
        var export = repository.ReleaseFile(id, "feature-management.json");

        Assert.Equal(0, await ServedAsync(export, 200)); // a candidate serves no one
        store.Apply(id, ReleaseStates.Approve, "bob", null);
        Assert.Equal(0, await ServedAsync(export, 200)); // approved: not rolling out yet

        store.Apply(id, ReleaseStates.Advance, "bob", null);
        var canary = await ServedAsync(export, Requests);
        var (low, high) = BinomialBounds(Requests, 0.05, 1e-9);
        // The bounds tell 5 % apart from 0 % and from the next stage's 25 %, and a fair 5 % falls outside them with
        // probability below 2e-9: this cannot flake.
        Assert.InRange(low, 1, Requests * 5 / 100);
        Assert.InRange(high, Requests * 5 / 100, Requests * 25 / 100 - 1);
        Assert.InRange(canary, low, high);

        for (var stage = 0; stage < 3; stage++)
        {
            store.Apply(id, ReleaseStates.Advance, "bob", null);
        }

        Assert.Equal(ReleaseStates.Full, store.Load(id).State);
        Assert.Equal(Requests, await ServedAsync(export, Requests));

        store.Apply(id, ReleaseStates.Rollback, "carol", "error rate up");
        Assert.Equal(0, await ServedAsync(export, Requests));
    }

    [Fact]
    public async Task RunningApp_ReloadsTheRewrittenFile_AndStopsServingOnRollback()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, Flag, "alice", null, force: false).Id;
        store.Apply(id, ReleaseStates.Approve, "bob", null);
        foreach (var _ in ReleaseStates.Stages)
        {
            store.Apply(id, ReleaseStates.Advance, "bob", null);
        }

        await using var app = await StartAsync(repository.ReleaseFile(id, "feature-management.json"), reloadOnChange: true);
        using var client = new HttpClient { BaseAddress = app.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/checkout")).StatusCode);

        store.Apply(id, ReleaseStates.Rollback, "carol", "error rate up");

        // The file watcher picks the atomic rename up; poll (bounded) until the running app sees it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            status = (await client.GetAsync("/checkout")).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.NotFound, status);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/checkout")).StatusCode);
        }
    }

    /// <summary>How many of <paramref name="count"/> requests, each with its own targeting id, the gated endpoint served.</summary>
    private static async Task<int> ServedAsync(string export, int count)
    {
        await using var app = await StartAsync(export, reloadOnChange: false);
        using var client = new HttpClient { BaseAddress = app.Address };
        var served = 0;
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/checkout");
            request.Headers.Add("X-Targeting-Id", "user-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, "unexpected " + response.StatusCode);
            served += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        return served;
    }

    private static async Task<RunningApp> StartAsync(string export, bool reloadOnChange)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(export, optional: false, reloadOnChange: reloadOnChange);
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddFeatureManagement();
        var app = builder.Build();
        app.MapGet("/checkout", async (IFeatureManager features) =>
            await features.IsEnabledAsync(Flag) ? Results.Text("new checkout") : Results.NotFound());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningApp(app, new Uri(address));
    }

    /// <summary>
    /// The smallest <c>low</c> and largest <c>high</c> such that a Binomial(n, p) count falls below <c>low</c>, or above
    /// <c>high</c>, each with probability below <paramref name="tail"/> (exact sums of the probability mass, in logs).
    /// </summary>
    internal static (int Low, int High) BinomialBounds(int n, double p, double tail)
    {
        var logPmf = new double[n + 1];
        for (var k = 0; k <= n; k++)
        {
            logPmf[k] = LogChoose(n, k) + (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p));
        }

        var low = 0;
        for (double cumulative = 0; low <= n && cumulative + Math.Exp(logPmf[low]) < tail; low++)
        {
            cumulative += Math.Exp(logPmf[low]);
        }

        var high = n;
        for (double cumulative = 0; high >= 0 && cumulative + Math.Exp(logPmf[high]) < tail; high--)
        {
            cumulative += Math.Exp(logPmf[high]);
        }

        return (low, high);
    }

    private static double LogChoose(int n, int k)
    {
        double result = 0;
        for (var i = 1; i <= k; i++)
        {
            result += Math.Log(n - k + i) - Math.Log(i);
        }

        return result;
    }

    [Fact]
    public void BinomialBounds_AreTheExactTails()
    {
        // Binomial(10, 0.5): P(X <= 0) = P(X >= 10) = 1/1024; P(X <= 1) = 11/1024.
        Assert.Equal((1, 9), BinomialBounds(10, 0.5, 0.002));
        Assert.Equal((2, 8), BinomialBounds(10, 0.5, 0.011));
        var (low, high) = BinomialBounds(Requests, 0.05, 1e-9);
        Assert.True(low > 0 && high < 250, $"({low}, {high})");
    }

    private sealed class RunningApp(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
