using System.Net;
using System.Text.Json;
using Aegis.Containment.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 12's containment proof through the packed CLI on a copy of the sample: build (the card) → the package's
/// engine runs <c>aegis contain</c> → a real nginx with ModSecurity and OWASP CRS, and a real YARP proxy, load the plan's
/// files in front of a loopback upstream and enforce them.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleContainmentTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string Injection = "1' OR '1'='1";

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, Uri address, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(address, path));
        request.Headers.Host = "shop.example";
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.ParseAdd("aegis-containment-test/1.0");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [NginxFact(Timeout = 10 * 60_000)]
    public async Task Sample_Contain_WritesAPlan_ThatNginxModSecurityAndYarpEnforce()
    {
        Nginx.RequireBinary();
        var sample = SampleRepository.Create(environment, "sample-contain");
        var build = sample.Build();
        output.WriteLine(build.ToString());
        Assert.True(build.ExitCode == 0, "The sample did not build: " + build);

        var engine = Path.Combine(environment.PackageFolder, "tools", "engine", "Aegis.Cli.dll");
        var contain = environment.Run(sample.Root, null, engine, "contain", "--card", sample.CardJson, "--credential-header", "X-Staff-Key", "--json");
        output.WriteLine(contain.ToString());
        Assert.True(contain.ExitCode == 0, "contain failed: " + contain);
        var stdout = contain.Output[contain.Output.IndexOf('{', StringComparison.Ordinal)..];
        using var result = JsonDocument.Parse(stdout);
        var plan = result.RootElement.GetProperty("directory").GetString()!;
        Assert.StartsWith(sample.PathOf(".aegis/containment/c-"), plan, StringComparison.Ordinal);

        // Eleven incidents: the five reached from an endpoint are contained; the secrets and the two without one are not.
        var incidents = result.RootElement.GetProperty("containment_plan").GetProperty("incidents").EnumerateArray().ToList();
        Assert.Equal(11, incidents.Count);
        Assert.Equal(
            new[] { "/api/customers", "DELETE /api/orders/{id:int}", "GET /api/customers/lookup", "GET /api/products", "GET /api/products/search" },
            incidents.Where(i => i.GetProperty("runtime_control").GetBoolean()).Select(i => i.GetProperty("endpoint").GetString()).Order(StringComparer.Ordinal));
        Assert.All(incidents.Where(i => !i.GetProperty("runtime_control").GetBoolean()), i => Assert.StartsWith("no runtime control applies", i.GetProperty("note").GetString(), StringComparison.Ordinal));
        Assert.Contains("Containment plan: [", File.ReadAllText(Path.Combine(sample.CardDirectory, "risk-card.md")), StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(plan, "*", SearchOption.AllDirectories))
        {
            foreach (var secret in sample.PlantedSecrets())
            {
                Assert.False(File.ReadAllText(file).Contains(secret, StringComparison.Ordinal), file + " holds a planted secret");
            }
        }

        await using var upstream = await Upstream.StartAsync();
        using var client = new HttpClient();
        var prefix = Directory.CreateDirectory(Path.Combine(environment.Root, "nginx-contain")).FullName;

        // nginx + ModSecurity + CRS with the plan's WAF rules, and the plan's locations: nginx -t accepts them.
        var main = Path.Combine(prefix, "modsecurity.conf");
        File.WriteAllText(main, $"SecRuleEngine On\nSecRequestBodyAccess On\nSecAuditEngine Off\nInclude {Nginx.CrsSetup}\n"
            + "SecAction \"id:900200,phase:1,nolog,pass,t:none,setvar:'tx.allowed_methods=GET HEAD POST OPTIONS PUT PATCH DELETE'\"\n"
            + $"Include {Path.Combine(plan, "waf", "modsecurity-crs-aegis.conf")}\nInclude {Nginx.CrsRules}/*.conf\n");
        var waf = "        modsecurity on;\n        modsecurity_rules_file " + main + ";\n";
        var gateway = "        include " + Path.Combine(plan, "gateway", "nginx-locations.conf") + ";\n";
        var (exit, test) = await Nginx.TestAsync(prefix, Nginx.Config(prefix, Nginx.FreePort(), upstream.Address, waf + gateway));
        Assert.True(exit == 0, test + Nginx.Log(prefix));

        var port = Nginx.FreePort();
        await using (var nginx = await Nginx.StartAsync(prefix, Nginx.Config(prefix, port, upstream.Address, waf), port))
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=" + Uri.EscapeDataString(Injection)));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, nginx.Address, "/api/products/search?q=mug"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, nginx.Address, "/api/suppliers/search?name=acme"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5", ("X-Staff-Key", "key")));
        }

        port = Nginx.FreePort();
        await using (var nginx = await Nginx.StartAsync(prefix, Nginx.Config(prefix, port, upstream.Address, gateway), port))
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Delete, nginx.Address, "/api/orders/5"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, nginx.Address, "/api/orders/5"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, nginx.Address, "/api/customers/in/Oslo"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, nginx.Address, "/health"));
        }

        // The same plan's YARP routes in a real proxy.
        await using var proxy = await YarpProxy.StartAsync(upstream.Address, Path.Combine(plan, "gateway", "yarp-routes.json"));
        var proxyAddress = new Uri(proxy.Urls.First());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, HttpMethod.Delete, proxyAddress, "/api/orders/5"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, HttpMethod.Get, proxyAddress, "/api/products/search?q=mug"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, proxyAddress, "/api/orders/5"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, proxyAddress, "/health"));
    }
}
