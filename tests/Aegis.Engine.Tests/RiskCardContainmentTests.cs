using System.Text.Json;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Containment;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>What the card carries for <c>aegis contain</c>: the endpoint's kind (a controller's route is a prefix), each
/// patch's incidents, and a link to the plan written for the same incidents.</summary>
public sealed class RiskCardContainmentTests
{
    private static async Task<(RiskCard Card, TempDirectory Directory)> ControllerCardAsync()
    {
        var directory = new TempDirectory();
        var engine = new AegisEngine(new EngineOptions { RepositoryRoot = directory.Path, Sandbox = "file", Catalog = AnalyzerCatalog.Default });
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), CancellationToken.None);
        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "build") }, CancellationToken.None);
        return (card, directory);
    }

    [Fact]
    public async Task AnAEG003ControllerIncident_CarriesEndpointKind_AndItsPatchNamesIt()
    {
        var (card, directory) = await ControllerCardAsync();
        using var _ = directory;
        using var json = JsonDocument.Parse(RiskCardJson.Write(card, card.Masker));
        var incident = json.RootElement.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("rule").GetString() == "AEG003");
        Assert.Equal("/api/Orders", incident.GetProperty("endpoint").GetString());
        Assert.Equal("controller", incident.GetProperty("endpoint_kind").GetString());
        var patch = json.RootElement.GetProperty("patches").EnumerateArray().Single();
        Assert.Equal(new[] { incident.GetProperty("fingerprint").GetString() }, patch.GetProperty("fixes").EnumerateArray().Select(f => f.GetString()).ToArray());

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, json.RootElement));
    }

    [Fact]
    public async Task TheViews_LinkAPlanForTheSameIncidents_OnlyWhenOneExists()
    {
        var (card, directory) = await ControllerCardAsync();
        using var _ = directory;
        var output = Path.Combine(directory.Path, "out");
        var without = RiskCardOutput.Write(card, card.Masker, output, directory.Path, _ => null);
        Assert.DoesNotContain("Containment plan", without.MarkdownText, StringComparison.Ordinal);
        Assert.DoesNotContain("Containment plan", File.ReadAllText(without.Html), StringComparison.Ordinal);

        var id = ContainmentPlans.IdFor(card.Incidents.Select(i => i.Fingerprint), null);
        directory.Write(".aegis/containment/" + id + "/plan.json", "{}");
        Directory.Delete(Path.Combine(directory.Path, ".aegis", "history"), recursive: true); // The same card again: a fresh history.
        var with = RiskCardOutput.Write(card, card.Masker, output, directory.Path, _ => null);
        var link = "../.aegis/containment/" + id + "/plan.json";
        Assert.Contains("Containment plan: [" + link + "](" + link + ")", with.MarkdownText, StringComparison.Ordinal);
        Assert.Contains("<a href=\"" + link + "\">", File.ReadAllText(with.Html), StringComparison.Ordinal);
    }
}
