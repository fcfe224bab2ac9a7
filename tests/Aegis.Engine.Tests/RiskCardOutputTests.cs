using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Compilation;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

public sealed class RiskCardOutputTests
{
    private static async Task<(RiskCard Card, TempDirectory Directory)> ControllerCardAsync()
    {
        var directory = new TempDirectory();
        var engine = new AegisEngine(TestProjects.Options(directory.Path));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), CancellationToken.None);
        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "build"), new("project", "src/Shop/Shop.csproj"), new("sources", 4) }, CancellationToken.None);
        return (card, directory);
    }

    private static string Normalize(string text)
    {
        text = Regex.Replace(text, "req_[0-9a-f]{32}", "req_X");
        text = Regex.Replace(text, "\"duration_ms\": \\d+", "\"duration_ms\": 0");
        return Regex.Replace(text, "\\d+ ms", "0 ms");
    }

    [Fact]
    public async Task Json_HasEveryDesignField_WithTheirShapes_AndMatchesTheSchema()
    {
        var (card, directory) = await ControllerCardAsync();
        using var cleanup = directory;
        var json = RiskCardJson.Write(card, card.Masker);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(JsonValueKind.String, root.GetProperty("status").ValueKind);
        var check = root.GetProperty("checks")[0];
        Assert.Equal(3, check.GetArrayLength());
        Assert.Equal(JsonValueKind.String, check[0].ValueKind);
        Assert.True(check[1].ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(root.GetProperty("risk_score").TryGetInt32(out _));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("ts").ValueKind);
        Assert.Equal(1700000000.0, root.GetProperty("ts").GetDouble());
        Assert.StartsWith("req_", root.GetProperty("request_id").GetString(), StringComparison.Ordinal);
        Assert.Equal("build", root.GetProperty("action").GetProperty("kind").GetString());
        foreach (var name in new[] { "lines_added", "lines_removed", "risky_patterns", "sensitive_data", "summary" })
        {
            Assert.True(root.GetProperty("diff_analysis").TryGetProperty(name, out _), name);
        }

        Assert.Equal("aegis.riskcard/v1", root.GetProperty("schema").GetString());
        Assert.Single(root.GetProperty("patches").EnumerateArray());
        Assert.Equal("file", root.GetProperty("sandbox").GetProperty("mode").GetString());

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, root));
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        Assert.Equal(json, new System.Text.UTF8Encoding(false).GetString(new System.Text.UTF8Encoding(false).GetBytes(json)));
    }

    [Fact]
    public async Task Schema_RejectsAWrongShape()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        using var bad = JsonDocument.Parse("""{"schema":"aegis.riskcard/v1","status":"maybe","checks":[["x",true]],"risk_score":1.5}""");
        var errors = MiniSchema.Validate(schema.RootElement, bad.RootElement);
        Assert.Contains(errors, e => e.Contains("status", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("too few items", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("missing explanation", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Outputs_AreDeterministic_ExceptTsAndRequestId()
    {
        var (first, d1) = await ControllerCardAsync();
        var (second, d2) = await ControllerCardAsync();
        using var _1 = d1;
        using var _2 = d2;
        Assert.NotEqual(first.RequestId, second.RequestId);

        // Same repository layout in two temp roots: paths inside the card are repository-relative.
        var a = RiskCardJson.Write(first, first.Masker);
        var b = RiskCardJson.Write(second, second.Masker);
        Assert.Equal(Normalize(a), Normalize(b));
        Assert.Equal(Normalize(RiskCardMarkdown.Render(a)), Normalize(RiskCardMarkdown.Render(b)));
        Assert.Equal(Normalize(RiskCardHtml.Render(a)), Normalize(RiskCardHtml.Render(b)));
    }

    [Fact]
    public async Task Markdown_And_Html_HaveTheirSections()
    {
        var (card, directory) = await ControllerCardAsync();
        using var cleanup = directory;
        var files = RiskCardOutput.Write(card, card.Masker, Path.Combine(directory.Path, "out"), directory.Path, _ => null);
        var md = File.ReadAllText(files.Markdown);
        var html = File.ReadAllText(files.Html);

        foreach (var section in new[] { "## ", "### Checks", "### Incidents (1)", "**AUTH**", "### Patches (1)", "```diff", "### Diff analysis", "### Sandbox" })
        {
            Assert.Contains(section, md, StringComparison.Ordinal);
        }

        foreach (var part in new[] { "<!DOCTYPE html>", "<style>", "class=\"banner", "<svg", "<h2>Checks</h2>", "<h3>AUTH</h3>", "class=\"add\"", "<h2>Sandbox</h2>" })
        {
            Assert.Contains(part, html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\r", md + html, StringComparison.Ordinal);
        Assert.NotNull(files.History);
        Assert.Equal(File.ReadAllText(files.Json), File.ReadAllText(files.History!));
    }

    [Fact]
    public void GithubStepSummary_GetsTheMarkdown()
    {
        using var directory = new TempDirectory();
        var summary = Path.Combine(directory.Path, "summary.md");
        var card = new RiskCard { RequestId = "req_1", Explanation = "x" };
        RiskScorer.Score(card);
        RiskCardOutput.Write(card, SecretMasker.None, Path.Combine(directory.Path, "out"), null, name => name == "GITHUB_STEP_SUMMARY" ? summary : null);
        Assert.Contains("Aegis Risk Card", File.ReadAllText(summary), StringComparison.Ordinal);
    }

    [Fact]
    public void Explanation_IsShort_AndNeverThrows()
    {
        var card = new RiskCard { Status = RiskStatus.Blocked };
        card.Checks.AddRange(Enumerable.Range(0, 60).Select(i => new Aegis.Engine.Verification.Check("check_with_a_long_name_" + i, false, "x")));
        RiskScorer.Score(card);
        var text = AegisEngine.Explain(card, SecretMasker.None);
        Assert.InRange(text.Length, 1, 280);
        Assert.Equal("Blocked.", AegisEngine.Explain(new RiskCard { Status = RiskStatus.Blocked, Checks = null! }, SecretMasker.None));
    }
}
