using System.Text.Json;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 11's snapshot and drift on the sample shop, through the engine exactly as the package ships it: snapshot →
/// a new finding added above the old ones (so every old one moves) → drift reports exactly the new one.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleSnapshotTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string ProductsController = "Aegis.Sample/Catalog/ProductsController.cs";

    private const string NewEndpoint = """
            private const string Columns = "Id, Sku, Name, Category, PriceCents, Stock";

            // Lines added above every old finding of this file.

            [AllowAnonymous]
            [HttpGet("by-sku")]
            public async Task<IEnumerable<Product>> BySku([FromQuery] string sku, CancellationToken cancellationToken)
            {
                await using var connection = await connections.OpenAsync(cancellationToken);
                return await connection.QueryAsync<Product>($"SELECT {Columns} FROM Products WHERE Sku = '{sku}'");
            }
        """;

    [Fact(Timeout = 10 * 60_000)]
    public async Task PackedCli_Snapshot_NewFindingAboveOldOnes_DriftReportsExactlyTheNewOne()
    {
        await Task.Yield();
        var engine = Path.Combine(environment.ExtractEngine("packed-engine-snapshot"), "Aegis.Cli.dll");
        var sample = SampleRepository.Create(environment, "sample-snapshot");
        var build = sample.Build();
        Assert.True(build.ExitCode == 0, "The sample did not build: " + build);
        var planted = sample.PlantedFindings();

        DotNet.RunResult Aegis(params string[] arguments)
        {
            var result = environment.Run(sample.Root, new Dictionary<string, string?> { ["CI"] = "true" }, [engine, .. arguments, "--repository-root", sample.Root]);
            output.WriteLine($"aegis {string.Join(' ', arguments)}: {result}");
            return result;
        }

        var snapshot = Aegis("snapshot", "Aegis.Sample", "--name", "adoption", "--baseline", "--json");
        Assert.True(snapshot.ExitCode == 0, snapshot.ToString());
        var written = JsonOf(snapshot).GetProperty("snapshot");
        Assert.Equal(planted.Count, written.GetProperty("incidents").GetInt32());
        Assert.InRange(written.GetProperty("health_score").GetDouble(), 0.0, 0.99);
        var snapshotText = File.ReadAllText(sample.PathOf(written.GetProperty("path").GetString()!));
        Assert.All(sample.PlantedSecrets(), secret => Assert.DoesNotContain(secret, snapshotText, StringComparison.Ordinal));
        Assert.True(File.Exists(sample.PathOf(".aegis/baseline.json")));

        var source = File.ReadAllText(sample.PathOf(ProductsController));
        var columns = "    private const string Columns = \"Id, Sku, Name, Category, PriceCents, Stock\";\n";
        Assert.Contains(columns, source, StringComparison.Ordinal);
        sample.WriteFile(ProductsController, source.Replace(columns, NewEndpoint.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n", StringComparison.Ordinal));

        var drift = Aegis("drift", "Aegis.Sample", "--json");
        Assert.True(drift.ExitCode == 0, drift.ToString());
        var report = JsonOf(drift);
        var counts = report.GetProperty("counts");
        Assert.Equal((1, 0, planted.Count), (counts.GetProperty("new").GetInt32(), counts.GetProperty("resolved").GetInt32(), counts.GetProperty("unchanged").GetInt32()));
        var added = Assert.Single(report.GetProperty("new").EnumerateArray());
        Assert.Equal("AEG001", added.GetProperty("rule").GetString());
        Assert.Equal(ProductsController, added.GetProperty("file").GetString());
        Assert.Equal("Aegis.Sample.Catalog.ProductsController.BySku(string, CancellationToken)", added.GetProperty("symbol").GetString());
        // The old findings of the file moved down, and are still unchanged.
        var moved = report.GetProperty("unchanged").EnumerateArray().Where(u => u.GetProperty("file").GetString() == ProductsController).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, u => Assert.DoesNotContain(planted, p => p.File == ProductsController && p.Line == u.GetProperty("line").GetInt32()));
        Assert.Equal(ProductsController, Assert.Single(report.GetProperty("files_changed").GetProperty("modified").EnumerateArray()).GetString());
        Assert.True(report.GetProperty("health").GetProperty("delta").GetDouble() < 0);

        var gate = Aegis("drift", "Aegis.Sample", "--fail-on-new", "0");
        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("aegis: error AEGB062: 1 new incident(s)", gate.Output, StringComparison.Ordinal);

        var status = Aegis("status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(1, JsonOf(status).GetProperty("files_changed").GetProperty("modified").GetInt32());
    }

    // The JSON object of a run whose output may also hold stderr lines.
    private static JsonElement JsonOf(DotNet.RunResult result)
    {
        var start = result.Output.IndexOf("{\n", StringComparison.Ordinal);
        var end = result.Output.LastIndexOf("\n}", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, result.ToString());
        return JsonDocument.Parse(result.Output[start..(end + 2)]).RootElement.Clone();
    }
}
