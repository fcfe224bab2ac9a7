using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Notifications;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aegis.Engine.Tests.Notifications;

/// <summary>AI explanations against a loopback fake OpenAI-compatible endpoint (<c>/v1/chat/completions</c>).</summary>
public sealed class AiExplanationTests
{
    private const string Key = "test-ai-key-0001";
    private const string Model = "fake/model-1";
    private const string GoodAnswer = "Blocked: a secret is hard-coded in Keys.cs. Move it to user secrets or the environment and rotate it.";

    private static Func<string, string?> WithKey => name => name == ExplanationSettings.DefaultApiKeyEnv ? Key : null;

    private static string Policy(LoopbackReceiver endpoint, double timeout = 5)
        => "{ \"explanations\": { \"endpoint\": \"" + endpoint.BaseUrl + "/v1\", \"model\": \"" + Model + "\", \"timeout\": " + timeout.ToString(System.Globalization.CultureInfo.InvariantCulture) + " } }";

    /// <summary>A chat completion whose message is <paramref name="content"/>, as OpenAI-compatible servers answer.</summary>
    private static Task Completion(HttpContext context, string content)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            created = 1700000000,
            model = Model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
        }));
    }

    private static Task<LoopbackReceiver> Answering(string content) => LoopbackReceiver.StartAsync((_, context) => Completion(context, content));

    private static JsonElement CardJson(RiskCardFiles files)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(files.Json));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task GoodAnswer_BecomesTheExplanation_AndTheCardSaysSo()
    {
        await using var endpoint = await Answering("  " + GoodAnswer + "\n");
        using var repository = OutboundCards.Repository(Policy(endpoint));

        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithKey);

        var card = CardJson(files);
        Assert.Equal(GoodAnswer, card.GetProperty("explanation").GetString());
        Assert.Equal("ai:" + Model, card.GetProperty("explanation_source").GetString());
        Assert.Equal(JsonValueKind.Null, card.GetProperty("explanation_fallback_reason").ValueKind);
        Assert.Empty(files.Warnings);
        Assert.Contains(GoodAnswer + " _(explanation by ai:" + Model + ")_", File.ReadAllText(files.Markdown), StringComparison.Ordinal);
        Assert.Contains("(explanation by ai:" + Model + ")</small>", File.ReadAllText(files.Html), StringComparison.Ordinal);
        var request = Assert.Single(endpoint.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);
        Assert.Contains(Model, request.Text, StringComparison.Ordinal);
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, card));
    }

    [Fact]
    public async Task TheModel_NeverSeesThePlantedSecret_NorTheDiff()
    {
        await using var endpoint = await Answering(GoodAnswer);
        using var repository = OutboundCards.Repository(Policy(endpoint));

        OutboundCards.Write(repository, OutboundCards.Card(), WithKey);

        var sent = Assert.Single(endpoint.Requests).Text;
        OutboundCards.AssertNoSecret(sent);
        Assert.Contains("[secret literal len=", sent, StringComparison.Ordinal);
        Assert.Contains("AEG002", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("public const string Key", sent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oversize", "answer too long")]
    [InlineData("secret-literal", "the answer contained a secret")]
    [InlineData("secret-token", "the answer contained a secret")]
    [InlineData("empty", "empty answer")]
    public async Task UnusableAnswers_FallBack_ToThePlainExplanation(string answer, string reason)
    {
        var content = answer switch
        {
            "oversize" => string.Concat(Enumerable.Repeat("This change is risky. ", 20)),
            "secret-literal" => "The key " + OutboundCards.PlantedSecret + " is exposed.",
            "secret-token" => "Rotate " + OutboundCards.PlantedToken + " now.",
            _ => "   ",
        };
        await using var endpoint = await Answering(content);
        using var repository = OutboundCards.Repository(Policy(endpoint));
        var plain = OutboundCards.Card().Explanation;

        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithKey);

        AssertFellBack(files, plain, reason);
    }

    [Fact]
    public async Task Http500_FallsBack()
    {
        await using var endpoint = await LoopbackReceiver.AlwaysAsync(500);
        using var repository = OutboundCards.Repository(Policy(endpoint));

        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithKey);

        AssertFellBack(files, OutboundCards.Card().Explanation, "HTTP 500");
        Assert.Single(endpoint.Requests);
    }

    [Fact]
    public async Task Garbage_FallsBack()
    {
        await using var endpoint = await LoopbackReceiver.StartAsync((_, context) => context.Response.WriteAsync("<html>not a completion</html>"));
        using var repository = OutboundCards.Repository(Policy(endpoint));

        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithKey);

        AssertFellBack(files, OutboundCards.Card().Explanation, "malformed or failed response");
    }

    [Fact]
    public async Task Hang_TimesOut_AndFallsBack_WithinTheTimeout()
    {
        await using var endpoint = await LoopbackReceiver.HangingAsync();
        using var repository = OutboundCards.Repository(Policy(endpoint, timeout: 1));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var files = OutboundCards.Write(repository, OutboundCards.Card(), WithKey);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), "took " + clock.Elapsed);
        AssertFellBack(files, OutboundCards.Card().Explanation, "timed out after 1 s");
    }

    [Fact]
    public async Task NoKey_FallsBack_WithoutCallingTheEndpoint()
    {
        await using var endpoint = await Answering(GoodAnswer);
        using var repository = OutboundCards.Repository(Policy(endpoint));

        var files = OutboundCards.Write(repository, OutboundCards.Card(), _ => null);

        AssertFellBack(files, OutboundCards.Card().Explanation, "no API key: AEGIS_AI_KEY is not set");
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public void NoExplanationsSection_TheCardIsPlain()
    {
        using var repository = OutboundCards.Repository("{}");
        var card = CardJson(OutboundCards.Write(repository, OutboundCards.Card()));
        Assert.Equal("plain", card.GetProperty("explanation_source").GetString());
        Assert.Equal(JsonValueKind.Null, card.GetProperty("explanation_fallback_reason").ValueKind);
        Assert.DoesNotContain("explanation by", File.ReadAllText(Path.Combine(repository.Path, "out", "risk-card.md")), StringComparison.Ordinal);
    }

    private static void AssertFellBack(RiskCardFiles files, string plain, string reason)
    {
        var card = CardJson(files);
        Assert.Equal(plain, card.GetProperty("explanation").GetString());
        Assert.Equal("plain", card.GetProperty("explanation_source").GetString());
        Assert.Contains(reason, card.GetProperty("explanation_fallback_reason").GetString(), StringComparison.Ordinal);
        var warning = Assert.Single(files.Warnings);
        Assert.Equal(ErrorCodes.AiExplanationFellBack, warning.Code);
        Assert.Contains(reason, warning.Message, StringComparison.Ordinal);
        OutboundCards.AssertNoSecret(File.ReadAllText(files.Json) + warning.Message);
    }
}
