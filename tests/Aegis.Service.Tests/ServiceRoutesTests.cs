using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.Releases;
using Aegis.Service.Tests.Infrastructure;

namespace Aegis.Service.Tests;

/// <summary>Each route of <c>aegis serve</c> against the real Kestrel host: answers, auth, limits and problem details.</summary>
public sealed class ServiceRoutesTests
{
    [Fact]
    public async Task Healthz_AnswersWithoutToken()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/events")]
    [InlineData("/propose_action")]
    [InlineData("/gates/rel-0001")]
    public async Task WriteRoute_WithoutToken_Is401Problem_AndNothingRecorded(string path)
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.PostAsync(path, new { kind = "scan", file = ServiceHost.GreeterPath, content = ServiceHost.SaferGreeter }, token: null);
        await ProblemAssert.IsProblem(response, 401, ErrorCodes.ServiceUnauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Empty(host.InboxEvents());
        Assert.False(Directory.Exists(Path.Combine(host.Root, ".aegis", "history")));
    }

    [Theory]
    [InlineData("wrong-token-0123456789abcdef")]
    [InlineData("test-token-0123456789abcde")]
    [InlineData("")]
    public async Task WriteRoute_WithWrongToken_Is401Problem(string token)
    {
        await using var host = await ServiceHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = ServiceHost.JsonBody(new { kind = "scan" }) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        await ProblemAssert.IsProblem(await host.Client.SendAsync(request), 401, ErrorCodes.ServiceUnauthorized);
        Assert.Empty(host.InboxEvents());
    }

    [Fact]
    public async Task Event_WithToken_IsAcceptedIntoTheInbox_OnceEvenWhenPostedTwice()
    {
        await using var host = await ServiceHost.StartAsync();
        var first = await host.PostAsync("/events", new { id = "evt-1", kind = "scan", repository = "shop" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var again = await host.PostAsync("/events", new { id = "evt-1", kind = "scan", repository = "shop" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("\"duplicate\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var recorded = Assert.Single(host.InboxEvents());
        using var stored = JsonDocument.Parse(File.ReadAllText(recorded));
        Assert.Equal("evt-1", stored.RootElement.GetProperty("id").GetString());
        Assert.Equal("scan", stored.RootElement.GetProperty("kind").GetString());
        Assert.Equal("serve", stored.RootElement.GetProperty("source").GetString());
        Assert.True(DateTimeOffset.TryParse(stored.RootElement.GetProperty("received_at").GetString(), out _));

        var status = await host.Client.GetStringAsync("/events/evt-1");
        Assert.Contains("\"pending\"", status, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"kind\": \"dance\"}", "AEGB076")]
    [InlineData("{\"files\": []}", "AEGB076")]
    [InlineData("[1, 2]", "AEGB075")]
    [InlineData("{not json", "AEGB075")]
    [InlineData("{\"kind\": \"push\", \"id\": \"../../etc/passwd\", \"files\": [\"a.cs\"]}", "AEGB081")]
    [InlineData("{\"kind\": \"push\", \"files\": [\"../outside.cs\"]}", "AEGB076")]
    [InlineData("{\"kind\": \"push\", \"files\": [\"/etc/passwd\"]}", "AEGB076")]
    [InlineData("{\"kind\": \"push\"}", "AEGB077")]
    public async Task BadEvent_Is400Problem_WithTheParsersCode_AndNothingRecorded(string body, string code)
    {
        await using var host = await ServiceHost.StartAsync();
        await ProblemAssert.IsProblem(await host.PostAsync("/events", body), 400, code);
        Assert.Empty(host.InboxEvents());
    }

    [Fact]
    public async Task ProposeAction_SafeChange_IsAllowed_WithTheCardTheCliWrites()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.PostAsync("/propose_action", new { file = ServiceHost.GreeterPath, content = ServiceHost.SaferGreeter, intent = "add an exclamation mark", actor = "helper" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("allowed").GetBoolean());
        var card = body.RootElement.GetProperty("risk_card");
        Assert.Equal("aegis.riskcard/v1", card.GetProperty("schema").GetString());
        Assert.Equal("allow", card.GetProperty("status").GetString());
        Assert.Equal("propose", card.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal("helper", card.GetProperty("action").GetProperty("actor").GetString());

        // The same files `aegis propose` writes, the card recorded in the history, the change itself never written.
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(host.Root, ".aegis", "propose", "risk-card.json")));
        Assert.Equal(card.GetProperty("request_id").GetString(), written.RootElement.GetProperty("request_id").GetString());
        Assert.Single(Directory.GetFiles(Path.Combine(host.Root, ".aegis", "history"), "*.json"));
        Assert.Equal(ServiceHost.Greeter, File.ReadAllText(Path.Combine(host.Root, ServiceHost.GreeterPath)));
    }

    [Fact]
    public async Task ProposeAction_PlantedSecret_IsBlocked_AndNeverEchoed()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.PostAsync("/propose_action", new { file = "src/App/Keys.cs", content = "namespace App;\npublic static class Keys\n{\n    public static string GithubToken = \"" + ServiceHost.PlantedToken + "\";\n}\n", intent = "add keys" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(text);
        Assert.False(body.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal("blocked", body.RootElement.GetProperty("risk_card").GetProperty("status").GetString());
        Assert.DoesNotContain(ServiceHost.PlantedToken, text, StringComparison.Ordinal);

        var id = body.RootElement.GetProperty("request_id").GetString();
        Assert.DoesNotContain(ServiceHost.PlantedToken, await host.Client.GetStringAsync("/risk-cards/" + id), StringComparison.Ordinal);
        Assert.DoesNotContain(ServiceHost.PlantedToken, await host.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.cs")]
    [InlineData("src/../../outside.cs")]
    [InlineData("/tmp/aegis-serve-outside.cs")]
    [InlineData(".aegis/policy.json")]
    public async Task ProposeAction_PathOutsideOrBlocked_IsRefusedByThePolicy_AndNothingWritten(string path)
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.PostAsync("/propose_action", new { file = path, content = "class X {}", intent = "add a class" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.GetProperty("allowed").GetBoolean());
        var policy = body.RootElement.GetProperty("risk_card").GetProperty("checks").EnumerateArray().First(c => c[0].GetString() == "policy");
        Assert.False(policy[1].GetBoolean());
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(host.Root, path))) && !path.StartsWith(".aegis", StringComparison.Ordinal));
        Assert.False(File.Exists("/tmp/aegis-serve-outside.cs"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"file\": \"src/App/Greeter.cs\"}")]
    [InlineData("[]")]
    public async Task ProposeAction_BadAction_Is400Problem(string body)
    {
        await using var host = await ServiceHost.StartAsync();
        await ProblemAssert.IsProblem(await host.PostAsync("/propose_action", body), 400, ErrorCodes.ServiceBadRequest);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413Problem_WithLengthOrChunked_AndNothingRecorded()
    {
        await using var host = await ServiceHost.StartAsync(maxBodyBytes: 4096);
        var large = "{\"kind\": \"scan\", \"payload\": \"" + new string('x', 10_000) + "\"}";
        await ProblemAssert.IsProblem(await host.PostAsync("/events", large), 413, ErrorCodes.ServiceBodyTooLarge);

        // Without Content-Length (chunked), the limit is hit while reading.
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(large))) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.Token);
        request.Headers.TransferEncodingChunked = true;
        await ProblemAssert.IsProblem(await host.Client.SendAsync(request), 413, ErrorCodes.ServiceBodyTooLarge);
        Assert.Empty(host.InboxEvents());

        // Under the limit is fine.
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync("/events", new { kind = "scan" })).StatusCode);
    }

    [Fact]
    public async Task RiskCards_ListNewestFirst_FilteredByStatusSinceAndLimit()
    {
        await using var host = await ServiceHost.StartAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var allowed = await ProposeAsync(host, ServiceHost.GreeterPath, ServiceHost.SaferGreeter);
        var blocked = await ProposeAsync(host, "../outside.cs", "class X {}");

        var all = await CardsAsync(host, "/risk-cards");
        Assert.Equal(new[] { blocked, allowed }, all.Select(c => c.GetProperty("request_id").GetString()));
        Assert.Equal(new[] { blocked }, (await CardsAsync(host, "/risk-cards?status=blocked")).Select(c => c.GetProperty("request_id").GetString()));
        Assert.Equal(new[] { allowed }, (await CardsAsync(host, "/risk-cards?status=allow")).Select(c => c.GetProperty("request_id").GetString()));
        Assert.Equal(new[] { blocked }, (await CardsAsync(host, "/risk-cards?limit=1")).Select(c => c.GetProperty("request_id").GetString()));
        Assert.Equal(2, (await CardsAsync(host, "/risk-cards?since=" + Uri.EscapeDataString(before.ToString("O")))).Count);
        Assert.Empty(await CardsAsync(host, "/risk-cards?since=" + DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()));
        Assert.Equal(2, (await CardsAsync(host, "/risk-cards?verb=propose")).Count);

        foreach (var bad in new[] { "status=maybe", "limit=0", "limit=abc", "since=yesterday" })
        {
            await ProblemAssert.IsProblem(await host.Client.GetAsync("/risk-cards?" + bad), 400, ErrorCodes.ServiceBadRequest);
        }
    }

    [Fact]
    public async Task RiskCard_ById_IsTheJsonAsWritten_OrTheSameHtmlAsRiskCardHtml()
    {
        await using var host = await ServiceHost.StartAsync();
        var id = await ProposeAsync(host, ServiceHost.GreeterPath, ServiceHost.SaferGreeter);

        var json = await host.Client.GetAsync("/risk-cards/" + id);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllText(Path.Combine(host.Root, ".aegis", "propose", "risk-card.json")), await json.Content.ReadAsStringAsync());

        var request = new HttpRequestMessage(HttpMethod.Get, "/risk-cards/" + id);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        var html = await host.Client.SendAsync(request);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllText(Path.Combine(host.Root, ".aegis", "propose", "risk-card.html")), await html.Content.ReadAsStringAsync());
        var policy = html.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/risk-cards/req_doesnotexist", 404, "AEGB082")]
    [InlineData("/risk-cards/..%2F..%2Fetc%2Fpasswd", 400, "AEGB081")]
    [InlineData("/risk-cards/a.b", 400, "AEGB081")]
    [InlineData("/events/..%2Fsecret", 400, "AEGB081")]
    [InlineData("/releases/rel-0042", 404, "AEGB022")]
    [InlineData("/no/such/route", 404, "AEGB082")]
    public async Task UnknownOrMalformedIds_AreProblems(string path, int status, string code)
    {
        await using var host = await ServiceHost.StartAsync();
        await ProblemAssert.IsProblem(await host.Client.GetAsync(path), status, code);
    }

    [Fact]
    public async Task Releases_AndGates_Answer200_412_428_FromTheReleaseState()
    {
        await using var host = await ServiceHost.StartAsync();
        await ProposeAsync(host, ServiceHost.GreeterPath, ServiceHost.SaferGreeter);
        var card = Path.Combine(host.Root, ".aegis", "propose", "risk-card.json");
        var store = new ReleaseStore(host.Root, AegisPolicy.Load(host.Root));
        var approved = store.Create(card, "greeter", "alice", null, force: false);
        store.Apply(approved.Id, ReleaseStates.Approve, "bob", "reviewed");
        var rejected = store.Create(card, "greeter-2", "alice", null, force: false);
        store.Apply(rejected.Id, ReleaseStates.Reject, "bob", "no");
        var candidate = store.Create(card, "greeter-3", "alice", null, force: false);

        using (var list = JsonDocument.Parse(await host.Client.GetStringAsync("/releases")))
        {
            Assert.Equal(new[] { "approved", "rejected", "candidate" }, list.RootElement.GetProperty("releases").EnumerateArray().Select(r => r.GetProperty("state").GetString()));
        }

        foreach (var (id, status, phase) in new[] { (approved.Id, 200, "Successful"), (rejected.Id, 412, "Failed"), (candidate.Id, 428, "Inconclusive") })
        {
            var response = await host.PostAsync("/gates/" + id, "");
            Assert.Equal(status, (int)response.StatusCode);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(phase, answer.RootElement.GetProperty("phase").GetString());
        }

        await ProblemAssert.IsProblem(await host.PostAsync("/gates/rel-0099", ""), 404, ErrorCodes.ReleaseNotFound);
        await ProblemAssert.IsProblem(await host.PostAsync("/gates/" + approved.Id, "", token: null), 401, ErrorCodes.ServiceUnauthorized);
        Assert.Contains(">greeter-2<", await host.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExceptionPaths_AreProblemDetails_WithoutStackTrace()
    {
        // A corrupt state file: the engine's coded error (AEGB005) names it.
        await using (var host = await ServiceHost.StartAsync())
        {
            var transition = Path.Combine(host.Root, ".aegis", "releases", "rel-0001", "transitions", "0001.json");
            Directory.CreateDirectory(Path.GetDirectoryName(transition)!);
            File.WriteAllText(transition, "{ torn");
            var problem = await ProblemAssert.IsProblem(await host.Client.GetAsync("/releases"), 500, ErrorCodes.CorruptStateFile);
            Assert.Contains("0001.json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // An unexpected exception: its type only (the message stays in the server's log), never a stack trace.
        await using (var host = await ServiceHost.StartAsync(cards: new ThrowingIndex()))
        {
            var problem = await ProblemAssert.IsProblem(await host.Client.GetAsync("/risk-cards"), 500, ErrorCodes.EngineCrashed);
            Assert.DoesNotContain("index exploded", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("InvalidOperationException", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("index exploded", host.Log.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);
        }
    }

    [Fact]
    public async Task MethodNotAllowed_IsAProblemToo()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/risk-cards") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.Token) } });
        Assert.True((int)response.StatusCode is 404 or 405);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task<string> ProposeAsync(ServiceHost host, string file, string content)
    {
        var response = await host.PostAsync("/propose_action", new { file, content, intent = "test" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("request_id").GetString()!;
    }

    private static async Task<List<JsonElement>> CardsAsync(ServiceHost host, string path)
    {
        using var document = JsonDocument.Parse(await host.Client.GetStringAsync(path));
        return document.RootElement.GetProperty("cards").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    private sealed class ThrowingIndex : ICardIndex
    {
        public IReadOnlyList<CardEntry> Query(CardFilter filter) => throw new InvalidOperationException("index exploded");

        public CardEntry? Find(string requestId) => throw new InvalidOperationException("index exploded");

        public IReadOnlyDictionary<(string Status, string Recommendation), int> CountByVerdict() => new Dictionary<(string, string), int>();
    }
}
