using System.Diagnostics;
using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Tests.Infrastructure;
using static Aegis.Engine.Tests.Snapshots.SnapshotFixtures;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>The verbs in-process on a small built repository: snapshot → drift, the ratchet, status without compiling, bad state files.</summary>
public sealed class SnapshotVerbTests
{
    private const string NewSecret = "public string Describe() { var secretKey = \"Zx81Qp03Lm77Kd29Wv55\"; return secretKey; }";

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(args, stdout, stderr, _ => null, TestProjects.Catalog);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static TempDirectory Repository(out string repositoryFile)
    {
        var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, ".git"));
        TestProjects.WriteBuiltProject(directory, "src/Shop/Shop.csproj", new Dictionary<string, string>
        {
            [RepositoryFile] = SnapshotFixtures.Repository,
            ["src/Shop/Controllers/OrdersController.cs"] = ShopSources.OpenController,
        });
        repositoryFile = Path.Combine(directory.Path, RepositoryFile);
        return directory;
    }

    /// <summary>Edits a source as a developer would and leaves the last build's inputs newer (the engine reuses them).</summary>
    private static void Edit(TempDirectory directory, string file, Func<string, string> change)
    {
        File.WriteAllText(file, change(File.ReadAllText(file)));
        var inputs = Path.Combine(directory.Path, "src/Shop/obj/Debug/net10.0/aegis/compile-inputs.txt");
        File.SetLastWriteTimeUtc(inputs, DateTime.UtcNow.AddSeconds(5));
    }

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    [Fact]
    public async Task Snapshot_ThenNewFindingBelowShiftedLines_DriftReportsExactlyTheNewOne()
    {
        using var directory = Repository(out var file);
        var snapshot = await RunAsync("snapshot", directory.Path, "--name", "first", "--json");
        Assert.Equal(0, snapshot.Exit);
        var summary = Json(snapshot.Stdout).GetProperty("snapshot");
        var written = SnapshotStore.Read(Path.Combine(directory.Path, summary.GetProperty("path").GetString()!));
        Assert.Equal("first", written.Name);
        Assert.Equal(2, written.Incidents.Count(i => i.Rule == "AEG002"));
        Assert.Contains(RepositoryFile, written.Files.Keys);

        Edit(directory, file, text => "// inserted\n// lines\n\n" + text.Replace("public string Describe() => \"repository\";", NewSecret, StringComparison.Ordinal));
        var drift = await RunAsync("drift", directory.Path, "--json");

        Assert.Equal(0, drift.Exit);
        var report = Json(drift.Stdout);
        Assert.Equal(1, report.GetProperty("counts").GetProperty("new").GetInt32());
        Assert.Equal(0, report.GetProperty("counts").GetProperty("resolved").GetInt32());
        Assert.Equal(written.Incidents.Count, report.GetProperty("counts").GetProperty("unchanged").GetInt32());
        var added = report.GetProperty("new")[0];
        Assert.Equal("Shop.Data.Repository.Describe()", added.GetProperty("symbol").GetString());
        Assert.False(added.TryGetProperty("secret_hash", out _));
        Assert.DoesNotContain("Zx81Qp03Lm77Kd29Wv55", drift.Stdout, StringComparison.Ordinal);
        Assert.Equal(RepositoryFile, report.GetProperty("files_changed").GetProperty("modified")[0].GetString());
        Assert.True(report.GetProperty("health").GetProperty("delta").GetDouble() <= 0);

        var gate = await RunAsync("drift", directory.Path, "--fail-on-new", "0", "--json");
        Assert.Equal(ExitCodes.GateFailed, gate.Exit);
        Assert.Contains("error " + ErrorCodes.TooManyNewIncidents, gate.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("drift", directory.Path, "--fail-on-new", "1")).Exit);
    }

    [Fact]
    public async Task Baseline_Ratchet_ThroughTheVerbs()
    {
        using var directory = Repository(out var file);
        Assert.Equal(0, (await RunAsync("snapshot", directory.Path, "--baseline")).Exit);
        var baselinePath = SnapshotStore.BaselinePath(directory.Path);
        var initial = SnapshotStore.Read(baselinePath);
        Edit(directory, file, text => text.Replace("public string Describe() => \"repository\";", NewSecret, StringComparison.Ordinal));

        var update = await RunAsync("baseline", "update", directory.Path, "--json");
        Assert.Equal(0, update.Exit);
        Assert.Equal(1, Json(update.Stdout).GetProperty("baseline").GetProperty("not_added").GetInt32());
        Assert.Contains("warning " + ErrorCodes.NewIncidentsNotBaselined, update.Stderr, StringComparison.Ordinal);
        Assert.Equal(initial.Incidents.Count, SnapshotStore.Read(baselinePath).Incidents.Count);

        var before = File.ReadAllText(baselinePath);
        var noReason = await RunAsync("baseline", "update", directory.Path, "--accept-new", "--by", "Ada", "--json");
        Assert.Equal(ExitCodes.UsageError, noReason.Exit);
        Assert.Contains(ErrorCodes.AcceptNewNeedsReason, noReason.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(baselinePath));

        var accept = await RunAsync("baseline", "update", directory.Path, "--accept-new", "--by", "Ada", "--why", "vendor code, SEC-12", "--json");
        Assert.Equal(0, accept.Exit);
        var accepted = SnapshotStore.Read(baselinePath);
        Assert.Equal(initial.Incidents.Count + 1, accepted.Incidents.Count);
        Assert.Equal(("Ada", "vendor code, SEC-12"), (accepted.Accepted.Single().By, accepted.Accepted.Single().Why));

        // Fixing the accepted one drops it (and its acceptance) at the next update.
        Edit(directory, file, text => text.Replace(NewSecret, "public string Describe() => \"repository\";", StringComparison.Ordinal));
        Assert.Equal(0, (await RunAsync("baseline", "update", directory.Path)).Exit);
        Assert.Empty(SnapshotStore.Read(baselinePath).Accepted);
        Assert.Equal(initial.Incidents.Count, SnapshotStore.Read(baselinePath).Incidents.Count);
    }

    [Fact]
    public async Task Status_ReadsFilesOnly_OnARepositoryThatDoesNotBuild()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, ".git"));
        directory.Write("src/Broken/Broken.csproj", "this is not a project file\n");
        var source = directory.Write("src/Broken/A.cs", "class A { void M() { } }\n");
        var files = RepositoryFiles.Hash(directory.Path);
        SnapshotStore.Write(directory.Path, SnapshotStoreTests.Sample("20261201T000000Z-aaaaaa") with { Files = files, HealthScore = 1.0 });
        SnapshotStore.Write(directory.Path, SnapshotStoreTests.Sample("20261202T000000Z-bbbbbb", Incident("HIGH")) with { Files = files });
        File.AppendAllText(source, "// edited\n");
        directory.Write(".aegis/inbox/events/e1.json", "{}");
        directory.Write(".aegis/inbox/events/e2.json", "{}");
        Aegis.Engine.Knowledge.KnowledgeBase.Record(directory.Path, new[]
        {
            new Aegis.Engine.Knowledge.RepairOutcome("AEG001", "parameterize", new string('1', 64), "verified"),
            new Aegis.Engine.Knowledge.RepairOutcome("AEG001", "parameterize", new string('2', 64), "verified"),
            new Aegis.Engine.Knowledge.RepairOutcome("AEG001", "parameterize", new string('3', 64), "failed"),
        }, DateTimeOffset.UtcNow);

        var watch = Stopwatch.StartNew();
        var status = await RunAsync("status", "--json", "--repository-root", directory.Path);
        watch.Stop();

        Assert.Equal(0, status.Exit);
        var json = Json(status.Stdout);
        Assert.Equal("20261202T000000Z-bbbbbb", json.GetProperty("last_snapshot").GetProperty("id").GetString());
        Assert.Equal(1, json.GetProperty("files_changed").GetProperty("modified").GetInt32());
        Assert.Equal(new[] { 1.0, SnapshotStoreTests.Sample(incidents: Incident("HIGH")).HealthScore }, json.GetProperty("health_trend").EnumerateArray().Select(s => s.GetProperty("health_score").GetDouble()));
        Assert.Equal(2, json.GetProperty("inbox").GetProperty("events").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("inbox").GetProperty("results").ValueKind);
        var pattern = Assert.Single(json.GetProperty("knowledge_base").EnumerateArray());
        Assert.Equal(("AEG001", "parameterize", 3, 2, 1, 0.67), (pattern.GetProperty("rule").GetString(), pattern.GetProperty("remediation_strategy").GetString(), pattern.GetProperty("attempts").GetInt32(), pattern.GetProperty("verified").GetInt32(), pattern.GetProperty("failed").GetInt32(), pattern.GetProperty("success_rate").GetDouble()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "status took " + watch.Elapsed);

        // The same repository with --scan does compile, and so fails: status alone never did.
        Assert.NotEqual(0, (await RunAsync("status", "--scan", "--repository-root", directory.Path)).Exit);
    }

    [Fact]
    public async Task CorruptBaseline_StopsSnapshotAndDrift_NamingIt_AndStaysAsItWas()
    {
        using var directory = Repository(out _);
        var path = directory.Write(".aegis/baseline.json", "{ \"schema\": \"aegis.snapshot/v1\", ");

        foreach (var args in new[] { new[] { "drift", directory.Path, "--json" }, new[] { "snapshot", directory.Path, "--baseline", "--json" }, new[] { "baseline", "update", directory.Path, "--json" } })
        {
            var run = await RunAsync(args);
            Assert.Equal(ExitCodes.UsageError, run.Exit);
            Assert.Contains("error " + ErrorCodes.CorruptStateFile, run.Stderr, StringComparison.Ordinal);
            Assert.Contains(path, run.Stderr, StringComparison.Ordinal);
            Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Equal("{ \"schema\": \"aegis.snapshot/v1\", ", File.ReadAllText(path));
        Assert.Empty(SnapshotStore.Paths(directory.Path));
    }

    [Fact]
    public async Task BaselineFromAnotherRepository_IsReported_NotApplied()
    {
        using var directory = Repository(out _);
        SnapshotStore.WriteBaseline(directory.Path, SnapshotStoreTests.Sample(incidents: Incident("HIGH")) with
        {
            Files = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["elsewhere/Other.cs"] = new string('c', 64) },
        });

        var drift = await RunAsync("drift", directory.Path, "--json");
        var status = await RunAsync("status", "--json", "--repository-root", directory.Path);

        Assert.Equal(ExitCodes.UsageError, drift.Exit);
        Assert.Contains("error " + ErrorCodes.BaselineFromAnotherRepository, drift.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, status.Exit);
        Assert.True(Json(status.Stdout).GetProperty("baseline").GetProperty("from_another_repository").GetBoolean());
        Assert.Contains("warning " + ErrorCodes.BaselineFromAnotherRepository, status.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_WithNothingToCompareWith_IsAEGB060()
    {
        using var directory = Repository(out _);
        var drift = await RunAsync("drift", directory.Path, "--json");
        Assert.Equal(ExitCodes.UsageError, drift.Exit);
        Assert.Contains(ErrorCodes.SnapshotNotFound, drift.Stdout, StringComparison.Ordinal);
    }
}
