using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Cli;
using Aegis.Engine.Analysis;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Sarif;
using Aegis.Engine.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Engine.Tests;

/// <summary>
/// A baseline in the build verb (what the MSBuild target runs): incidents marked new / unchanged in the card, the gate
/// counting only new ones, the SARIF log's baselineState and suppressions, and the bad baselines (missing, from another
/// repository, corrupt). Baselines are written by hand in the snapshot format (aegis.snapshot/v1).
/// </summary>
public sealed class BaselineBuildTests
{
    private const string OrdersFile = "src/Shop/Controllers/OrdersController.cs";
    private const string PaymentsFile = "src/Shop/Controllers/PaymentsController.cs";

    [Fact]
    public async Task OnlyBaselinedIncidents_CardListsThemUnchanged_GateBlockedPasses()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var before = await BuildAsync(directory, inputs, "--fail-on", "blocked");
        Assert.Equal(1, before.Exit);
        var baseline = WriteBaseline(directory, Incidents(before.Card));

        var after = await BuildAsync(directory, inputs, "--fail-on", "blocked", "--baseline", baseline);

        Assert.Equal(0, after.Exit);
        var incident = Assert.Single(after.Card.GetProperty("incidents").EnumerateArray());
        Assert.Equal("unchanged", incident.GetProperty("baseline_state").GetString());
        // The card itself still says what is in the code; the gate judges what is new.
        Assert.Equal("blocked", after.Card.GetProperty("status").GetString());
        var summary = after.Card.GetProperty("baseline");
        Assert.Equal(".aegis/baseline.json", summary.GetProperty("path").GetString());
        Assert.Equal("20261202T071500Z-3f9a1c", summary.GetProperty("id").GetString());
        Assert.Equal(0, summary.GetProperty("new").GetInt32());
        Assert.Equal(1, summary.GetProperty("unchanged").GetInt32());
        Assert.Equal("allow", summary.GetProperty("new_only").GetProperty("status").GetString());
        Assert.Contains(after.Card.GetProperty("action").EnumerateObject(), p => p.Name == "fail_on_new_only" && p.Value.GetBoolean());
        Assert.Contains("1 of them in baseline 20261202T071500Z-3f9a1c", after.Card.GetProperty("checks")[0][2].GetString(), StringComparison.Ordinal);
        Assert.Contains("AEG003 (baselined)", File.ReadAllText(Path.Combine(after.Output, "risk-card.md")), StringComparison.Ordinal);
        Assert.Contains("<span class=\"baselined\">baselined</span>", File.ReadAllText(Path.Combine(after.Output, "risk-card.html")), StringComparison.Ordinal);
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, after.Card));
    }

    [Theory]
    [InlineData("blocked")]
    [InlineData("LOW")]
    public async Task FailOnNewOnlyFalse_CountsTheBaselinedOnesToo(string failOn)
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var baseline = WriteBaseline(directory, Incidents((await BuildAsync(directory, inputs, "--fail-on", "never")).Card));

        var counted = await BuildAsync(directory, inputs, "--fail-on", failOn, "--baseline", baseline, "--fail-on-new-only", "false");

        Assert.Equal(1, counted.Exit);
        Assert.Contains("aegis: error AEGB004: Risk gate failed", counted.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not in baseline", counted.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewIncident_FailsTheGate_CountingOnlyTheNewOne_ListedFirst()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var baseline = WriteBaseline(directory, Incidents((await BuildAsync(directory, inputs, "--fail-on", "never")).Card));
        inputs = TestProjects.WriteProject(directory, "src/Shop/Shop.csproj", new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            ["src/Shop/Controllers/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
            ["src/Shop/Controllers/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
            // Lines added above the baselined finding: still the same incident.
            [OrdersFile] = "// moved down\n\n" + ShopSources.OpenController,
            [PaymentsFile] = ShopSources.OpenController.Replace("OrdersController", "PaymentsController", StringComparison.Ordinal),
        });

        var result = await BuildAsync(directory, inputs, "--fail-on", "blocked", "--baseline", baseline);

        Assert.Equal(1, result.Exit);
        Assert.Contains("Risk gate failed (status blocked counting only the 1 incident(s) not in baseline 20261202T071500Z-3f9a1c)", result.Stderr, StringComparison.Ordinal);
        var incidents = result.Card.GetProperty("incidents").EnumerateArray().Select(i => (File: i.GetProperty("file").GetString()!, State: i.GetProperty("baseline_state").GetString()!)).ToList();
        Assert.Equal(new[] { (PaymentsFile, "new"), (OrdersFile, "unchanged") }, incidents);
        Assert.Equal("blocked", result.Card.GetProperty("baseline").GetProperty("new_only").GetProperty("status").GetString());
    }

    [Fact]
    public async Task RenamedFile_ItsIncidentStaysUnchanged()
    {
        // Drift's matching: the file is gone, the same rule, symbol and evidence are found in a new one.
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var first = await BuildAsync(directory, inputs, "--fail-on", "never");
        var incident = first.Card.GetProperty("incidents")[0];
        var entry = "{\"fingerprint\": \"" + incident.GetProperty("fingerprint").GetString() + "\", \"rule\": \"AEG003\", \"severity\": \"MEDIUM\", \"file\": \"" + OrdersFile
            + "\", \"line\": 7, \"symbol\": \"" + incident.GetProperty("symbol").GetString() + "\", \"evidence\": " + JsonSerializer.Serialize(incident.GetProperty("evidence").GetString()) + "}";
        var baseline = directory.Write(".aegis/baseline.json", BaselineText(new[] { entry }, "{\"" + OrdersFile + "\": \"00\", \"src/Shop/Controllers/AccountsController.cs\": \"00\"}"));
        File.Delete(Path.Combine(directory.Path, OrdersFile));
        inputs = TestProjects.WriteProject(directory, "src/Shop/Shop.csproj", new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            ["src/Shop/Controllers/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
            ["src/Shop/Controllers/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
            ["src/Shop/Api/OrdersController.cs"] = ShopSources.OpenController,
        });

        var result = await BuildAsync(directory, inputs, "--fail-on", "blocked", "--baseline", baseline);

        Assert.Equal(0, result.Exit);
        var moved = Assert.Single(result.Card.GetProperty("incidents").EnumerateArray());
        Assert.Equal("src/Shop/Api/OrdersController.cs", moved.GetProperty("file").GetString());
        Assert.Equal("unchanged", moved.GetProperty("baseline_state").GetString());
    }

    [Fact]
    public async Task WithoutBaseline_TheCardKeepsItsShape()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);

        var result = await BuildAsync(directory, inputs, "--fail-on", "never");

        Assert.False(result.Card.TryGetProperty("baseline", out _));
        Assert.False(Assert.Single(result.Card.GetProperty("incidents").EnumerateArray()).TryGetProperty("baseline_state", out _));
        Assert.DoesNotContain(result.Card.GetProperty("action").EnumerateObject(), p => p.Name == "fail_on_new_only");
    }

    [Fact]
    public async Task BaselineAsAdditionalFile_TheEngineStillListsTheIncident()
    {
        // The compiler's inputs carry the baseline (the package passes it to the suppressor); the engine must not lose
        // the incident to the suppressor: it lists it as unchanged.
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var baseline = WriteBaseline(directory, Incidents((await BuildAsync(directory, inputs, "--fail-on", "never")).Card));
        inputs.AdditionalFiles.Add(baseline);
        File.WriteAllText(TestProjects.InputsPath(inputs), inputs.Write());

        var result = await BuildAsync(directory, inputs, "--fail-on", "never", "--baseline", baseline);

        Assert.Equal("unchanged", Assert.Single(result.Card.GetProperty("incidents").EnumerateArray()).GetProperty("baseline_state").GetString());
        Assert.DoesNotContain(AnalyzerCatalog.Default.Analyzers, a => a is DiagnosticSuppressor);
    }

    [Fact]
    public async Task DifferentSecretInTheSameField_IsNew()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteProject(directory, "src/Shop/Shop.csproj", new Dictionary<string, string> { ["src/Shop/Settings.cs"] = Settings("Sup3rS3cretValue!") });
        var first = await BuildAsync(directory, inputs, "--fail-on", "never");
        var held = Incidents(first.Card, secretHash: "517ccc1f97f0df14");
        var baseline = WriteBaseline(directory, held, "src/Shop/Settings.cs");
        Assert.Equal("unchanged", Assert.Single((await BuildAsync(directory, inputs, "--fail-on", "never", "--baseline", baseline)).Card.GetProperty("incidents").EnumerateArray()).GetProperty("baseline_state").GetString());

        // Same length and prefix: the masked evidence, and so the fingerprint, are the same.
        File.WriteAllText(Path.Combine(directory.Path, "src/Shop/Settings.cs"), Settings("Sup3rOtherValue!!"));
        var changed = await BuildAsync(directory, inputs, "--fail-on", "never", "--baseline", baseline);

        var incident = Assert.Single(changed.Card.GetProperty("incidents").EnumerateArray());
        Assert.Equal(first.Card.GetProperty("incidents")[0].GetProperty("fingerprint").GetString(), incident.GetProperty("fingerprint").GetString());
        Assert.Equal("new", incident.GetProperty("baseline_state").GetString());
        Assert.DoesNotContain("Sup3rOtherValue", File.ReadAllText(Path.Combine(changed.Output, "risk-card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_DefaultNoneMissingForeignCorrupt()
    {
        using var directory = new TempDirectory();
        directory.Write(OrdersFile, ShopSources.OpenController);
        var warnings = new List<(string Code, string Message)>();
        void Warn(string code, string message) => warnings.Add((code, message));

        Assert.Null(BuildBaseline.Resolve(directory.Path, null, defaultWhenAbsent: true, Warn));
        Assert.Empty(warnings);

        var path = WriteBaseline(directory, new[] { Entry("AEG003", OrdersFile) });
        Assert.Equal(path, BuildBaseline.Resolve(directory.Path, null, defaultWhenAbsent: true, Warn)!.Path);
        Assert.Null(BuildBaseline.Resolve(directory.Path, null, defaultWhenAbsent: false, Warn));
        Assert.Null(BuildBaseline.Resolve(directory.Path, "none", defaultWhenAbsent: true, Warn));
        Assert.Null(BuildBaseline.Resolve(directory.Path, "NONE", defaultWhenAbsent: false, Warn));
        Assert.Empty(warnings);

        var missing = Path.Combine(directory.Path, "nowhere.json");
        Assert.Null(BuildBaseline.Resolve(directory.Path, missing, defaultWhenAbsent: true, Warn));
        Assert.Equal(ErrorCodes.BaselineNotFound, Assert.Single(warnings).Code);
        Assert.Contains(missing, warnings[0].Message, StringComparison.Ordinal);

        warnings.Clear();
        var foreign = directory.Write("other/baseline.json", BaselineText(new[] { Entry("AEG003", "src/Elsewhere/Thing.cs") }, files: "{\"src/Elsewhere/Thing.cs\": \"00\"}"));
        Assert.Null(BuildBaseline.Resolve(directory.Path, foreign, defaultWhenAbsent: true, Warn));
        Assert.Equal("AEGB066", Assert.Single(warnings).Code);
        Assert.Contains("another repository", warnings[0].Message, StringComparison.Ordinal);

        var corruptText = "{ \"schema\": \"aegis.snapshot/v1\", \"incidents\": [ { \"rule\"";
        File.WriteAllText(path, corruptText);
        var error = Assert.Throws<AegisException>(() => BuildBaseline.Resolve(directory.Path, null, defaultWhenAbsent: true, Warn));
        Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(corruptText, File.ReadAllText(path));
    }

    [Fact]
    public async Task CorruptBaseline_BuildVerb_AEGB005_Exit2()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var baseline = directory.Write(".aegis/baseline.json", "not json");

        var result = await BuildAsync(directory, inputs, "--fail-on", "never", "--baseline", baseline);

        Assert.Equal(2, result.Exit);
        Assert.Contains("aegis: error AEGB005: corrupt state file " + baseline, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("not json", File.ReadAllText(baseline));
    }

    [Fact]
    public async Task ForeignBaseline_BuildVerb_WarnsAEGB066_AndJudgesEverythingNew()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var foreign = directory.Write("elsewhere.json", BaselineText(new[] { Entry("AEG003", "src/Other/Thing.cs") }, files: "{\"src/Other/Thing.cs\": \"00\"}"));

        var result = await BuildAsync(directory, inputs, "--fail-on", "blocked", "--baseline", foreign);

        Assert.Equal(1, result.Exit);
        Assert.Contains("aegis: warning AEGB066: baseline " + foreign, result.Stderr, StringComparison.Ordinal);
        Assert.False(result.Card.TryGetProperty("baseline", out _));
    }

    [Theory]
    [InlineData("2.1.0")]
    [InlineData("1.0.0")]
    public async Task ErrorLog_GetsBaselineStates_AndKeepsEverySuppressedResult(string version)
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var first = await BuildAsync(directory, inputs, "--fail-on", "never");
        var baseline = WriteBaseline(directory, Incidents(first.Card));
        var ordersPath = Path.Combine(directory.Path, OrdersFile);
        var line = first.Card.GetProperty("incidents")[0].GetProperty("line").GetInt32();
        // As the compiler writes it: the baselined finding once suppressed by the suppressor, once not (a build
        // without it), and another tool's result at the same place, which stays as it is.
        var log = directory.Write("errors.sarif", SarifLog(version, ordersPath, line));

        var result = await BuildAsync(directory, inputs, "--fail-on", "never", "--baseline", baseline, "--error-log", log);

        Assert.Equal(0, result.Exit);
        var results = JsonNode.Parse(File.ReadAllText(log))!["runs"]![0]!["results"]!.AsArray();
        Assert.Equal(3, results.Count);
        var v1 = version.StartsWith('1');
        Assert.Equal(v1 ? "existing" : "unchanged", (string?)results[0]!["baselineState"]);
        Assert.Equal(v1 ? "existing" : "unchanged", (string?)results[1]!["baselineState"]);
        Assert.Null(results[2]!["baselineState"]);
        if (v1)
        {
            Assert.Equal("suppressedInSource", (string?)results[0]!["suppressionStates"]![0]);
            Assert.Equal("suppressedExternally", (string?)results[1]!["suppressionStates"]![0]);
        }
        else
        {
            Assert.Equal("inSource", (string?)results[0]!["suppressions"]![0]!["kind"]);
            Assert.Single(results[0]!["suppressions"]!.AsArray());
            Assert.Equal("external", (string?)results[1]!["suppressions"]![0]!["kind"]);
            Assert.Equal("in baseline 20261202T071500Z-3f9a1c", (string?)results[1]!["suppressions"]![0]!["justification"]);
        }

        Assert.Null(results[2]!["suppressions"]);
        Assert.Null(results[2]!["suppressionStates"]);
    }

    [Fact]
    public void ErrorLog_NewResult_GetsStateNew_AndNoSuppression()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, OrdersFile);
        var log = directory.Write("errors.sarif", SarifLog("2.1.0", path, 7));
        var card = new RiskCard
        {
            Baseline = new CardBaseline { Id = "b1", New = 1 },
            Incidents = { new Incident { Rule = "AEG003", File = OrdersFile, Line = 7, BaselineState = BaselineStates.New } },
        };

        Assert.Equal(2, ErrorLogBaselineStates.AddTo(log, card, directory.Path));

        var results = JsonNode.Parse(File.ReadAllText(log))!["runs"]![0]!["results"]!.AsArray();
        Assert.Equal("new", (string?)results[1]!["baselineState"]);
        Assert.Null(results[1]!["suppressions"]);
    }

    // ---- helpers ----

    private sealed record BuildResult(int Exit, JsonElement Card, string Output, string Stdout, string Stderr);

    private static async Task<BuildResult> BuildAsync(TempDirectory directory, Aegis.Engine.Compilation.CompileInputs inputs, params string[] extra)
    {
        var output = Path.Combine(directory.Path, "out-" + Guid.NewGuid().ToString("N")[..8]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var args = new[] { "build", "--inputs", TestProjects.InputsPath(inputs), "--output", output, "--repository-root", directory.Path, "--sandbox", "file" }.Concat(extra).ToArray();
        var exit = await AegisCommandLine.RunAsync(args, stdout, stderr, _ => null, TestProjects.Catalog);
        var cardPath = Path.Combine(output, "risk-card.json");
        var card = File.Exists(cardPath) ? JsonDocument.Parse(File.ReadAllText(cardPath)).RootElement.Clone() : default;
        return new BuildResult(exit, card, output, stdout.ToString(), stderr.ToString());
    }

    private static string Settings(string secret) => "namespace Shop;\n\npublic class Settings\n{\n    public string Password = \"" + secret + "\";\n}\n";

    /// <summary>The card's incidents as baseline entries (the secret hash given, since the card never prints it).</summary>
    private static IEnumerable<string> Incidents(JsonElement card, string? secretHash = null)
        => card.GetProperty("incidents").EnumerateArray().Select(i => Entry(i.GetProperty("rule").GetString()!, i.GetProperty("file").GetString()!, i.GetProperty("fingerprint").GetString(), secretHash)).ToList();

    private static string Entry(string rule, string file, string? fingerprint = null, string? secretHash = null)
        => "{\"fingerprint\": \"" + (fingerprint ?? new string('0', 64)) + "\", \"rule\": \"" + rule + "\", \"family\": \"AUTH\", \"severity\": \"MEDIUM\", \"confidence\": 0.9, \"file\": \"" + file
            + "\", \"line\": 7, \"symbol\": \"Shop.OrdersController\", \"evidence\": \"x\"" + (secretHash is null ? "" : ", \"secret_hash\": \"" + secretHash + "\"") + ", \"remediation_strategy\": \"add-authorize\"}";

    private static string BaselineText(IEnumerable<string> incidents, string files = "{}")
        => "{\"schema\": \"aegis.snapshot/v1\", \"id\": \"20261202T071500Z-3f9a1c\", \"name\": null, \"created_at\": \"2026-12-02T07:15:00Z\", \"tool_version\": \"1.0.0\", "
            + "\"repository\": {\"name\": \"repo\", \"git_head\": null}, \"lines_of_code\": 40, \"health_score\": 0.9, \"profile\": {}, \"files\": " + files + ", \"incidents\": [" + string.Join(", ", incidents) + "], \"accepted\": []}\n";

    private static string WriteBaseline(TempDirectory directory, IEnumerable<string> incidents, string hashedFile = OrdersFile)
    {
        var path = Path.Combine(directory.Path, ".aegis", "baseline.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, BaselineText(incidents, "{\"" + hashedFile + "\": \"00\"}"));
        return path;
    }

    private static string SarifLog(string version, string file, int line)
    {
        var uri = new Uri(file).AbsoluteUri;
        string Result(string rule, string suppression) => version.StartsWith('1')
            ? "{\"ruleId\": \"" + rule + "\", \"level\": \"warning\", \"message\": \"m\"" + (suppression.Length > 0 ? ", \"suppressionStates\": [\"suppressedInSource\"]" : "") + ", \"locations\": [{\"resultFile\": {\"uri\": \"" + uri + "\", \"region\": {\"startLine\": " + line + ", \"startColumn\": 1}}}]}"
            : "{\"ruleId\": \"" + rule + "\", \"level\": \"warning\", \"message\": {\"text\": \"m\"}" + (suppression.Length > 0 ? ", \"suppressions\": [{\"kind\": \"inSource\", \"properties\": {\"suppressionType\": \"DiagnosticSuppressor { Suppression Id: AEGS003 }\"}}]" : "") + ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"" + uri + "\"}, \"region\": {\"startLine\": " + line + ", \"startColumn\": 1}}}]}";
        var runs = version.StartsWith('1')
            ? "[{\"tool\": {\"name\": \"Microsoft (R) Visual C# Compiler\"}, \"results\": [" + Result("AEG003", "s") + ", " + Result("AEG003", "") + ", " + Result("CA2100", "") + "], \"rules\": {}}]"
            : "[{\"results\": [" + Result("AEG003", "s") + ", " + Result("AEG003", "") + ", " + Result("CA2100", "") + "], \"tool\": {\"driver\": {\"name\": \"Microsoft (R) Visual C# Compiler\", \"rules\": []}}}]";
        return "{\"$schema\": \"http://json.schemastore.org/sarif-" + version + "\", \"version\": \"" + version + "\", \"runs\": " + runs + "}\n";
    }
}
