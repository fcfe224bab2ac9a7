using System.Text;
using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Patching;
using Aegis.Engine.Policy;
using Aegis.Engine.Repair;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// <c>aegis fix</c>: verified patches written to the working tree only where the boosted confidence passes the policy
/// and the file still hashes to the patch's <c>original_sha256</c>; <c>--dry-run</c> and <c>--rule</c>; the
/// repairs recorded in the knowledge base.
/// </summary>
public sealed class FixCommandTests
{
    private const string Orders = "src/Shop/Controllers/OrdersController.cs";
    private const string Products = "src/Shop/Controllers/ProductsController.cs";

    private static readonly string InterpolatedProducts = ShopSources.DapperProductsController.Replace(
        "connection.Query<string>(\"SELECT Name FROM Products WHERE Name = @name\", new { name })",
        "connection.Query<string>($\"SELECT Name FROM Products WHERE Name = '{name}'\")",
        StringComparison.Ordinal);

    /// <summary>Three authorized controllers, an open one (AEG003) and a Dapper query built by interpolation (AEG001).</summary>
    private static TempDirectory ShopRepository(string? ordersController = null)
    {
        var directory = new TempDirectory();
        var packages = PackageStubs.Write(directory, ("Dapper", PackageStubs.Dapper));
        var files = new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            ["src/Shop/Controllers/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
            ["src/Shop/Controllers/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
            [Orders] = ordersController ?? ShopSources.OpenController,
            [Products] = InterpolatedProducts,
        };
        TestProjects.WriteBuiltProject(directory, "src/Shop/Shop.csproj", files, packages);
        return directory;
    }

    private static async Task<(int Exit, JsonElement Output, string Stdout, string Stderr)> FixAsync(TempDirectory directory, params string[] extra)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(
            new[] { "fix", directory.Path, "--repository-root", directory.Path, "--sandbox", "file", "--json" }.Concat(extra).ToArray(),
            stdout, stderr, _ => null, TestProjects.Catalog);
        using var document = JsonDocument.Parse(stdout.ToString());
        return (exit, document.RootElement.Clone(), stdout.ToString(), stderr.ToString());
    }

    private static string Read(TempDirectory directory, string relative) => File.ReadAllText(Path.Combine(directory.Path, relative));

    private static JsonElement FileEntry(JsonElement output, string file) => output.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);

    [Fact]
    public async Task Fix_WritesTheVerifiedPatches_SaysWhat_AndRecordsTheRepairs()
    {
        using var directory = ShopRepository();

        var (exit, output, _, stderr) = await FixAsync(directory);

        Assert.True(exit == 0, stderr);
        Assert.Equal(2, output.GetProperty("written").GetInt32());
        Assert.Equal(FileRepairOutcomes.Written, FileEntry(output, Orders).GetProperty("outcome").GetString());
        Assert.Equal(FileRepairOutcomes.Written, FileEntry(output, Products).GetProperty("outcome").GetString());
        Assert.Contains("[Authorize]", Read(directory, Orders), StringComparison.Ordinal);
        Assert.DoesNotContain("'{name}'", Read(directory, Products), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(directory.Path, "*.tmp", SearchOption.AllDirectories));

        var knowledge = KnowledgeBase.Read(directory.Path);
        Assert.Equal(2, knowledge.Patterns.Sum(p => p.Verified));
        Assert.Equal(2, knowledge.Applied.Count);

        // The working tree now has no incident with a patch left: a second run writes nothing.
        var (again, second, _, _) = await FixAsync(directory);
        Assert.Equal(0, again);
        Assert.Equal(0, second.GetProperty("written").GetInt32());
    }

    [Fact]
    public async Task Fix_DryRun_WritesNothing_ButSaysWhatItWould()
    {
        using var directory = ShopRepository();
        var before = Directory.GetFiles(directory.Path, "*.cs", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var (exit, output, _, _) = await FixAsync(directory, "--dry-run");

        Assert.Equal(0, exit);
        Assert.True(output.GetProperty("dry_run").GetBoolean());
        Assert.All(output.GetProperty("files").EnumerateArray(), f => Assert.Equal(FileRepairOutcomes.WouldWrite, f.GetProperty("outcome").GetString()));
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
        Assert.Empty(KnowledgeBase.Read(directory.Path).Applied);
    }

    [Fact]
    public async Task Fix_Rule_OnlyThatRulesIncidents()
    {
        using var directory = ShopRepository();

        var (exit, output, _, _) = await FixAsync(directory, "--rule", "AEG003");

        Assert.Equal(0, exit);
        Assert.Equal(Orders, Assert.Single(output.GetProperty("files").EnumerateArray()).GetProperty("file").GetString());
        Assert.Equal(InterpolatedProducts, Read(directory, Products));
        Assert.Contains("[Authorize]", Read(directory, Orders), StringComparison.Ordinal);
        using var card = JsonDocument.Parse(File.ReadAllText(output.GetProperty("card").GetString()!));
        Assert.All(card.RootElement.GetProperty("incidents").EnumerateArray(), i => Assert.Equal("AEG003", i.GetProperty("rule").GetString()));
    }

    [Fact]
    public async Task Fix_UnknownRule_AEGB010_WritesNothing()
    {
        using var directory = ShopRepository();

        var (exit, output, _, stderr) = await FixAsync(directory, "--rule", "AEG009");

        Assert.Equal(2, exit);
        Assert.Equal("AEGB010", output.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("AEG009", stderr, StringComparison.Ordinal);
        Assert.Equal(ShopSources.OpenController, Read(directory, Orders));
    }

    [Fact]
    public async Task Fix_BelowTheAutoRepairThreshold_Skipped_Exit1()
    {
        using var directory = ShopRepository();
        directory.Write(".aegis/policy.json", "{\"knowledge\": {\"auto_repair_threshold\": 1.0}}");

        var (exit, output, _, _) = await FixAsync(directory);

        Assert.Equal(1, exit);
        Assert.All(output.GetProperty("files").EnumerateArray(), f => Assert.Equal(FileRepairOutcomes.SkippedConfidence, f.GetProperty("outcome").GetString()));
        Assert.Contains("auto_repair_threshold 1.00", FileEntry(output, Orders).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(ShopSources.OpenController, Read(directory, Orders));
        Assert.Equal(InterpolatedProducts, Read(directory, Products));
    }

    [Fact]
    public async Task Fix_TheBoostLiftsAnIncidentOverTheThreshold()
    {
        using var directory = ShopRepository();
        var (_, probe, _, _) = await FixAsync(directory, "--dry-run", "--rule", "AEG003");
        var raw = Assert.Single(FileEntry(probe, Orders).GetProperty("incidents").EnumerateArray()).GetProperty("confidence").GetDouble();
        directory.Write(".aegis/policy.json", "{\"knowledge\": {\"auto_repair_threshold\": " + (raw + 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");

        var (below, _, _, _) = await FixAsync(directory, "--rule", "AEG003");
        Assert.Equal(1, below);
        Assert.Equal(ShopSources.OpenController, Read(directory, Orders));

        // Twenty verified repairs of the same rule and strategy: boost +0.14, boosted confidence over the threshold.
        var strategy = JsonDocument.Parse(File.ReadAllText(probe.GetProperty("card").GetString()!)).RootElement.GetProperty("incidents")[0].GetProperty("remediation_strategy").GetString()!;
        KnowledgeBase.Record(directory.Path, Enumerable.Range(0, 20).Select(i => new RepairOutcome("AEG003", strategy, "x" + i, ValidationStatuses.Verified)).ToList(), DateTimeOffset.UtcNow);
        var (exit, output, _, _) = await FixAsync(directory, "--rule", "AEG003");

        Assert.Equal(0, exit);
        var incident = Assert.Single(FileEntry(output, Orders).GetProperty("incidents").EnumerateArray());
        Assert.True(incident.GetProperty("boosted_confidence").GetDouble() >= raw + 0.1);
        Assert.Contains("[Authorize]", Read(directory, Orders), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repair_FileChangedSinceAnalysis_Skipped_OthersWritten()
    {
        using var directory = ShopRepository();
        var options = TestProjects.Options(directory.Path);
        var engine = new AegisEngine(options);
        var inputs = CompileInputs.Load(Path.Combine(directory.Path, "src/Shop/obj/Debug/net10.0/aegis/compile-inputs.txt"));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "fix") }, CancellationToken.None);
        Assert.All(card.Patches, p => Assert.Equal(ValidationStatuses.Verified, p.ValidationStatus));

        // Someone edits the products controller after it was analysed.
        var edited = InterpolatedProducts + "\n// edited meanwhile\n";
        File.WriteAllText(Path.Combine(directory.Path, Products), edited);
        var repairs = WorkingTreeRepair.Apply(directory.Path, card, new AegisPolicy { Knowledge = new KnowledgePolicy { AutoRepairThreshold = 0 } }, dryRun: false, DateTimeOffset.UtcNow);

        Assert.Equal(FileRepairOutcomes.SkippedChanged, repairs.Single(r => r.File == Products).Outcome);
        Assert.Equal(edited, Read(directory, Products));
        Assert.Equal(FileRepairOutcomes.Written, repairs.Single(r => r.File == Orders).Outcome);
        Assert.Equal(card.Patches.Single(p => p.File == Orders).PatchedText, Read(directory, Orders));
        Assert.Equal(card.Incidents.Where(i => card.Patches.Single(p => p.File == Orders).Fixes.Contains(i.Fingerprint)).Select(i => i.Fingerprint), KnowledgeBase.Read(directory.Path).Applied.Select(a => a.Fingerprint));
    }

    [Fact]
    public async Task Fix_KeepsTheFilesBomAndCrlf()
    {
        var crlf = ShopSources.OpenController.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        using var directory = ShopRepository(crlf);
        var path = Path.Combine(directory.Path, Orders);
        File.WriteAllText(path, crlf, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var (exit, _, _, stderr) = await FixAsync(directory, "--rule", "AEG003");

        Assert.True(exit == 0, stderr);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.Contains("[Authorize]\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_TextOutput_NamesEachFile()
    {
        using var directory = ShopRepository();
        var stdout = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(new[] { "fix", directory.Path, "--repository-root", directory.Path, "--sandbox", "file" }, stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Contains("aegis: fixed " + Orders + " (AEG003 line ", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("aegis fix: wrote 2 files, skipped 0 files; card: ", stdout.ToString(), StringComparison.Ordinal);
    }
}
