using System.Net;
using Aegis.Containment.Tests.Infrastructure;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Containment.Tests;

/// <summary>
/// The generated nginx locations and ModSecurity rules, loaded by a real nginx (with Debian's ModSecurity module and
/// OWASP CRS) in front of a Kestrel upstream, all on loopback.
/// </summary>
[Collection(nameof(NginxCollection))]
public sealed class NginxModSecurityTests
{
    private const string Injection = "1' OR '1'='1";

    private static readonly TestIncident Sql = new("AEG001", "GET /api/products/search", "src/Shop/Products.cs", 38);
    private static readonly TestIncident Auth = new("AEG003", "DELETE /api/orders/{id:int}", "src/Shop/Endpoints.cs", 27, "minimal_api");
    private static readonly TestIncident Controller = new("AEG003", "/api/customers", "src/Shop/Customers.cs", 10, "controller");

    /// <summary>Routes a forged card could carry: each tries to end the regex, the directive or the block it lands in.</summary>
    public static readonly TestIncident[] Hostile =
    {
        new("AEG003", "GET /x\"; } location / { return 418; } #", "src/a.cs", 1),
        new("AEG001", "GET /y\" \"id:1,phase:1,deny,status:418\"", "src/b.cs", 2),
        new("AEG003", "POST /z\nreturn 418;\n", "src/c.cs", 3),
        new("AEG001", "GET /w'}{$host;", "src/d.cs", 4),
    };

    private static async Task<string> PlanAsync(TempDirectory directory, params TestIncident[] incidents)
    {
        var card = directory.Write("card/risk-card.json", TestCards.Json(incidents));
        var output = Path.Combine(directory.Path, "plan");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--output", output, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        return output;
    }

    /// <summary>ModSecurity for the server block: the engine on, the plan's rules, and (with CRS) the CRS around them
    /// in the order the plan asks: setup, Aegis rules, CRS rules.</summary>
    private static string ModSecurity(string prefix, string plan, bool withCrs)
    {
        var main = Path.Combine(prefix, "modsecurity.conf");
        var rules = Path.Combine(plan, "waf", "modsecurity-crs-aegis.conf");
        File.WriteAllText(main, withCrs
            // An API behind CRS allows the methods it serves (CRS's own setting 900200; its default refuses DELETE).
            ? $"SecRuleEngine On\nSecRequestBodyAccess On\nSecAuditEngine Off\nInclude {Nginx.CrsSetup}\n"
                + "SecAction \"id:900200,phase:1,nolog,pass,t:none,setvar:'tx.allowed_methods=GET HEAD POST OPTIONS PUT PATCH DELETE'\"\n"
                + $"Include {rules}\nInclude {Nginx.CrsRules}/*.conf\n"
            : $"SecRuleEngine On\nSecRequestBodyAccess On\nSecAuditEngine Off\nInclude {rules}\n");
        return "        modsecurity on;\n        modsecurity_rules_file " + main + ";\n";
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri baseAddress, string pathAndQuery, bool credentials = false)
    {
        var request = new HttpRequestMessage(method, new Uri(baseAddress, pathAndQuery));
        // What a browser or API client sends; the Host is a name, as behind a real gateway.
        request.Headers.Host = "shop.example";
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.ParseAdd("aegis-containment-test/1.0");
        if (credentials)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "test");
        }

        return request;
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpMethod method, Uri baseAddress, string pathAndQuery, bool credentials = false)
    {
        using var response = await client.SendAsync(Request(method, baseAddress, pathAndQuery, credentials));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Query(string value) => Uri.EscapeDataString(value);

    [NginxFact(Timeout = 120_000)]
    public async Task NginxT_AcceptsEveryGeneratedFile_WithCrs()
    {
        Nginx.RequireBinary();
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, Sql, Auth, Controller);
        await using var upstream = await Upstream.StartAsync();
        var gateway = "        include " + Path.Combine(plan, "gateway", "nginx-locations.conf") + ";\n";
        var (exit, output) = await Nginx.TestAsync(directory.Path, Nginx.Config(directory.Path, Nginx.FreePort(), upstream.Address, ModSecurity(directory.Path, plan, withCrs: true) + gateway));
        Assert.True(exit == 0, output + Nginx.Log(directory.Path));
        Assert.Contains("test is successful", output, StringComparison.Ordinal);
    }

    [NginxFact(Timeout = 120_000)]
    public async Task WafRules_RefuseSqlInjectionOnTheContainedRoute_PassTheBenignRequest_AndLeaveOtherRoutesAlone()
    {
        Nginx.RequireBinary();
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, Sql, Auth);
        await using var upstream = await Upstream.StartAsync();
        var port = Nginx.FreePort();
        await using var nginx = await Nginx.StartAsync(directory.Path, Nginx.Config(directory.Path, port, upstream.Address, ModSecurity(directory.Path, plan, withCrs: false)), port);
        using var client = new HttpClient();
        var log = () => Nginx.Log(directory.Path);

        // AEG001: the injection is refused on the contained route only; the benign request passes.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=" + Query(Injection))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/API/Products/Search/?q=" + Query(Injection))).Status);
        var benign = await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=mug");
        Assert.True(benign.Status == HttpStatusCode.OK, benign.Status + log());
        Assert.Equal("upstream GET /api/products/search", benign.Body);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=" + Query("Builder's mug"))).Status);
        var other = await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/suppliers/search?name=" + Query(Injection));
        Assert.Equal((HttpStatusCode.OK, "upstream GET /api/suppliers/search"), other);

        // AEG003: no credentials, refused; with them, or another method, passed.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5", credentials: true)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/orders/5")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5/items")).Status);
        Assert.Contains("47011", log(), StringComparison.Ordinal);
    }

    [NginxFact(Timeout = 120_000)]
    public async Task WafRules_WithOwaspCrs_RefuseTheInjection_AndPassTheBenignRequests()
    {
        Nginx.RequireBinary();
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, Sql, Auth);
        await using var upstream = await Upstream.StartAsync();
        var port = Nginx.FreePort();
        await using var nginx = await Nginx.StartAsync(directory.Path, Nginx.Config(directory.Path, port, upstream.Address, ModSecurity(directory.Path, plan, withCrs: true)), port);
        using var client = new HttpClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=" + Query(Injection))).Status);

        // CRS runs at paranoia level 3 on the contained route only: a run of special characters, which CRS scores from
        // paranoia level 2 (942430/942431) and no libinjection rule sees as SQL, is refused there and passes elsewhere.
        const string specials = "~~~~~~~~~~~~~~";
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=" + Query(specials))).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/suppliers/search?name=" + Query(specials))).Status);
        Assert.Contains("Inbound Anomaly Score Exceeded", Nginx.Log(directory.Path), StringComparison.Ordinal);

        foreach (var path in new[] { "/api/products/search?q=mug", "/api/products/search?q=blue+mug", "/api/suppliers/search?name=acme", "/health" })
        {
            var (status, body) = await SendAsync(client, HttpMethod.Get, nginx.Address, path);
            Assert.True(status == HttpStatusCode.OK, path + ": " + status + " " + body + Nginx.Log(directory.Path));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5", credentials: true)).Status);
    }

    [NginxFact(Timeout = 120_000)]
    public async Task TheLocationBlocks_RefuseTheBlockedMethodAndRoute_AndPassEverythingElse()
    {
        Nginx.RequireBinary();
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, Sql, Auth, Controller);
        await using var upstream = await Upstream.StartAsync();
        var port = Nginx.FreePort();
        var gateway = "        include " + Path.Combine(plan, "gateway", "nginx-locations.conf") + ";\n";
        await using var nginx = await Nginx.StartAsync(directory.Path, Nginx.Config(directory.Path, port, upstream.Address, gateway), port);
        using var client = new HttpClient();

        var expectations = new (HttpMethod Method, string Path, HttpStatusCode Status)[]
        {
            (HttpMethod.Delete, "/api/orders/5", HttpStatusCode.Forbidden),
            (HttpMethod.Delete, "/api/orders/-5/", HttpStatusCode.Forbidden),
            (HttpMethod.Get, "/api/orders/5", HttpStatusCode.OK),
            (HttpMethod.Delete, "/api/orders/abc", HttpStatusCode.OK),
            (HttpMethod.Get, "/api/products/search?q=mug", HttpStatusCode.Forbidden),
            (HttpMethod.Post, "/api/products/search", HttpStatusCode.OK),
            (HttpMethod.Get, "/api/products", HttpStatusCode.OK),
            (HttpMethod.Get, "/api/customers", HttpStatusCode.Forbidden),
            (HttpMethod.Get, "/api/customers/lookup?email=a", HttpStatusCode.Forbidden),
            (HttpMethod.Post, "/api/customers/7", HttpStatusCode.Forbidden),
            (HttpMethod.Get, "/api/customersx", HttpStatusCode.OK),
            (HttpMethod.Get, "/health", HttpStatusCode.OK),
        };
        foreach (var (method, path, status) in expectations)
        {
            Assert.True(status == (await SendAsync(client, method, nginx.Address, path)).Status, method + " " + path + " should be " + status);
        }

        Assert.Equal("upstream GET /api/orders/5", (await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/orders/5")).Body);
    }

    [NginxFact(Timeout = 120_000)]
    public async Task HostileRoutes_StayInsideTheirRules_NginxTAcceptsThem_AndNothingElseChanges()
    {
        Nginx.RequireBinary();
        using var directory = new TempDirectory();
        var plan = await PlanAsync(directory, Hostile);
        var locations = File.ReadAllText(Path.Combine(plan, "gateway", "nginx-locations.conf"));
        Assert.Equal(Hostile.Length, locations.Split('\n').Count(l => l.StartsWith("location ", StringComparison.Ordinal)));
        Assert.DoesNotContain("return 418", locations.Split('\n').Where(l => !l.StartsWith('#')), StringComparer.Ordinal);
        var rules = File.ReadAllText(Path.Combine(plan, "waf", "modsecurity-crs-aegis.conf"));
        Assert.DoesNotContain(rules.Split('\n'), l => !l.StartsWith('#') && l.Contains("status:418", StringComparison.Ordinal));

        await using var upstream = await Upstream.StartAsync();
        var port = Nginx.FreePort();
        var gateway = "        include " + Path.Combine(plan, "gateway", "nginx-locations.conf") + ";\n";
        var config = Nginx.Config(directory.Path, port, upstream.Address, ModSecurity(directory.Path, plan, withCrs: true) + gateway);
        var (exit, output) = await Nginx.TestAsync(directory.Path, config);
        Assert.True(exit == 0, output + Nginx.Log(directory.Path));

        await using var nginx = await Nginx.StartAsync(directory.Path, config, port);
        using var client = new HttpClient();
        Assert.Equal((HttpStatusCode.OK, "upstream GET /"), await SendAsync(client, HttpMethod.Get, nginx.Address, "/"));
        Assert.Equal((HttpStatusCode.OK, "upstream GET /api/products"), await SendAsync(client, HttpMethod.Get, nginx.Address, "/api/products"));
        // The hostile route itself is what is blocked, as its literal text.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Get, nginx.Address, "/w'%7D%7B$host;")).Status);
    }
}

[CollectionDefinition(nameof(NginxCollection), DisableParallelization = true)]
public sealed class NginxCollection
{
}
