using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Compilation;
using Aegis.Engine.Patching;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>
/// The <c>fail_closed_secrets</c> check: a patch — the engine's own fixes or a change an AI helper proposes — that gives a
/// secret an empty or default fallback fails it, so the card cannot be <c>approved_for_rollout</c>.
/// </summary>
public sealed class FailClosedSecretsTests
{
    private const string Original = """
        using System;

        namespace Shop;

        public static class StaffAuth
        {
            public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STAFF_API_KEY' is not set.");
        }
        """;

    /// <summary>A class body that replaces the one property of <see cref="Original"/>.</summary>
    private static string With(string member) => Original.Replace(
        """    public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STAFF_API_KEY' is not set.");""",
        "    " + member,
        StringComparison.Ordinal);

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? string.Empty;""")]
    [InlineData("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? "";""")]
    [InlineData("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? default!;""")]
    [InlineData("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? default(string)!;""")]
    [InlineData("""public static string Key(Microsoft.Extensions.Configuration.IConfiguration configuration) => configuration["Auth:StaffKey"] ?? String.Empty;""")]
    [InlineData("""public static string Key(Microsoft.Extensions.Configuration.IConfiguration configuration) => configuration.GetValue<string>("Webhooks:Secret", "")!;""")]
    [InlineData("""public static string Key(System.Collections.Generic.Dictionary<string, string> settings) => settings.GetValueOrDefault("SigningKey", string.Empty);""")]
    [InlineData("""public static string Key(string? webhookSecret) => webhookSecret ??= "";""")]
    [InlineData("""public static string Key(string? apiKey) { string webhookSecret = apiKey ?? ""; return webhookSecret; }""")]
    [InlineData("""public static string Key(Options options) => StaffKeys.ApiKey = options.Value ?? string.Empty; public sealed class Options { public string? Value { get; set; } } public static class StaffKeys { public static string ApiKey = ""; }""")]
    [InlineData("""public static byte[] HmacKey => Convert.FromBase64String(Environment.GetEnvironmentVariable("HMAC_KEY") ?? "");""")]
    [InlineData("""public static string Db => "Server=db;Password=" + (Environment.GetEnvironmentVariable("DB_PASSWORD") ?? string.Empty) + ";";""")]
    [InlineData("""public static byte[] SigningKey => Load() ?? Array.Empty<byte>(); static byte[]? Load() => null;""")]
    public void Detect_EmptyOrDefaultFallbackForASecret(string member)
    {
        var introduced = FailClosedSecrets.Introduced("src/Shop/StaffAuth.cs", Original, With(member));

        var fallback = Assert.Single(introduced);
        Assert.StartsWith("src/Shop/StaffAuth.cs:7 ", fallback, StringComparison.Ordinal);
        Assert.False(FailClosedSecrets.Check(introduced).Passed);
        Assert.Equal(CheckNames.FailClosedSecrets, FailClosedSecrets.Check(introduced).Name);
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STAFF_API_KEY' is not set.");""")]
    [InlineData("""public static string ShopName(Microsoft.Extensions.Configuration.IConfiguration configuration) => configuration["Shop:Name"] ?? "";""")]
    [InlineData("""public static string Presented(Microsoft.AspNetCore.Http.HttpRequest request) => request.Headers["X-Api-Key"].FirstOrDefault() ?? "";""")]
    [InlineData("""public static string Value(System.Collections.Generic.Dictionary<string, string> map, string key) => map.GetValueOrDefault(key, "");""")]
    [InlineData("""public static System.Threading.CancellationToken Token(System.Threading.CancellationToken? cancellationToken) => cancellationToken ?? default;""")]
    [InlineData("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? Environment.GetEnvironmentVariable("LEGACY_STAFF_API_KEY") ?? throw new InvalidOperationException("Neither STAFF_API_KEY nor LEGACY_STAFF_API_KEY is set.");""")]
    [InlineData("""public static void Find(System.Data.Common.DbCommand command, string? password) => command.Parameters.Add(password ?? "");""")]
    [InlineData("""public static object Args(string? token) => new { token = token ?? "" };""")]
    [InlineData("""public static string Hash(string? password) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(password ?? "")));""")]
    public void Safe_NoEmptyFallbackForASecret(string member)
    {
        var introduced = FailClosedSecrets.Introduced("src/Shop/StaffAuth.cs", Original, With(member));

        Assert.Empty(introduced);
        Assert.True(FailClosedSecrets.Check(introduced).Passed);
    }

    [Fact]
    [Trait("Category", "Safe")]
    public void Safe_AFallbackThePatchDidNotIntroduce_AndFilesThatAreNotCSharp()
    {
        var failOpen = With("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? string.Empty;""");
        var touchedElsewhere = failOpen.Replace("namespace Shop;", "namespace Shop; // the shop", StringComparison.Ordinal);

        Assert.Empty(FailClosedSecrets.Introduced("src/Shop/StaffAuth.cs", failOpen, touchedElsewhere));
        Assert.Empty(FailClosedSecrets.Introduced("config/appsettings.json", "{}", "{ \"x\": \"secret ?? string.Empty\" }"));
    }

    [Fact]
    public void Check_NamesTheValueNeverASecret()
    {
        var introduced = FailClosedSecrets.Introduced("src/Shop/StaffAuth.cs", Original, With("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? string.Empty;"""));

        Assert.Equal("src/Shop/StaffAuth.cs:7 STAFF_API_KEY ?? string.Empty", Assert.Single(introduced));
    }

    /// <summary>The engine's own AEG002 patch fails closed and passes; the same patch with the old empty fallback fails and rolls back.</summary>
    [Fact]
    public async Task Evaluate_TheSecretFixPasses_AnEmptyFallbackInItsPlaceFails()
    {
        using var directory = new TempDirectory();
        var secret = "sk_live_51HqTz8Kx2Lm9Vb3Nc7Qw1Er5Ty6Ui0Op4As8Df2Gh";
        var inputs = TestProjects.WriteProject(directory, "src/Pay/Pay.csproj", new Dictionary<string, string>
        {
            ["src/Pay/StripeClient.cs"] = "namespace Pay;\n\npublic sealed class StripeClient\n{\n    private const string SecretKey = \"" + secret + "\";\n\n    public string Key() => SecretKey;\n}\n",
        });
        var engine = new AegisEngine(TestProjects.Options(directory.Path));

        var fixedAnalysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var patch = Assert.Single(fixedAnalysis.Patches);
        Assert.Contains("?? throw new InvalidOperationException(\"Environment variable 'STRIPE_SECRET_KEY' is not set.\")", patch.PatchedText, StringComparison.Ordinal);
        var card = await engine.EvaluateAsync(new[] { fixedAnalysis }, new() { new("kind", "test") }, CancellationToken.None);
        Assert.Contains(card.Checks, c => c.Name == CheckNames.FailClosedSecrets && c.Passed);
        Assert.True(card.Recommendation == Recommendations.ApprovedForRollout, string.Join("\n", card.Checks));

        var failOpenAnalysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var failOpen = Assert.Single(failOpenAnalysis.Patches);
        failOpen.PatchedText = failOpen.PatchedText.Replace("?? throw new InvalidOperationException(\"Environment variable 'STRIPE_SECRET_KEY' is not set.\")", "?? string.Empty", StringComparison.Ordinal);
        var failOpenCard = await engine.EvaluateAsync(new[] { failOpenAnalysis }, new() { new("kind", "test") }, CancellationToken.None);

        var check = Assert.Single(failOpenCard.Checks, c => c.Name == CheckNames.FailClosedSecrets);
        Assert.False(check.Passed);
        Assert.Contains("src/Pay/StripeClient.cs:7 STRIPE_SECRET_KEY ?? string.Empty", check.Message, StringComparison.Ordinal);
        Assert.Equal(Recommendations.Rollback, failOpenCard.Recommendation);
        Assert.Equal(ValidationStatuses.Failed, failOpen.ValidationStatus);
        Assert.Equal(RiskStatus.Blocked, failOpenCard.Status);
    }

    /// <summary>An AI helper "fixes" a start-up crash by letting the key default to empty: blocked, not approved.</summary>
    [Fact]
    public async Task Propose_AnEmptyFallbackForTheInboundKey_IsBlocked_TheFailClosedFormIsAllowed()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Shop/StaffAuth.cs", Original);

        var (exit, card) = await ProposeAsync(directory, With("""public static string StaffApiKey => Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? string.Empty;"""));

        Assert.Equal(1, exit);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.NotEqual("approved_for_rollout", card.GetProperty("recommendation").GetString());
        var check = card.GetProperty("checks").EnumerateArray().Single(c => c[0].GetString() == CheckNames.FailClosedSecrets);
        Assert.False(check[1].GetBoolean());
        Assert.Contains("STAFF_API_KEY ?? string.Empty", check[2].GetString(), StringComparison.Ordinal);

        var (allowedExit, allowed) = await ProposeAsync(directory, Original.Replace("namespace Shop;", "namespace Shop; // staff tools", StringComparison.Ordinal));
        Assert.Equal(0, allowedExit);
        Assert.Equal("approved_for_rollout", allowed.GetProperty("recommendation").GetString());
        Assert.Contains(allowed.GetProperty("checks").EnumerateArray(), c => c[0].GetString() == CheckNames.FailClosedSecrets && c[1].GetBoolean());
    }

    private static async Task<(int Exit, JsonElement Card)> ProposeAsync(TempDirectory directory, string content)
    {
        var actionPath = Path.Combine(directory.Path, "action-" + Guid.NewGuid().ToString("N")[..6] + ".json");
        File.WriteAllText(actionPath, JsonSerializer.Serialize(new { file = "src/Shop/StaffAuth.cs", content, intent = "read the staff key", actor = "helper" }));
        var stdout = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(
            new[] { "propose", "--action", actionPath, "--repository-root", directory.Path, "--sandbox", "file", "--json" },
            stdout, new StringWriter(), _ => null, TestProjects.Catalog);
        using var document = JsonDocument.Parse(stdout.ToString());
        return (exit, document.RootElement.GetProperty("risk_card").Clone());
    }
}
