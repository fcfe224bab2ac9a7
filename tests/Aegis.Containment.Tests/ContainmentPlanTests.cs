using System.Text.Json;
using Aegis.Containment.Tests.Infrastructure;
using Aegis.Engine.Containment;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Containment.Tests;

/// <summary><c>aegis contain</c> through the command line, in process: what the plan holds and what it refuses.</summary>
public sealed class ContainmentPlanTests
{
    private static readonly TestIncident Sql = new("AEG001", "GET /api/products/search", "src/Shop/Products.cs", 38);
    private static readonly TestIncident Auth = new("AEG003", "DELETE /api/orders/{id:int}", "src/Shop/Endpoints.cs", 27, "minimal_api");
    private static readonly TestIncident Controller = new("AEG003", "/api/customers", "src/Shop/Customers.cs", 10, "controller");
    private static readonly TestIncident Secret = new("AEG002", null, "src/Shop/Stripe.cs", 8);
    private static readonly TestIncident Inner = new("AEG001", null, "src/Shop/Inventory.cs", 17);

    private static async Task<(string Plan, JsonElement Root, JsonDocument Document)> ContainAsync(TempDirectory directory, params TestIncident[] incidents)
    {
        var card = directory.Write("card/risk-card.json", TestCards.Json(incidents));
        var output = Path.Combine(directory.Path, "plan");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--output", output, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        var text = File.ReadAllText(Path.Combine(output, "plan.json"));
        var document = JsonDocument.Parse(text);
        return (output, document.RootElement, document);
    }

    [Fact]
    public async Task ACardThatDoesNotParse_IsAEGB030NamingTheFile()
    {
        using var directory = new TempDirectory();
        var broken = directory.Write("broken.json", "{ \"schema\": \"aegis.riskcard/v1\", \"incidents\": [");
        var notACard = directory.Write("other.json", "{ \"hello\": 1 }");
        foreach (var path in new[] { broken, notACard, Path.Combine(directory.Path, "missing.json") })
        {
            var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", path, "--repository-root", directory.Path);
            Assert.Equal(2, exit);
            Assert.Contains("AEGB030", stderr, StringComparison.Ordinal);
            Assert.Contains(path, stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(directory.Path, ".aegis", "containment")));
    }

    [Fact]
    public async Task NoCardAndNoEvent_AndNoHistory_IsAEGB032()
    {
        using var directory = new TempDirectory();
        var (exit, stdout, stderr) = await AegisCli.RunAsync("contain", "--repository-root", directory.Path, "--json");
        Assert.Equal(2, exit);
        Assert.Contains("AEGB032", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("AEGB032", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnIncidentWithoutAnEndpoint_GetsNoRuntimeControl_AndKeepsItsCodeFollowUp()
    {
        using var directory = new TempDirectory();
        var (output, root, document) = await ContainAsync(directory, Inner);
        using var _ = document;
        var incident = root.GetProperty("incidents")[0];
        Assert.False(incident.GetProperty("runtime_control").GetBoolean());
        Assert.StartsWith("no runtime control applies", incident.GetProperty("note").GetString(), StringComparison.Ordinal);
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        var code = Assert.Single(steps);
        Assert.Equal("follow_up", code.GetProperty("phase").GetString());
        Assert.Equal("code_patch", code.GetProperty("kind").GetString());
        Assert.Equal("--- a/src/Shop/Inventory.cs\n+++ b/src/Shop/Inventory.cs\n@@ -1 +1 @@\n-old\n+new\n", File.ReadAllText(Path.Combine(output, code.GetProperty("artifact").GetString()!)));
        Assert.False(Directory.Exists(Path.Combine(output, "gateway")));
        Assert.False(Directory.Exists(Path.Combine(output, "waf")));
    }

    [Fact]
    public async Task EndpointIncidents_GetContainmentFirst_ThenTheCodeFollowUp()
    {
        using var directory = new TempDirectory();
        var (output, root, document) = await ContainAsync(directory, Sql, Auth, Secret);
        using var _ = document;
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(
            new[] { "modsecurity_rules", "nginx_location", "yarp_routes", "feature_management_flag", "flagd_flag", "rotate_secret", "code_patch", "code_patch", "code_patch" },
            steps.Select(s => s.GetProperty("kind").GetString()).ToArray());
        Assert.All(steps.Take(5), s => Assert.Equal("containment", s.GetProperty("phase").GetString()));
        Assert.All(steps.Skip(5), s => Assert.Equal("follow_up", s.GetProperty("phase").GetString()));
        Assert.All(steps, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("blocks").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("apply").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("undo").GetString()));
        });
        Assert.Equal(new[] { 47002, 47010, 47011 }, steps[0].GetProperty("rule_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray());
        Assert.Contains("aegis-20231114-", root.GetProperty("release").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains("in " + root.GetProperty("release").GetProperty("name").GetString(), steps[^1].GetProperty("apply").GetString(), StringComparison.Ordinal);

        var secret = root.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("rule").GetString() == "AEG002");
        Assert.False(secret.GetProperty("runtime_control").GetBoolean());
        Assert.Contains("rotate", secret.GetProperty("note").GetString(), StringComparison.Ordinal);

        var featureManagement = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "flags", "feature-management.json"))).RootElement.GetProperty("feature_management").GetProperty("feature_flags");
        Assert.Equal(new[] { "aegis-endpoint-get-api-products-search", "aegis-endpoint-delete-api-orders-id-int" }.Order(), featureManagement.EnumerateArray().Select(f => f.GetProperty("id").GetString()).Order());
        Assert.All(featureManagement.EnumerateArray(), f => Assert.False(f.GetProperty("enabled").GetBoolean()));
        var flagd = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "flags", "flagd.json"))).RootElement.GetProperty("flags");
        foreach (var flag in flagd.EnumerateObject())
        {
            Assert.Equal("off", flag.Value.GetProperty("defaultVariant").GetString());
            Assert.False(flag.Value.GetProperty("variants").GetProperty("off").GetBoolean());
        }

        foreach (var step in steps.Where(s => s.GetProperty("artifact").ValueKind == JsonValueKind.String))
        {
            var file = Path.Combine(output, step.GetProperty("artifact").GetString()!);
            Assert.Equal(Aegis.Engine.Infrastructure.Hashing.Sha256(File.ReadAllText(file)), step.GetProperty("sha256").GetString());
        }
    }

    [Fact]
    public async Task AVerifiedPatch_IsAppliedWithTheCardsOwnCommand_OrGitApply()
    {
        using var directory = new TempDirectory();
        var card = directory.Write("risk-card.json", TestCards.Json(new[] { Sql, Secret }, applyCommand: "dotnet format analyzers src/Shop/Shop.csproj --diagnostics AEG001 AEG002 --severity info"));
        var output = Path.Combine(directory.Path, "plan");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--output", output, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var patches = plan.RootElement.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "code_patch").ToList();
        Assert.Equal(2, patches.Count);
        Assert.All(patches, p =>
        {
            Assert.Contains("`dotnet format analyzers src/Shop/Shop.csproj --diagnostics AEG001 AEG002 --severity info` (the card's command", p.GetProperty("apply").GetString(), StringComparison.Ordinal);
            Assert.Contains("`git apply <plan folder>/" + p.GetProperty("artifact").GetString() + "`", p.GetProperty("apply").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AControllerIncident_BlocksTheControllersWholePrefix()
    {
        using var directory = new TempDirectory();
        var (output, _, document) = await ContainAsync(directory, Controller);
        using var _ = document;
        var nginx = File.ReadAllText(Path.Combine(output, "gateway", "nginx-locations.conf"));
        Assert.Contains("location ~* \"^/api/customers(?:/.*)?/?$\" {\n    return 403;\n}", nginx, StringComparison.Ordinal);
        Assert.Contains("\"Path\": \"/api/customers/{**rest}\"", File.ReadAllText(Path.Combine(output, "gateway", "yarp-routes.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdvisoryEvent_BecomesADirectoryPackagesPropsPin()
    {
        using var directory = new TempDirectory();
        directory.Write("Directory.Packages.props", "<Project><ItemGroup><PackageVersion Include=\"Newtonsoft.Json\" Version=\"12.0.1\" /></ItemGroup></Project>");
        var advisory = directory.Write("event.json", """{ "id": "evt-1", "kind": "advisory", "payload": { "package": "Newtonsoft.Json", "vulnerable_range": "[0,13.0.1)", "fixed_version": "13.0.1" } }""");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--event", advisory, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        var plans = Directory.GetDirectories(Path.Combine(directory.Path, ".aegis", "containment"));
        var pin = File.ReadAllText(Path.Combine(Assert.Single(plans), "pins", "Directory.Packages.props"));
        Assert.Contains("<PackageVersion Include=\"Newtonsoft.Json\" Version=\"13.0.1\" />", pin, StringComparison.Ordinal);
        Assert.Contains("it replaces Version=\"12.0.1\"", pin, StringComparison.Ordinal);
        System.Xml.Linq.XDocument.Parse(pin);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(plans[0], "plan.json")));
        var step = Assert.Single(plan.RootElement.GetProperty("steps").EnumerateArray());
        Assert.Equal("dependency_pin", step.GetProperty("kind").GetString());
        Assert.Equal("aegis-pin-newtonsoft-json-13-0-1", plan.RootElement.GetProperty("release").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{ "kind": "push", "payload": {} }""")]
    [InlineData("""{ "kind": "advisory", "payload": { "package": "Evil\" Version=\"0", "fixed_version": "1.0.0" } }""")]
    [InlineData("""{ "kind": "advisory", "payload": { "package": "Good", "fixed_version": "1.0.0 --><Project>" } }""")]
    [InlineData("not json")]
    public async Task ABadEvent_IsAEGB031NamingTheFile(string text)
    {
        using var directory = new TempDirectory();
        var path = directory.Write("event.json", text);
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--event", path, "--repository-root", directory.Path);
        Assert.Equal(2, exit);
        Assert.Contains("AEGB031", stderr, StringComparison.Ordinal);
        Assert.Contains(path, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--upstream", "app; return 200")]
    [InlineData("--credential-header", "X-Key\" \"@eq 1")]
    public async Task AnOptionThatWouldInjectText_IsAEGB033(string option, string value)
    {
        using var directory = new TempDirectory();
        var card = directory.Write("risk-card.json", TestCards.Json(new[] { Auth }));
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--repository-root", directory.Path, option, value);
        Assert.Equal(2, exit);
        Assert.Contains("AEGB033", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameCard_GivesTheSameBytes_AndThePlanMatchesItsSchema()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var (a, root, document) = await ContainAsync(first, Sql, Auth, Controller, Secret, Inner);
        using var _ = document;
        var (b, _, other) = await ContainAsync(second, Sql, Auth, Controller, Secret, Inner);
        using var __ = other;
        var files = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order(StringComparer.Ordinal));
        foreach (var file in files.Where(f => f != "plan.json"))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "containment-plan.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, root));
    }

    [Fact]
    public async Task TheCardsMarkdownAndHtml_LinkThePlan()
    {
        using var directory = new TempDirectory();
        var card = directory.Write("card/risk-card.json", TestCards.Json(new[] { Sql }));
        var markdown = directory.Write("card/risk-card.md", "old");
        var html = directory.Write("card/risk-card.html", "old");
        var (exit, stdout, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--repository-root", directory.Path, "--json");
        Assert.True(exit == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var id = result.RootElement.GetProperty("id").GetString();
        Assert.Equal(id, result.RootElement.GetProperty("containment_plan").GetProperty("id").GetString());
        var link = "../.aegis/containment/" + id + "/plan.json";
        Assert.Contains("Containment plan: [" + link + "](" + link + ")", File.ReadAllText(markdown), StringComparison.Ordinal);
        Assert.Contains("<a href=\"" + link + "\">", File.ReadAllText(html), StringComparison.Ordinal);
        Assert.Contains("## ", File.ReadAllText(markdown), StringComparison.Ordinal);
    }
}
