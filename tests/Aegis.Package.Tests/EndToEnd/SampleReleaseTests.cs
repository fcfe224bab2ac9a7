using System.Text.Json;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 12's release flow on the sample shop, through the engine exactly as the package ships it
/// (<c>tools/engine/Aegis.Cli.dll</c>): build → Risk Card → <c>aegis release create</c> → approve → advance ×4 → full,
/// with both flag files at each stage's weight and the promotion gate; then a rollback.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleReleaseTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    [Fact(Timeout = 10 * 60_000)]
    public async Task PackedCli_ReleaseFromTheSampleCard_CanaryToFull_FlagFilesAtEachWeight_ThenRollback()
    {
        await Task.Yield();
        var engine = Path.Combine(environment.ExtractEngine("packed-engine-release"), "Aegis.Cli.dll");
        var sample = SampleRepository.Create(environment, "sample-release");
        var build = sample.Build();
        Assert.True(build.ExitCode == 0, "The sample did not build: " + build);
        var secrets = sample.PlantedSecrets();

        DotNet.RunResult Release(params string[] arguments)
        {
            var result = environment.Run(sample.Root, new Dictionary<string, string?> { ["AEGIS_ACTOR"] = "release-bot" }, [engine, "release", .. arguments, "--repository-root", sample.Root]);
            output.WriteLine($"aegis release {string.Join(' ', arguments)}: {result}");
            return result;
        }

        // The sample's card needs a person's review (two findings have no fix): no release without --force.
        var refused = Release("create", "--card", sample.CardJson, "--name", "sample-checkout", "--json");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("aegis: error AEGB023: ", refused.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(sample.PathOf(".aegis/releases")) && Directory.EnumerateFileSystemEntries(sample.PathOf(".aegis/releases")).Any());

        var created = Release("create", "--card", sample.CardJson, "--name", "sample-checkout", "--force", "--reason", "review done by hand", "--actor", "alice");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("created with --force from a card that recommends needs_human_review", created.Output, StringComparison.Ordinal);
        const string id = "rel-0001";
        var folder = sample.PathOf(".aegis/releases/" + id);
        Assert.Equal(4, Gate(Release("gate", id)).ExitCode);

        Assert.Equal(0, Release("approve", id, "--actor", "bob", "--reason", "read the card").ExitCode);
        Assert.Equal(0, Gate(Release("gate", id)).ExitCode);
        foreach (var (stage, weight) in new[] { ("canary", 5), ("staged", 25), ("broad", 50), ("full", 100) })
        {
            var advanced = Release("advance", id, "--json");
            Assert.True(advanced.ExitCode == 0, advanced.ToString());
            Assert.Contains($"\"state\": \"{stage}\"", advanced.Output, StringComparison.Ordinal);
            Assert.Equal(weight, FeatureManagementPercentage(folder));
            Assert.Equal(weight, FlagdPercentage(folder));
        }

        var fullGate = Release("gate", id);
        Assert.Equal(0, fullGate.ExitCode);
        Assert.Contains("\"phase\": \"Successful\"", fullGate.Output, StringComparison.Ordinal);
        var pastFull = Release("advance", id);
        Assert.Equal(2, pastFull.ExitCode);
        Assert.Contains("aegis: error AEGB020: release rel-0001 is full: cannot advance it", pastFull.Output, StringComparison.Ordinal);

        var rolledBack = Release("rollback", id, "--actor", "carol", "--reason", "5xx on /api/orders");
        Assert.Equal(0, rolledBack.ExitCode);
        Assert.Null(FeatureManagementPercentage(folder));
        Assert.Equal(0, FlagdPercentage(folder));
        var failedGate = Release("gate", id);
        Assert.Equal(1, failedGate.ExitCode);
        Assert.Contains("\"phase\": \"Failed\"", failedGate.Output, StringComparison.Ordinal);

        // Every transition is its own record; show lists them with who and why.
        Assert.Equal(7, Directory.GetFiles(Path.Combine(folder, "transitions"), "*.json").Length);
        var shown = Release("show", id);
        Assert.Contains("carol: rollback full → rolled_back (0 %): 5xx on /api/orders", shown.Output, StringComparison.Ordinal);
        Assert.Contains("alice: create - → candidate (0 %): review done by hand", shown.Output, StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    private static DotNet.RunResult Gate(DotNet.RunResult result)
    {
        using var answer = JsonDocument.Parse(result.Output[result.Output.IndexOf('{')..(result.Output.LastIndexOf('}') + 1)]);
        var expected = result.ExitCode switch { 0 => "Successful", 1 => "Failed", _ => "Inconclusive" };
        Assert.Equal(expected, answer.RootElement.GetProperty("phase").GetString());
        return result;
    }

    /// <summary>The Microsoft.Percentage value of the exported feature_management flag, or null when it is disabled.</summary>
    private static int? FeatureManagementPercentage(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "feature-management.json")));
        var flag = document.RootElement.GetProperty("feature_management").GetProperty("feature_flags").EnumerateArray().Single();
        Assert.Equal("sample-checkout", flag.GetProperty("id").GetString());
        if (!flag.GetProperty("enabled").GetBoolean())
        {
            return null;
        }

        var filter = flag.GetProperty("conditions").GetProperty("client_filters").EnumerateArray().Single();
        Assert.Equal("Microsoft.Percentage", filter.GetProperty("name").GetString());
        return filter.GetProperty("parameters").GetProperty("Value").GetInt32();
    }

    /// <summary>The share of targeting keys the flagd definition sends to "on".</summary>
    private static int FlagdPercentage(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "flagd.json")));
        Assert.Equal("https://flagd.dev/schema/v0/flags.json", document.RootElement.GetProperty("$schema").GetString());
        var flag = document.RootElement.GetProperty("flags").GetProperty("sample-checkout");
        Assert.Equal("ENABLED", flag.GetProperty("state").GetString());
        if (!flag.TryGetProperty("targeting", out var targeting))
        {
            return flag.GetProperty("defaultVariant").GetString() == "on" ? 100 : 0;
        }

        var buckets = targeting.GetProperty("fractional").EnumerateArray().ToDictionary(b => b[0].GetString()!, b => b[1].GetInt32());
        Assert.Equal(100, buckets.Values.Sum());
        return buckets["on"];
    }
}
