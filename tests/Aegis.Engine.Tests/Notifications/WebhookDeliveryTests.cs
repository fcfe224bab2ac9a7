using System.Diagnostics;
using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Notifications;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aegis.Engine.Tests.Notifications;

/// <summary>Outbound webhooks against a real loopback Kestrel receiver: signed, retried, bounded, filtered, masked.</summary>
public sealed class WebhookDeliveryTests
{
    private const string SecretVariable = "AEGIS_TEST_WEBHOOK_SECRET";
    private const string WebhookSecret = "webhook-signing-secret-1234";

    private static Func<string, string?> WithSecret => name => name == SecretVariable ? WebhookSecret : null;

    private static string Policy(string url, string extra = "")
        => "{ \"webhooks\": [ { \"url\": \"" + url + "\", \"secret_env\": \"" + SecretVariable + "\"" + extra + " } ] }";

    [Fact]
    public async Task Delivered_Once_WithAValidSignature_AndTheSummary()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(204);
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/hooks/aegis"));
        var card = OutboundCards.Card();

        var files = OutboundCards.Write(repository, card, WithSecret);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hooks/aegis", request.Path);
        Assert.Equal(WebhookDelivery.Signature(WebhookSecret, request.Body), request.Headers[WebhookDelivery.SignatureHeader]);
        Assert.Matches("^sha256=[0-9a-f]{64}$", request.Headers[WebhookDelivery.SignatureHeader]);
        Assert.Equal("risk_card", request.Headers[WebhookDelivery.EventHeader]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(request.Body);
        var root = payload.RootElement;
        Assert.Equal("aegis.webhook/v1", root.GetProperty("schema").GetString());
        Assert.Equal(card.RequestId, root.GetProperty("request_id").GetString());
        Assert.Equal("blocked", root.GetProperty("status").GetString());
        Assert.Equal("rollback", root.GetProperty("recommendation").GetString());
        Assert.Equal(card.RiskScore, root.GetProperty("risk_score").GetInt32());
        Assert.Equal(card.RiskLevel, root.GetProperty("risk_level").GetString());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("incidents").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("by_severity").GetProperty("HIGH").GetInt32());
        Assert.Equal(files.Json, root.GetProperty("card").GetString());
        Assert.Empty(files.Warnings);
        Assert.False(Directory.Exists(OutboundNotifications.FailedDirectory(repository.Path)));
    }

    [Fact]
    public async Task Payload_CarriesNoSecret_NoDiff_NoEvidence_NoOutput()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(200);
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/"));

        OutboundCards.Write(repository, OutboundCards.Card(), WithSecret);

        var text = Assert.Single(receiver.Requests).Text;
        OutboundCards.AssertNoSecret(text);
        Assert.DoesNotContain(WebhookSecret, text, StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(text);
        foreach (var absent in new[] { "diff", "incidents", "stdout", "evidence", "action", "explanation" })
        {
            Assert.False(payload.RootElement.TryGetProperty(absent, out _), absent);
        }

        Assert.DoesNotContain("public const string Key", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retried_After503_ThenDelivered()
    {
        await using var receiver = await LoopbackReceiver.StartAsync((attempt, context) =>
        {
            context.Response.StatusCode = attempt == 1 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/"));

        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithSecret);

        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(WebhookDelivery.Signature(WebhookSecret, r.Body), r.Headers[WebhookDelivery.SignatureHeader]));
        Assert.Empty(files.Warnings);
    }

    [Fact]
    public async Task GivesUp_AfterItsAttempts_RecordsAndWarns_CardStillWritten()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(500);
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/private/token-in-path", ", \"attempts\": 3"));
        var card = OutboundCards.Card();

        var files = OutboundCards.Write(repository, card, WithSecret);

        Assert.Equal(3, receiver.Requests.Count);
        Assert.True(File.Exists(files.Json));
        var warning = Assert.Single(files.Warnings);
        Assert.Equal(ErrorCodes.WebhookNotDelivered, warning.Code);
        Assert.Contains("HTTP 500", warning.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempt(s)", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token-in-path", warning.Message, StringComparison.Ordinal);
        var record = Path.Combine(OutboundNotifications.FailedDirectory(repository.Path), card.RequestId + ".0.json");
        using var failure = JsonDocument.Parse(File.ReadAllText(record));
        Assert.Equal(3, failure.RootElement.GetProperty("attempts").GetInt32());
        Assert.Equal(card.RequestId, failure.RootElement.GetProperty("payload").GetProperty("request_id").GetString());
        Assert.DoesNotContain("token-in-path", File.ReadAllText(record), StringComparison.Ordinal);
        OutboundCards.AssertNoSecret(File.ReadAllText(record));
    }

    [Fact]
    public async Task Hanging_Receiver_TimesOut_WithinTheTotalBound()
    {
        await using var receiver = await LoopbackReceiver.HangingAsync();
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/", ", \"timeout\": 2, \"attempts\": 2"));
        var bound = TimeSpan.FromSeconds(2 * 2 + 0.5);

        var clock = Stopwatch.StartNew();
        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithSecret);
        clock.Stop();

        // On a loaded machine an attempt may time out before the receiver has read it: never more than the attempts.
        Assert.InRange(receiver.Requests.Count, 1, 2);
        Assert.True(clock.Elapsed < bound + TimeSpan.FromSeconds(3), "took " + clock.Elapsed);
        Assert.Contains("timed out", Assert.Single(files.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_Receiver_IsAWarning_NotAnError()
    {
        string url;
        await using (var gone = await LoopbackReceiver.AlwaysAsync(200))
        {
            url = gone.BaseUrl + "/";
        }

        using var repository = OutboundCards.Repository(Policy(url, ", \"attempts\": 2"));
        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithSecret);

        Assert.True(File.Exists(files.Json));
        Assert.Equal(ErrorCodes.WebhookNotDelivered, Assert.Single(files.Warnings).Code);
    }

    [Theory]
    [InlineData("[\"blocked\"]", RiskStatus.Blocked, 1)]
    [InlineData("[\"blocked\"]", RiskStatus.Allow, 0)]
    [InlineData("[\"rollback\", \"needs_human_review\"]", RiskStatus.Blocked, 1)]
    [InlineData("[\"approved_for_rollout\"]", RiskStatus.Blocked, 0)]
    [InlineData("[\"allow\"]", RiskStatus.Allow, 1)]
    [InlineData("[\"any\"]", RiskStatus.Allow, 1)]
    public async Task On_FiltersByStatusOrRecommendation(string on, string status, int expected)
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(200);
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/", ", \"on\": " + on));

        var files = OutboundCards.Write(repository, OutboundCards.Card(status), WithSecret);

        Assert.Equal(expected, receiver.Requests.Count);
        Assert.Empty(files.Warnings);
    }

    [Fact]
    public async Task NothingSent_WhenNoneConfigured()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(200);
        using var repository = OutboundCards.Repository("{ \"history\": { \"max_records\": 10 } }");

        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithSecret);

        Assert.Empty(receiver.Requests);
        Assert.Empty(files.Warnings);
        Assert.False(Directory.Exists(Path.Combine(repository.Path, ".aegis", "webhooks")));
    }

    [Fact]
    public async Task MissingSecret_IsNotSentUnsigned_AndWarns()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(200);
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/"));

        var files = OutboundCards.Write(repository, OutboundCards.Card(), _ => null);

        Assert.Empty(receiver.Requests);
        Assert.Contains(SecretVariable + " (secret_env) is not set", Assert.Single(files.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_Webhook_WithoutSecretEnv_IsDelivered_WithoutSignature()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(200);
        using var repository = OutboundCards.Repository("{ \"webhooks\": [ { \"url\": \"" + receiver.BaseUrl + "/\" } ] }");

        OutboundCards.Write(repository, OutboundCards.Card(), _ => null);

        Assert.False(Assert.Single(receiver.Requests).Headers.ContainsKey(WebhookDelivery.SignatureHeader));
    }

    [Fact]
    public async Task Propose_WithAFailingWebhook_PrintsAEGB085_AndKeepsItsVerdict()
    {
        await using var receiver = await LoopbackReceiver.AlwaysAsync(503);
        using var repository = OutboundCards.Repository(Policy(receiver.BaseUrl + "/", ", \"attempts\": 1"));
        repository.Write("src/App/Greeter.cs", "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");
        var action = repository.Write("action.json", JsonSerializer.Serialize(new { file = "src/App/Greeter.cs", content = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hi \" + name;\n}\n", intent = "shorter greeting" }));
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "propose", "--action", action, "--repository-root", repository.Path, "--sandbox", "none", "--json" }, stdout, stderr, WithSecret, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Single(receiver.Requests);
        Assert.Contains("aegis: warning AEGB085: webhook http://127.0.0.1:", stderr.ToString(), StringComparison.Ordinal);
        using var output = JsonDocument.Parse(stdout.ToString());
        Assert.Equal("AEGB085", output.RootElement.GetProperty("warnings")[0].GetProperty("code").GetString());
        Assert.Equal("allow", output.RootElement.GetProperty("risk_card").GetProperty("status").GetString());
    }

    [Fact]
    public async Task WebhookUrlSetting_IsDeliveredBesideThePolicys_SignedWithTheNamedSecret()
    {
        await using var policyReceiver = await LoopbackReceiver.AlwaysAsync(204);
        await using var settingReceiver = await LoopbackReceiver.AlwaysAsync(204);
        using var repository = OutboundCards.Repository(Policy(policyReceiver.BaseUrl + "/policy"));
        string? Environment(string name) => name switch
        {
            Webhook.UrlVariable => settingReceiver.BaseUrl + "/setting",
            Webhook.SecretEnvVariable => SecretVariable,
            _ => WithSecret(name),
        };

        var files = OutboundCards.Write(repository, OutboundCards.Card(), Environment);

        Assert.Single(policyReceiver.Requests);
        var request = Assert.Single(settingReceiver.Requests);
        Assert.Equal("/setting", request.Path);
        Assert.Equal(WebhookDelivery.Signature(WebhookSecret, request.Body), request.Headers[WebhookDelivery.SignatureHeader]);
        Assert.Empty(files.Warnings);
    }

    [Theory]
    [InlineData("http://hooks.example.com/aegis")]
    [InlineData("not a url")]
    [InlineData("https://user:pass@hooks.example.com/aegis")]
    public void WebhookUrlSetting_Unsafe_IsRefused_AEGB087_BeforeAnythingIsWritten(string url)
    {
        using var repository = OutboundCards.Repository("{}");

        var exception = Assert.Throws<AegisException>(() => OutboundCards.Write(repository, OutboundCards.Card(), name => name == Webhook.UrlVariable ? url : null));

        Assert.Equal(ErrorCodes.OutboundPolicyRefused, exception.Code);
        Assert.Contains("AegisWebhookUrl", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repository.Path, "out", "risk-card.json")));
    }
}
