using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aegis.Engine.Tests.Notifications;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Outbound webhooks and AI explanations through the engine exactly as the package ships it (the AI and webhook
/// libraries IL only): a proposal that adds a live key to a copy of the sample is blocked, its summary is posted signed
/// to a loopback receiver, its explanation comes from a loopback fake OpenAI-compatible endpoint, and the key reaches
/// neither.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class NotificationsEndToEndTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string NewLiveKey = "sk_live_51NotifyZ8rTbX2vYp9KdLw3Nc";
    private const string WebhookSecret = "e2e-webhook-secret-5678";
    private const string Model = "fake/e2e-model";
    private const string Answer = "Blocked: a live Stripe key is hard-coded in PayoutKeys.cs. Move it to configuration and rotate it.";

    [RequiresEngineFact(Timeout = 10 * 60_000)]
    public async Task PackedEngine_Propose_PostsASignedWebhook_WithAnAiExplanation_AndNoSecretLeaves()
    {
        await using var webhook = await LoopbackReceiver.AlwaysAsync(StatusCodes.Status204NoContent);
        await using var ai = await LoopbackReceiver.StartAsync((_, context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                id = "chatcmpl-e2e",
                @object = "chat.completion",
                created = 1700000000,
                model = Model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = Answer }, finish_reason = "stop" } },
            }));
        });
        var sample = SampleRepository.Create(environment, "sample-notify");
        var engine = environment.ExtractEngine("notify-engine");
        sample.WriteFile(".aegis/policy.json", $$"""
            {
              "webhooks": [ { "url": "{{webhook.BaseUrl}}/aegis", "on": ["blocked"], "secret_env": "AEGIS_E2E_WEBHOOK_SECRET" } ],
              "explanations": { "endpoint": "{{ai.BaseUrl}}/v1", "model": "{{Model}}", "timeout": 30 }
            }
            """);
        var action = Path.Combine(environment.Root, "notify-action.json");
        File.WriteAllText(action, JsonSerializer.Serialize(new
        {
            file = "Aegis.Sample/Payments/PayoutKeys.cs",
            content = "namespace Aegis.Sample.Payments;\n\npublic static class PayoutKeys\n{\n    public const string Live = \"" + NewLiveKey + "\";\n}\n",
            intent = "payouts",
        }));

        var result = environment.Run(
            sample.Root,
            new Dictionary<string, string?> { ["AEGIS_AI_KEY"] = "e2e-ai-key", ["AEGIS_E2E_WEBHOOK_SECRET"] = WebhookSecret },
            Path.Combine(engine, "Aegis.Cli.dll"), "propose", "--action", action, "--repository-root", sample.Root, "--sandbox", "file");
        output.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 1, "the key was not blocked: " + result);
        Assert.DoesNotContain("AEGB085", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AEGB086", result.Output, StringComparison.Ordinal);
        using var card = JsonDocument.Parse(File.ReadAllText(sample.PathOf(".aegis/propose/risk-card.json")));
        Assert.Equal("blocked", card.RootElement.GetProperty("status").GetString());
        Assert.Equal(Answer, card.RootElement.GetProperty("explanation").GetString());
        Assert.Equal("ai:" + Model, card.RootElement.GetProperty("explanation_source").GetString());

        var posted = Assert.Single(webhook.Requests);
        var expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), posted.Body)).ToLowerInvariant();
        Assert.Equal(expected, posted.Headers["X-Aegis-Signature-256"]);
        using var payload = JsonDocument.Parse(posted.Body);
        Assert.Equal(card.RootElement.GetProperty("request_id").GetString(), payload.RootElement.GetProperty("request_id").GetString());
        Assert.Equal("ai:" + Model, payload.RootElement.GetProperty("explanation_source").GetString());

        var asked = Assert.Single(ai.Requests);
        Assert.Equal("/v1/chat/completions", asked.Path);
        foreach (var secret in sample.PlantedSecrets().Append(NewLiveKey).Append(WebhookSecret))
        {
            Assert.DoesNotContain(secret, posted.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, asked.Text, StringComparison.Ordinal);
        }
    }

    /// <summary><c>AegisWebhookUrl</c> (and <c>AegisWebhookSecretEnv</c>): a build of the sample posts its card's summary,
    /// signed, to the URL the MSBuild property names, with no webhook in the policy.</summary>
    [RequiresEngineFact(Timeout = 10 * 60_000)]
    public async Task Build_WithAegisWebhookUrl_PostsTheCardsSummary_Signed()
    {
        await using var webhook = await LoopbackReceiver.AlwaysAsync(StatusCodes.Status204NoContent);
        var sample = SampleRepository.Create(environment, "sample-webhook-property");
        var variables = new Dictionary<string, string?> { ["AEGIS_E2E_WEBHOOK_SECRET"] = WebhookSecret };

        var result = environment.Run(sample.Root, variables,
            ["build", SampleRepository.SampleProject, "-nologo", "-v:n", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false",
             "-p:AegisWebhookUrl=" + webhook.BaseUrl + "/build-hook", "-p:AegisWebhookSecretEnv=AEGIS_E2E_WEBHOOK_SECRET"]);
        output.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 0, "the build failed: " + result);
        Assert.DoesNotContain("AEGB085", result.Output, StringComparison.Ordinal);
        var posted = Assert.Single(webhook.Requests);
        Assert.Equal("/build-hook", posted.Path);
        var expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), posted.Body)).ToLowerInvariant();
        Assert.Equal(expected, posted.Headers["X-Aegis-Signature-256"]);
        using var payload = JsonDocument.Parse(posted.Body);
        Assert.Equal("aegis.webhook/v1", payload.RootElement.GetProperty("schema").GetString());
        Assert.True(payload.RootElement.GetProperty("counts").GetProperty("incidents").GetInt32() > 0, posted.Text);
        foreach (var secret in sample.PlantedSecrets())
        {
            Assert.DoesNotContain(secret, posted.Text, StringComparison.Ordinal);
        }
    }
}
