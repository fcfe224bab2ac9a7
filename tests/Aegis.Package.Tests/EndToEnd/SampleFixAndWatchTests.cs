using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 11's repair loop on a copy of the sample in its own git repository, through the engine exactly as the package
/// ships it (<c>tools/engine/Aegis.Cli.dll</c>): <c>aegis fix</c> then <c>aegis drift</c> shows the repaired incidents
/// resolved and the knowledge base counts the verified repairs; <c>aegis watch --iterations 2 --apply</c> repairs a
/// finding the test introduces between its two iterations (a new staff endpoint with an injectable query) (it reads watch's JSON lines as they come).
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleFixAndWatchTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string NewController = "Aegis.Sample/Catalog/ProductNotesController.cs";

    /// <summary>A staff endpoint someone adds with a Dapper query built from the query string (AEG001, high confidence).</summary>
    private const string InjectableNotesController = """
        using Aegis.Sample.Data;
        using Dapper;
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        namespace Aegis.Sample.Catalog;

        /// <summary>Staff notes on products.</summary>
        [ApiController]
        [Route("api/product-notes")]
        [Authorize(Policy = "Staff")]
        public sealed class ProductNotesController(SqliteConnectionFactory connections) : ControllerBase
        {
            [HttpGet]
            public async Task<IEnumerable<string>> ForSku([FromQuery] string sku, CancellationToken cancellationToken)
            {
                await using var connection = await connections.OpenAsync(cancellationToken);
                return await connection.QueryAsync<string>($"SELECT Name FROM Products WHERE Sku = '{sku}'");
            }
        }

        """;

    [Fact(Timeout = 20 * 60_000)]
    public async Task PackedCli_Fix_ThenDrift_ShowsTheRepairResolved_AndTheKnowledgeBaseCountsIt()
    {
        await Task.Yield();
        var engine = Path.Combine(environment.ExtractEngine("packed-engine-fix"), "Aegis.Cli.dll");
        var sample = SampleRepository.Create(environment, "sample-fix");
        Assert.True(sample.Build().ExitCode == 0, "The sample did not build");
        var snapshot = Aegis(sample, engine, "snapshot", SampleRepository.SampleProject, "--json");
        Assert.True(snapshot.ExitCode == 0, snapshot.ToString());
        var before = Verified(sample);

        var fix = Aegis(sample, engine, "fix", SampleRepository.SampleProject, "--rule", "AEG003", "--json");

        Assert.True(fix.ExitCode is 0 or 1, fix.ToString());
        using var fixed_ = JsonDocument.Parse(JsonOf(fix.Output));
        var written = fixed_.RootElement.GetProperty("files").EnumerateArray().Where(f => f.GetProperty("outcome").GetString() == "written").ToList();
        Assert.NotEmpty(written);
        var repaired = written.SelectMany(f => f.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("fingerprint").GetString()!)).ToHashSet(StringComparer.Ordinal);
        // A controller gets [Authorize(…)], a minimal API .RequireAuthorization(…): the convention the sample follows.
        Assert.All(written, f => Assert.Matches(@"\[Authorize|RequireAuthorization\(", File.ReadAllText(sample.PathOf(f.GetProperty("file").GetString()!))));
        Assert.DoesNotContain(fixed_.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("outcome").GetString() == "skipped_unverified");

        var drift = Aegis(sample, engine, "drift", SampleRepository.SampleProject, "--baseline", "latest", "--json");
        Assert.True(drift.ExitCode == 0, drift.ToString());
        using var report = JsonDocument.Parse(JsonOf(drift.Output));
        Assert.Equal(0, report.RootElement.GetProperty("counts").GetProperty("new").GetInt32());
        var resolved = report.RootElement.GetProperty("resolved").EnumerateArray().Select(i => i.GetProperty("fingerprint").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(repaired.Order(StringComparer.Ordinal), resolved.Order(StringComparer.Ordinal));

        // fix's own verification counted each written repair as verified (the build's card counted its own before).
        Assert.True(Verified(sample) - before >= repaired.Count, $"patterns.json verified {before} → {Verified(sample)} for {repaired.Count} repair(s)");
        using var knowledge = JsonDocument.Parse(File.ReadAllText(sample.PathOf(".aegis/knowledge/patterns.json")));
        Assert.Equal(repaired.Order(StringComparer.Ordinal), knowledge.RootElement.GetProperty("applied").EnumerateArray().Select(a => a.GetProperty("fingerprint").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 20 * 60_000)]
    public async Task PackedCli_WatchTwoIterationsApply_RepairsAFindingIntroducedBetweenThem()
    {
        var engine = Path.Combine(environment.ExtractEngine("packed-engine-watch"), "Aegis.Cli.dll");
        var sample = SampleRepository.Create(environment, "sample-watch");
        Assert.True(sample.Build().ExitCode == 0, "The sample did not build");

        var start = DotNet.StartInfo(sample.Root, new Dictionary<string, string?> { ["NUGET_PACKAGES"] = environment.Packages },
            engine, "watch", SampleRepository.SampleProject, "--repository-root", sample.Root, "--iterations", "2", "--interval", "2", "--apply", "--json");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<JsonElement>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output.WriteLine("watch: " + line);
            if (line.Trim().Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            lines.Add(document.RootElement.Clone());
            if (lines.Count == 1)
            {
                // Between the iterations: a new endpoint whose query is built from the query string.
                sample.WriteFile(NewController, InjectableNotesController);
            }
        }

        await process.WaitForExitAsync();
        output.WriteLine(await stderr);
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].GetProperty("baseline_created").GetBoolean(), lines[0].ToString());
        Assert.Equal(1, lines[1].GetProperty("new").GetInt32());
        Assert.Equal(NewController, Assert.Single(lines[1].GetProperty("written").EnumerateArray()).GetString());
        Assert.DoesNotContain("'{sku}'", File.ReadAllText(sample.PathOf(NewController)), StringComparison.Ordinal);

        using var knowledge = JsonDocument.Parse(File.ReadAllText(sample.PathOf(".aegis/knowledge/patterns.json")));
        Assert.Contains(knowledge.RootElement.GetProperty("patterns").EnumerateArray(), p => p.GetProperty("rule").GetString() == "AEG001" && p.GetProperty("verified").GetInt32() > 0);
        // The baseline never took the repaired finding in.
        using var baseline = JsonDocument.Parse(File.ReadAllText(sample.PathOf(".aegis/baseline.json")));
        Assert.DoesNotContain(baseline.RootElement.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("file").GetString() == NewController);
    }

    private DotNet.RunResult Aegis(SampleRepository sample, string engine, params string[] arguments)
    {
        var result = environment.Run(sample.Root, null, [engine, .. arguments, "--repository-root", sample.Root]);
        output.WriteLine($"aegis {string.Join(' ', arguments)}: {result}");
        return result;
    }

    /// <summary>The JSON object a verb printed (its stderr lines, merged in the run's output, come before or after it).</summary>
    private static string JsonOf(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var first = Array.FindIndex(lines, l => l == "{");
        var last = Array.FindLastIndex(lines, l => l == "}");
        return string.Join("\n", lines[first..(last + 1)]);
    }

    private static int Verified(SampleRepository sample)
    {
        var path = sample.PathOf(".aegis/knowledge/patterns.json");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("patterns").EnumerateArray().Sum(p => p.GetProperty("verified").GetInt32());
    }
}
