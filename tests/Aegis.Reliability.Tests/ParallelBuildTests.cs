using System.Diagnostics;
using System.Text.Json;
using Aegis.Bench.Generator;
using Aegis.Package.Tests.EndToEnd;
using Aegis.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Reliability.Tests;

/// <summary>
/// A generated solution of 21 small projects, each referencing the packed Aegis.Analyzers from a local feed, built
/// with <c>dotnet build -m:4</c> three times, every project edited before each build so every engine runs again.
/// Up to four engines at once write their cards and records into the one shared <c>.aegis/history/</c> (the
/// solution folder is the repository root): after each build every card is whole and is its own project's, and the
/// history holds exactly one new, parseable record per card, and the knowledge base
/// (<c>.aegis/knowledge/patterns.json</c>, one read-modify-write per engine under a cross-process lock) counts every
/// card's repairs exactly: no increment lost to a concurrent writer. Sandbox <c>file</c> (the local default): 21 repository
/// sandboxes per build, each a full copy and <c>dotnet build</c>, would take far longer than a test may. Once with the
/// one-shot engine, once with every build sent to one warm engine server (<c>AegisUseServer</c>, its own folder).
/// </summary>
[Trait("Category", "Reliability")]
[Trait("Category", "Slow")]
public sealed class ParallelBuildTests(ITestOutputHelper output)
{
    private const int Projects = 21;
    private const int Repetitions = 3;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwentyOneProjects_BuiltInParallelThreeTimes_EveryCardAndHistoryRecordWhole(bool useServer)
    {
        using var directory = new TempDirectory();
        var servers = Path.Combine(directory.Path, "srv");
        try
        {
            BuildThreeTimes(directory, servers, useServer);
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    private void BuildThreeTimes(TempDirectory directory, string servers, bool useServer)
    {
        var feed = new PackageFeed(directory.Path);
        var root = Path.Combine(directory.Path, "solution");
        var generated = ProjectGenerator.Generate(root, seed: 21, targetLines: 3_000, projects: Projects, findingRate: 0.1, analyzerPath: "unused", repoRoot: Repo.Root);
        Assert.Equal(Projects, generated.Parts.Count);
        AddPackageReference(root, feed.Version);
        foreach (var part in generated.Parts.Where(p => p.Name != "Generated.App"))
        {
            // FeatureRegistration.cs imports its project's Endpoints namespace, which a one-module feature without
            // minimal APIs lacks (the bench's features hold many modules, so it never shows there).
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(part.ProjectPath)!, "EndpointsNamespace.cs"), $"namespace {part.Name}.Endpoints;\n\ninternal static class EndpointsNamespace\n{{\n}}\n");
        }

        File.Move(Path.Combine(directory.Path, "NuGet.config"), Path.Combine(root, "NuGet.config"));
        output.WriteLine($"{generated.Lines} lines in {generated.Files} files, {Projects} projects");

        var required = RequiredCardFields();
        var previousIds = new HashSet<string>(StringComparer.Ordinal);
        var history = Path.Combine(root, ".aegis", "history");
        var knowledge = Path.Combine(root, ".aegis", "knowledge", "patterns.json");
        var expectedCounts = new Dictionary<string, (int Attempts, int Verified, int Failed)>(StringComparer.Ordinal);
        var total = Stopwatch.StartNew();
        for (var repetition = 1; repetition <= Repetitions; repetition++)
        {
            // A real edit in every project: each recompiles, so each engine's Inputs are newer than its card.
            foreach (var part in generated.Parts)
            {
                var source = Directory.GetFiles(Path.GetDirectoryName(part.ProjectPath)!, "*.cs").Order(StringComparer.Ordinal).First();
                File.AppendAllText(source, $"// repetition {repetition}\n");
            }

            var recordsBefore = Directory.Exists(history) ? Directory.GetFiles(history).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
            var environment = new Dictionary<string, string?>(feed.BuildEnvironment) { ["AegisUseServer"] = useServer ? "true" : "false", ["AEGIS_SERVER_DIR"] = servers };
            var build = DotNet.Run(root, environment, "build", "Generated.sln", "-m:4", "-nologo", "-v:m", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false");
            output.WriteLine($"repetition {repetition}: exit {build.ExitCode} in {build.Elapsed.TotalSeconds:F0} s");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.DoesNotContain(build.Diagnostics, d => d.Code.StartsWith("AEGB", StringComparison.Ordinal));
            Assert.DoesNotContain("AEGB", build.Output, StringComparison.Ordinal);
            Assert.Equal(Projects, build.Output.Split('\n').Count(l => l.Contains("Aegis Risk Card: ", StringComparison.Ordinal)));
            // One server took them all (its pid file stays while it runs); none without it.
            Assert.Equal(useServer ? 1 : 0, WarmServers.Pids(servers).Count);

            // Every project's card: the three files, the JSON whole (every required field), about that project, new.
            var cards = new List<JsonDocument>();
            var cardIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var part in generated.Parts)
            {
                var folder = Path.Combine(Path.GetDirectoryName(part.ProjectPath)!, "bin", "Debug", "net10.0", "aegis");
                var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "risk-card.json")));
                cards.Add(card);
                Assert.All(required, field => Assert.True(card.RootElement.TryGetProperty(field, out _), $"{part.Name}: risk-card.json lacks '{field}'"));
                Assert.Equal(Path.GetRelativePath(root, part.ProjectPath).Replace('\\', '/'), card.RootElement.GetProperty("action").GetProperty("project").GetString());
                var id = card.RootElement.GetProperty("request_id").GetString()!;
                Assert.True(cardIds.Add(id) && !previousIds.Contains(id), $"{part.Name}: the card was not regenerated (request_id {id})");
                Assert.Contains(id, File.ReadAllText(Path.Combine(folder, "risk-card.md")), StringComparison.Ordinal);
                var html = File.ReadAllText(Path.Combine(folder, "risk-card.html"));
                Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
                Assert.EndsWith("</html>", html.TrimEnd(), StringComparison.OrdinalIgnoreCase);
            }

            // The history: exactly the cards just written, one record each, each whole.
            var newRecords = Directory.GetFiles(history).Where(f => !recordsBefore.Contains(f)).ToArray();
            var recordIds = newRecords.Select(f =>
            {
                using var record = JsonDocument.Parse(File.ReadAllText(f));
                Assert.All(required, field => Assert.True(record.RootElement.TryGetProperty(field, out _), $"{f} lacks '{field}'"));
                return record.RootElement.GetProperty("request_id").GetString()!;
            }).ToArray();
            Assert.Equal(cardIds.Order(StringComparer.Ordinal), recordIds.Order(StringComparer.Ordinal));

            // The index (.aegis/aegis.db, SQLite from the packed engine's native library) lost none of them either: every
            // record of every build so far, each once (no AEGB079 warning was printed, checked above).
            Assert.True(File.Exists(Aegis.Engine.History.HistoryIndex.PathFor(root)), "the builds wrote no .aegis/aegis.db");
            var indexed = new Aegis.Engine.History.HistoryIndex(root).Query(new Aegis.Engine.History.HistoryQuery(Limit: 10_000)).Select(e => e.RequestId).ToList();
            Assert.Equal(indexed.Count, indexed.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(previousIds.Union(cardIds).Order(StringComparer.Ordinal), indexed.Order(StringComparer.Ordinal));

            // The knowledge base: every card's repairs counted once, whatever the engines' interleaving.
            foreach (var card in cards)
            {
                AddRepairs(card.RootElement, expectedCounts);
                card.Dispose();
            }

            Assert.Equal(Expected(expectedCounts), Recorded(knowledge));

            // No state file torn, no temp file of an interrupted atomic write left anywhere.
            foreach (var state in Directory.EnumerateFiles(Path.Combine(root, ".aegis"), "*", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(state).StartsWith(Aegis.Engine.History.HistoryIndex.FileName, StringComparison.Ordinal))
                {
                    continue; // The index and its WAL files: SQLite's own format, checked just above.
                }

                // The knowledge base's lock file stays (empty): deleting it while another engine waits would hand out two locks.
                if (Path.GetFileName(state) == "patterns.lock")
                {
                    Assert.Equal(0, new FileInfo(state).Length);
                    continue;
                }

                Assert.True(state.EndsWith(".json", StringComparison.Ordinal), "unexpected file under .aegis/: " + state);
                using var _ = JsonDocument.Parse(File.ReadAllText(state));
            }

            Assert.Empty(Directory.EnumerateFiles(root, "*.tmp", SearchOption.AllDirectories));
            previousIds.UnionWith(cardIds);
        }

        output.WriteLine($"{Repetitions} builds in {total.Elapsed.TotalSeconds:F0} s");
        Assert.Equal(Projects * Repetitions, Directory.GetFiles(history).Length);
        output.WriteLine("knowledge base: " + string.Join(", ", Expected(expectedCounts)));
        Assert.True(expectedCounts.Values.Sum(c => c.Attempts) >= Projects, "too few repairs to show that parallel writers lose no count");
    }

    /// <summary>
    /// A card's repairs as the engine records them: each incident a patch fixes (review notes aside) is an attempt of
    /// its rule and strategy, verified or failed as the patch.
    /// </summary>
    private static void AddRepairs(JsonElement card, Dictionary<string, (int Attempts, int Verified, int Failed)> counts)
    {
        var patches = card.GetProperty("patches").EnumerateArray().ToList();
        foreach (var incident in card.GetProperty("incidents").EnumerateArray())
        {
            var strategy = incident.GetProperty("remediation_strategy").GetString()!;
            if (incident.GetProperty("severity").GetString() == "LOW" && strategy == "needs-human-review")
            {
                continue;
            }

            var fingerprint = incident.GetProperty("fingerprint").GetString();
            if (patches.FirstOrDefault(p => p.GetProperty("fixes").EnumerateArray().Any(f => f.GetString() == fingerprint)) is not { ValueKind: JsonValueKind.Object } patch)
            {
                continue;
            }

            var key = incident.GetProperty("rule").GetString() + " " + strategy;
            var status = patch.GetProperty("validation_status").GetString();
            var (attempts, verified, failed) = counts.GetValueOrDefault(key);
            counts[key] = (attempts + 1, verified + (status == "verified" ? 1 : 0), failed + (status == "failed" ? 1 : 0));
        }
    }

    private static string[] Expected(Dictionary<string, (int Attempts, int Verified, int Failed)> counts)
        => counts.Select(c => $"{c.Key}: {c.Value.Attempts}/{c.Value.Verified}/{c.Value.Failed}").Order(StringComparer.Ordinal).ToArray();

    private static string[] Recorded(string patternsJson)
    {
        if (!File.Exists(patternsJson))
        {
            return Array.Empty<string>();
        }

        using var document = JsonDocument.Parse(File.ReadAllText(patternsJson));
        return document.RootElement.GetProperty("patterns").EnumerateArray()
            .Select(p => $"{p.GetProperty("rule").GetString()} {p.GetProperty("remediation_strategy").GetString()}: {p.GetProperty("attempts").GetInt32()}/{p.GetProperty("verified").GetInt32()}/{p.GetProperty("failed").GetInt32()}")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>docs/risk-card.schema.json's required fields: the card a test accepts is the card the schema promises.</summary>
    private static string[] RequiredCardFields()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docs", "risk-card.schema.json")));
        var required = schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Contains("request_id", required);
        return required;
    }

    /// <summary>Every generated project gets the package (central versions, as the generator writes them).</summary>
    private static void AddPackageReference(string root, string version)
    {
        var packages = Path.Combine(root, "Directory.Packages.props");
        var text = File.ReadAllText(packages);
        var at = text.IndexOf("  </ItemGroup>", StringComparison.Ordinal);
        File.WriteAllText(packages, text.Insert(at, $"    <PackageVersion Include=\"Aegis.Analyzers\" Version=\"{version}\" />\n"));
        var props = Path.Combine(root, "Directory.Build.props");
        text = File.ReadAllText(props);
        at = text.IndexOf("    <PackageReference Include=\"Dapper\" />", StringComparison.Ordinal);
        Assert.True(at > 0, "the generator's Directory.Build.props changed: no Dapper reference to add the package next to");
        File.WriteAllText(props, text.Insert(at, "    <PackageReference Include=\"Aegis.Analyzers\" />\n"));
    }
}
