using System.Net;
using System.Text;
using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Service.Tests.Infrastructure;

namespace Aegis.Service.Tests;

/// <summary>GitHub push webhooks (HMAC), the token file, loopback-only binding and the console form's CSRF guard.</summary>
public sealed class ServiceSecurityTests
{
    private const string Push = """
        {
          "ref": "refs/heads/main",
          "before": "1111111111111111111111111111111111111111",
          "after": "2222222222222222222222222222222222222222",
          "repository": { "full_name": "acme/shop" },
          "pusher": { "name": "alice" },
          "commits": [
            { "added": ["src/App/New.cs"], "modified": ["src/App/Greeter.cs"], "removed": [] },
            { "added": [], "modified": ["src/App/Greeter.cs", "README.md"], "removed": ["src/App/Old.cs"] }
          ]
        }
        """;

    private static HttpRequestMessage Webhook(string body, string? signature, string gitHubEvent = "push", string delivery = "d-0001")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        request.Headers.Add("X-GitHub-Event", gitHubEvent);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        return request;
    }

    [Fact]
    public async Task SignedPushWebhook_BecomesOnePushEvent_WithTheChangedFiles()
    {
        await using var host = await ServiceHost.StartAsync();
        var signature = GitHubPushWebhook.Sign(ServiceHost.WebhookSecret, Encoding.UTF8.GetBytes(Push));
        var response = await host.Client.SendAsync(Webhook(Push, signature));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var recorded = Assert.Single(host.InboxEvents());
        using var stored = JsonDocument.Parse(File.ReadAllText(recorded));
        var item = stored.RootElement;
        Assert.Equal("gh-d-0001", item.GetProperty("id").GetString());
        Assert.Equal("push", item.GetProperty("kind").GetString());
        Assert.Equal("github", item.GetProperty("source").GetString());
        Assert.Equal("acme/shop", item.GetProperty("repository").GetString());
        Assert.Equal("refs/heads/main", item.GetProperty("ref").GetString());
        Assert.Equal(new[] { "src/App/New.cs", "src/App/Greeter.cs", "src/App/Old.cs", "README.md" }.Order(), item.GetProperty("files").EnumerateArray().Select(f => f.GetString()).Order());

        // GitHub redelivers with the same delivery id: recorded once.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Webhook(Push, signature))).StatusCode);
        Assert.Single(host.InboxEvents());
    }

    [Theory]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=zz")]
    [InlineData("sha1=abcdef")]
    [InlineData("")]
    public async Task WronglySignedWebhook_Is401_AndNothingRecorded(string signature)
    {
        await using var host = await ServiceHost.StartAsync();
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Webhook(Push, signature)), 401, ErrorCodes.ServiceUnauthorized);
        Assert.Empty(host.InboxEvents());
    }

    [Fact]
    public async Task WebhookSignedWithAnotherSecret_OrOverAnotherBody_Is401()
    {
        await using var host = await ServiceHost.StartAsync();
        var otherSecret = GitHubPushWebhook.Sign("not-the-secret", Encoding.UTF8.GetBytes(Push));
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Webhook(Push, otherSecret)), 401, ErrorCodes.ServiceUnauthorized);
        var tampered = Push.Replace("alice", "mallory", StringComparison.Ordinal);
        var originalSignature = GitHubPushWebhook.Sign(ServiceHost.WebhookSecret, Encoding.UTF8.GetBytes(Push));
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Webhook(tampered, originalSignature)), 401, ErrorCodes.ServiceUnauthorized);
        Assert.Empty(host.InboxEvents());
    }

    [Fact]
    public async Task SignedPing_IsAnswered_AndOtherGitHubEventsAreRefused()
    {
        await using var host = await ServiceHost.StartAsync();
        var signature = GitHubPushWebhook.Sign(ServiceHost.WebhookSecret, Encoding.UTF8.GetBytes("{}"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Webhook("{}", signature, "ping"))).StatusCode);
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Webhook("{}", signature, "issues")), 400, ErrorCodes.ServiceBadRequest);
        Assert.Empty(host.InboxEvents());
    }

    [Fact]
    public void TokenFile_IsCreatedOwnerOnly_IgnoredByGit_AndReusedNextTime()
    {
        using var repository = new TempDirectory();
        var first = ServeToken.Resolve(repository.Path, null, _ => null, explicitOnly: false)!.Value;
        var file = ServeToken.DefaultFile(repository.Path);
        Assert.Equal(file, first.Source);
        Assert.True(first.Token.Length >= 40);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Equal("*\n", File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, ".gitignore")));
        Assert.Equal(first.Token, ServeToken.Resolve(repository.Path, null, _ => null, explicitOnly: false)!.Value.Token);
        Assert.Equal("from-the-environment-123", ServeToken.Resolve(repository.Path, null, n => n == "AEGIS_SERVE_TOKEN" ? "from-the-environment-123" : null, explicitOnly: true)!.Value.Token);
        Assert.Equal(first.Token[..4] + "…", ServeToken.Hint(first.Token));
    }

    [Fact]
    public void TokenComparison_MatchesOnlyTheExactToken()
    {
        Assert.True(ServeToken.Matches(ServiceHost.Token, ServiceHost.Token));
        Assert.False(ServeToken.Matches(ServiceHost.Token, ServiceHost.Token + "x"));
        Assert.False(ServeToken.Matches(ServiceHost.Token, ServiceHost.Token[..^1]));
        Assert.False(ServeToken.Matches(ServiceHost.Token, null));
        Assert.False(ServeToken.Matches(ServiceHost.Token, ""));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5178", true)]
    [InlineData("http://localhost:0", true)]
    [InlineData("http://[::1]:5178", true)]
    [InlineData("http://127.0.0.1:1;http://[::1]:2", true)]
    [InlineData("http://0.0.0.0:5178", false)]
    [InlineData("http://*:5178", false)]
    [InlineData("http://+:5178", false)]
    [InlineData("http://192.168.1.10:5178", false)]
    [InlineData("http://127.0.0.1:1;http://0.0.0.0:2", false)]
    public void LoopbackDetection(string urls, bool loopback) => Assert.Equal(loopback, AegisServer.IsLoopbackOnly(urls));

    [Fact]
    public async Task ServeBeyondLoopback_WithoutAnExplicitToken_RefusesToStart_AndWritesNoToken()
    {
        using var repository = new TempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(new[] { "serve", "--urls", "http://0.0.0.0:0", "--repository-root", repository.Path }, stdout, stderr, _ => null);
        Assert.Equal(2, exit);
        Assert.Contains("warning " + ErrorCodes.ServiceExposed, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("error " + ErrorCodes.ServiceExposed, stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(ServeToken.DefaultFile(repository.Path)));
        Assert.DoesNotContain("serving", stdout.ToString(), StringComparison.Ordinal);

        // A token generated earlier by a loopback run was handed to no one: still not enough.
        ServeToken.Generate(ServeToken.DefaultFile(repository.Path));
        var again = await AegisCommandLine.RunAsync(new[] { "serve", "--urls", "http://*:0", "--repository-root", repository.Path }, new StringWriter(), new StringWriter(), _ => null);
        Assert.Equal(2, again);
    }

    [Fact]
    public async Task ServeBeyondLoopback_WithAnExplicitTokenFile_Starts()
    {
        using var repository = new TempDirectory();
        var tokenFile = repository.Write("token.txt", "explicit-token-0123456789\n");
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter();
        var run = AegisCommandLine.RunAsync(new[] { "serve", "--urls", "http://0.0.0.0:0", "--repository-root", repository.Path, "--token-file", tokenFile }, stdout, new StringWriter(), _ => null, cancellationToken: cancel.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!stdout.ToString().Contains("aegis: serving", StringComparison.Ordinal) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains("aegis: serving http://0.0.0.0:", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("explicit-token-0123456789", stdout.ToString(), StringComparison.Ordinal);
        await cancel.CancelAsync();
        Assert.Equal(0, await run);
    }

    [Fact]
    public async Task ConsoleForm_CrossSiteOrWithoutTheToken_IsRefused_AndNothingJudged()
    {
        await using var host = await ServiceHost.StartAsync();
        HttpRequestMessage Form(string token, string? origin, string? fetchSite)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/console/propose")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["file"] = ServiceHost.GreeterPath, ["mode"] = "content", ["text"] = ServiceHost.SaferGreeter, ["intent"] = "x", ["token"] = token }),
            };
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            if (fetchSite is not null)
            {
                request.Headers.Add("Sec-Fetch-Site", fetchSite);
            }

            return request;
        }

        await ProblemAssert.IsProblem(await host.Client.SendAsync(Form(ServiceHost.Token, "https://evil.example", null)), 401, ErrorCodes.ServiceUnauthorized);
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Form(ServiceHost.Token, null, "cross-site")), 401, ErrorCodes.ServiceUnauthorized);
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Form("", null, null)), 401, ErrorCodes.ServiceUnauthorized);
        await ProblemAssert.IsProblem(await host.Client.SendAsync(Form("guess-guess-guess-guess", host.BaseAddress.GetLeftPart(UriPartial.Authority), "same-origin")), 401, ErrorCodes.ServiceUnauthorized);
        Assert.False(Directory.Exists(Path.Combine(host.Root, ".aegis", "history")));

        // The console's own page, with the token: judged, then redirected to the card.
        var accepted = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress }
            .SendAsync(Form(ServiceHost.Token, host.BaseAddress.GetLeftPart(UriPartial.Authority), "same-origin"));
        Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
        Assert.StartsWith("/risk-cards/req_", accepted.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
