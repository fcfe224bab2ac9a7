using System.Text.Json;
using Aegis.Containment.Tests.Infrastructure;
using Aegis.Engine.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace Aegis.Containment.Tests;

/// <summary>The generated kill switches, read by Microsoft.FeatureManagement 4.7.0 as an app would: off while the plan
/// holds, on once the undo step is done, and off when the app finds no flag at all.</summary>
public sealed class KillSwitchFlagTests
{
    private const string Flag = "aegis-endpoint-delete-api-orders-id-int";

    private static async Task<bool> IsEnabledAsync(string file, string flag)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement();
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<IFeatureManager>().IsEnabledAsync(flag);
    }

    [Fact]
    public async Task TheFeatureManagementFlag_IsOff_UntilTheUndoStepTurnsItOn_AndAMissingFlagIsOff()
    {
        using var directory = new TempDirectory();
        var card = directory.Write("risk-card.json", TestCards.Json(new[] { new TestIncident("AEG003", "DELETE /api/orders/{id:int}") }));
        var output = Path.Combine(directory.Path, "plan");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--output", output, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        var file = Path.Combine(output, "flags", "feature-management.json");

        Assert.False(await IsEnabledAsync(file, Flag));

        var undone = directory.Write("undone.json", File.ReadAllText(file).Replace("\"enabled\": false", "\"enabled\": true", StringComparison.Ordinal));
        Assert.True(await IsEnabledAsync(undone, Flag));

        var empty = directory.Write("empty.json", "{}");
        Assert.False(await IsEnabledAsync(empty, Flag));
    }

    [Fact]
    public async Task TheFlagdFlag_DefaultsToTheOffVariant()
    {
        using var directory = new TempDirectory();
        var card = directory.Write("risk-card.json", TestCards.Json(new[] { new TestIncident("AEG003", "DELETE /api/orders/{id:int}") }));
        var output = Path.Combine(directory.Path, "plan");
        var (exit, _, stderr) = await AegisCli.RunAsync("contain", "--card", card, "--output", output, "--repository-root", directory.Path);
        Assert.True(exit == 0, stderr);
        using var flagd = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "flags", "flagd.json")));
        Assert.Equal("https://flagd.dev/schema/v0/flags.json", flagd.RootElement.GetProperty("$schema").GetString());
        var flag = flagd.RootElement.GetProperty("flags").GetProperty(Flag);
        Assert.Equal("ENABLED", flag.GetProperty("state").GetString());
        var variant = flag.GetProperty("defaultVariant").GetString()!;
        Assert.False(flag.GetProperty("variants").GetProperty(variant).GetBoolean());
    }
}
