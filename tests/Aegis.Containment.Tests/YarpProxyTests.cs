using System.Net;
using Aegis.Containment.Tests.Infrastructure;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Containment.Tests;

/// <summary>The generated <c>gateway/yarp-routes.json</c> loaded by a real YARP proxy (Yarp.ReverseProxy 2.3.0, Kestrel
/// on loopback) exactly as docs/containment.md says: one more JSON configuration source beside the proxy's own routes.</summary>
public sealed class YarpProxyTests
{
    private static readonly TestIncident Sql = new("AEG001", "GET /api/products/search", "src/Shop/Products.cs", 38);
    private static readonly TestIncident Auth = new("AEG003", "DELETE /api/orders/{id:int}", "src/Shop/Endpoints.cs", 27, "minimal_api");
    private static readonly TestIncident Controller = new("AEG003", "/api/customers", "src/Shop/Customers.cs", 10, "controller");
    private static readonly TestIncident Optional = new("AEG001", "GET /api/reports/{year:int?}", "src/Shop/Reports.cs", 5);
    private static readonly TestIncident CatchAll = new("AEG001", "GET /files/{*path}", "src/Shop/Files.cs", 6);

    private static async Task<string> PlanAsync(TempDirectory directory, params TestIncident[] incidents)
    {
        var card = directory.Write("card/risk-card.json", TestCards.Json(incidents));
        var output = Path.Combine(directory.Path, "plan");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--output", output, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        return output;
    }

    [Fact(Timeout = 120_000)]
    public async Task TheProxy_RefusesTheContainedMethodAndRoute_AndForwardsEverythingElse()
    {
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, Sql, Auth, Controller, Optional, CatchAll);
        await using var upstream = await Upstream.StartAsync();
        await using var proxy = await YarpProxy.StartAsync(upstream.Address, Path.Combine(plan, "gateway", "yarp-routes.json"));
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Urls.First()) };

        var expectations = new (HttpMethod Method, string Path, bool Refused)[]
        {
            (HttpMethod.Delete, "/api/orders/5", true),
            (HttpMethod.Get, "/api/orders/5", false),
            (HttpMethod.Delete, "/api/orders/abc", false),
            (HttpMethod.Get, "/api/products/search?q=mug", true),
            (HttpMethod.Post, "/api/products/search", false),
            (HttpMethod.Get, "/api/customers", true),
            (HttpMethod.Post, "/api/customers/7/notes", true),
            (HttpMethod.Get, "/api/customersx", false),
            (HttpMethod.Get, "/api/reports", true),
            (HttpMethod.Get, "/api/reports/2024", true),
            (HttpMethod.Get, "/api/reports/latest", false),
            (HttpMethod.Get, "/files/a/b.txt", true),
            (HttpMethod.Get, "/health", false),
        };
        foreach (var (method, path, refused) in expectations)
        {
            var before = upstream.Hits;
            using var response = await client.SendAsync(new HttpRequestMessage(method, path));
            if (refused)
            {
                // YARP's own answer for a route with no cluster; the request never reaches the app.
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, method + " " + path + ": " + response.StatusCode);
                Assert.Equal(before, upstream.Hits);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, method + " " + path + ": " + response.StatusCode);
                Assert.Equal("upstream " + method + " " + path.Split('?')[0], await response.Content.ReadAsStringAsync());
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task HostileRoutes_LoadAsValidRoutes_AndLeaveTheOtherRoutesAlone()
    {
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, NginxModSecurityTests.Hostile);
        await using var upstream = await Upstream.StartAsync();
        await using var proxy = await YarpProxy.StartAsync(upstream.Address, Path.Combine(plan, "gateway", "yarp-routes.json"));
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Urls.First()) };
        foreach (var path in new[] { "/", "/api/products", "/x" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + response.StatusCode);
        }
    }
}
