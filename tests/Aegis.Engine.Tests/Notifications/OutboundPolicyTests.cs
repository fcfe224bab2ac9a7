using Aegis.Engine.Infrastructure;
using Aegis.Engine.Notifications;
using Aegis.Engine.Policy;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Notifications;

/// <summary>The policy's <c>webhooks</c> and <c>explanations</c> sections: read like the other sections, unsafe ones refused.</summary>
public sealed class OutboundPolicyTests
{
    private static AegisPolicy Load(TempDirectory repository, string json)
    {
        repository.Write(".aegis/policy.json", json);
        return AegisPolicy.Load(repository.Path);
    }

    [Fact]
    public void Defaults_NoWebhooks_NoExplanations()
    {
        using var repository = new TempDirectory();
        var policy = Load(repository, "{}");
        Assert.Empty(policy.Webhooks);
        Assert.Null(policy.Explanations);
    }

    [Fact]
    public void Webhook_IsRead_WithItsDefaults_AndBound()
    {
        using var repository = new TempDirectory();
        var policy = Load(repository, """{ "webhooks": [ { "url": "https://hooks.example.com/aegis" }, { "url": "http://127.0.0.1:9000/x", "on": ["blocked"], "secret_env": "S", "timeout": 2, "attempts": 4 } ] }""");

        var first = policy.Webhooks[0];
        Assert.Equal(new[] { Webhook.AnyCard }, first.On);
        Assert.Null(first.SecretEnv);
        Assert.Equal(TimeSpan.FromSeconds(5), first.Timeout);
        Assert.Equal(3, first.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(5 * 3 + 0.5 + 1), first.TotalBound);
        var second = policy.Webhooks[1];
        Assert.Equal(new[] { "blocked" }, second.On);
        Assert.Equal("S", second.SecretEnv);
        Assert.Equal(TimeSpan.FromSeconds(2 * 4 + 0.5 + 1 + 2), second.TotalBound);
    }

    [Theory]
    [InlineData("""{ "webhooks": { "url": "https://a.example" } }""", "'webhooks' must be an array")]
    [InlineData("""{ "webhooks": [ { } ] }""", "'webhooks[0].url' must be an absolute http(s) URL")]
    [InlineData("""{ "webhooks": [ { "url": "ftp://a.example/x" } ] }""", "'webhooks[0].url' must be an absolute http(s) URL")]
    [InlineData("""{ "webhooks": [ { "url": "https://a.example", "on": ["sometimes"] } ] }""", "'webhooks[0].on' must be")]
    [InlineData("""{ "webhooks": [ { "url": "https://a.example", "timeout": 0 } ] }""", "'webhooks[0].timeout'")]
    [InlineData("""{ "webhooks": [ { "url": "https://a.example", "attempts": 9 } ] }""", "'webhooks[0].attempts'")]
    [InlineData("""{ "webhooks": [ { "url": "https://a.example", "secret": "inline" } ] }""", "'webhooks[0].secret' is not a webhook setting")]
    [InlineData("""{ "explanations": { "model": "m" } }""", "'explanations.endpoint' must be an absolute http(s) URL")]
    [InlineData("""{ "explanations": { "endpoint": "https://ai.example/v1" } }""", "'explanations.model' is required")]
    [InlineData("""{ "explanations": { "endpoint": "https://ai.example/v1", "model": "m", "api_key": "sk-inline" } }""", "'explanations.api_key' is not an explanations setting")]
    public void WrongShapes_AreCorruptStateFiles(string json, string message)
    {
        using var repository = new TempDirectory();
        var error = Assert.Throws<AegisException>(() => Load(repository, json));
        Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "webhooks": [ { "url": "http://hooks.example.com/aegis" } ] }""", "plain http to hooks.example.com")]
    [InlineData("""{ "webhooks": [ { "url": "https://user:pass@hooks.example.com/" } ] }""", "credentials in the URL")]
    [InlineData("""{ "explanations": { "endpoint": "http://ai.example/v1", "model": "m" } }""", "plain http to ai.example")]
    public void UnsafeUrls_AreRefused(string json, string message)
    {
        using var repository = new TempDirectory();
        var error = Assert.Throws<AegisException>(() => Load(repository, json));
        Assert.Equal(ErrorCodes.OutboundPolicyRefused, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("https://hooks.example.com/hook")]
    public void Https_AndLoopbackHttp_AreAccepted(string url)
    {
        using var repository = new TempDirectory();
        Assert.Equal(new Uri(url), Assert.Single(Load(repository, "{ \"webhooks\": [ { \"url\": \"" + url + "\" } ] }").Webhooks).Url);
    }

    [Fact]
    public void PlainHttp_OffLoopback_IsAccepted_OnlyWithAllowHttp()
    {
        using var repository = new TempDirectory();
        var policy = Load(repository, """{ "webhooks": [ { "url": "http://relay.internal/hook", "allow_http": true } ] }""");
        Assert.Equal("relay.internal", Assert.Single(policy.Webhooks).Url.Host);
    }

    [Fact]
    public void Display_ShowsNoPathOrQuery()
    {
        Assert.Equal("https://hooks.slack.com/…", OutboundUrls.Display(new Uri("https://hooks.slack.com/services/T0/B0/XYZSECRET")));
        Assert.Equal("http://127.0.0.1:9000/", OutboundUrls.Display(new Uri("http://127.0.0.1:9000/")));
    }

    [Fact]
    public void Explanations_AreRead_WithTheirDefaults()
    {
        using var repository = new TempDirectory();
        var settings = Load(repository, """{ "explanations": { "endpoint": "https://openrouter.ai/api/v1", "model": "some/model" } }""").Explanations!;
        Assert.Equal("some/model", settings.Model);
        Assert.Equal(ExplanationSettings.DefaultApiKeyEnv, settings.ApiKeyEnv);
        Assert.Null(settings.ApiKeyFile);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Timeout);
    }

    [Theory]
    [InlineData("secrets/ai.key")]
    [InlineData(".aegis/ai.key")]
    [InlineData("{root}/ai.key")]
    public void KeyFile_InsideTheRepository_IsRefused(string file)
    {
        using var repository = new TempDirectory();
        file = file.Replace("{root}", repository.Path, StringComparison.Ordinal);
        var error = Assert.Throws<AegisException>(() => Load(repository, "{ \"explanations\": { \"endpoint\": \"https://ai.example/v1\", \"model\": \"m\", \"api_key_file\": \"" + file + "\" } }"));
        Assert.Equal(ErrorCodes.OutboundPolicyRefused, error.Code);
        Assert.Contains("inside the repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_LinkedIntoTheRepository_IsRefused()
    {
        using var repository = new TempDirectory();
        using var outside = new TempDirectory();
        var inside = repository.Write("keys/ai.key", "sk-test");
        var link = Path.Combine(outside.Path, "ai.key");
        File.CreateSymbolicLink(link, inside);
        var error = Assert.Throws<AegisException>(() => Load(repository, "{ \"explanations\": { \"endpoint\": \"https://ai.example/v1\", \"model\": \"m\", \"api_key_file\": \"" + link + "\" } }"));
        Assert.Equal(ErrorCodes.OutboundPolicyRefused, error.Code);
    }

    [Fact]
    public async Task Propose_WithARefusedPolicy_Exit2_OneAEGB087_NoCard()
    {
        using var repository = new TempDirectory();
        repository.Write(".aegis/policy.json", """{ "webhooks": [ { "url": "http://hooks.example.com/aegis" } ] }""");
        repository.Write("src/App/Greeter.cs", "namespace App;\npublic static class Greeter { }\n");
        var action = repository.Write("action.json", """{ "file": "src/App/Greeter.cs", "content": "namespace App;\npublic static class Greeter { public static int X => 1; }\n", "intent": "add X" }""");
        var stderr = new StringWriter();

        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "propose", "--action", action, "--repository-root", repository.Path, "--sandbox", "none" }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(2, exit);
        Assert.Contains("aegis: error AEGB087: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repository.Path, ".aegis", "propose", "risk-card.json")));
    }

    [Fact]
    public void KeyFile_OutsideTheRepository_IsRead()
    {
        using var repository = new TempDirectory();
        using var outside = new TempDirectory();
        var key = outside.Write("ai.key", "sk-outside\n");
        var settings = Load(repository, "{ \"explanations\": { \"endpoint\": \"https://ai.example/v1\", \"model\": \"m\", \"api_key_file\": \"" + key + "\" } }").Explanations!;
        Assert.Equal(("sk-outside", (string?)null), settings.ReadKey(_ => null));
    }
}
