using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Tests.Infrastructure;
using static Aegis.Engine.Tests.Snapshots.SnapshotFixtures;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>The snapshot and baseline files: round trip, atomic create, corrupt files named and never overwritten, resolution.</summary>
public sealed class SnapshotStoreTests
{
    internal static Snapshot Sample(string id = "20261202T071500Z-3f9a1c", params SnapshotIncident[] incidents) => new()
    {
        Id = id,
        Name = "before release",
        CreatedAt = "2026-12-02T07:15:00Z",
        ToolVersion = "1.2.3",
        RepositoryName = "shop",
        GitHead = null,
        LinesOfCode = 4000,
        HealthScore = Aegis.Engine.RiskCards.HealthScore.Compute(incidents, 4000),
        Files = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["src/A.cs"] = new string('a', 64), ["src/Shop.csproj"] = new string('b', 64) },
        Incidents = incidents,
    };

    [Fact]
    public void RoundTrip_KeepsEveryField_AndTheSecretHash()
    {
        using var directory = new TempDirectory();
        var snapshot = Sample(incidents: new[] { Incident("HIGH"), Incident("CRITICAL", evidence: "\"[secret literal len=19 prefix=supe…]\"", secretHash: "0123456789abcdef", rule: "AEG002") });

        var path = SnapshotStore.Write(directory.Path, snapshot);
        var read = SnapshotStore.Read(path);

        Assert.Equal(Path.Combine(directory.Path, ".aegis", "snapshots", snapshot.Id + ".json"), path);
        Assert.Equal(SnapshotJson.Write(snapshot), File.ReadAllText(path));
        Assert.Equal(snapshot.Incidents.OrderBy(i => i.Rule), read.Incidents.OrderBy(i => i.Rule));
        Assert.Equal(snapshot.Files, read.Files);
        Assert.Equal("0123456789abcdef", read.Incidents.Single(i => i.Rule == "AEG002").SecretHash);
        Assert.Null(read.Incidents.Single(i => i.Rule == "AEG001").SecretHash);
        Assert.DoesNotContain("secret_hash\": null", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Written_MatchesTheDocumentedSchema()
    {
        var snapshot = Sample(incidents: new[] { Incident("HIGH"), Incident("CRITICAL", evidence: "\"[secret literal len=19 prefix=supe…]\"", secretHash: "0123456789abcdef", rule: "AEG002") }) with
        {
            Accepted = new[] { new AcceptedIncident(new string('e', 64), "Ada", "why", "2026-12-02T08:00:00Z") },
            Profile = new System.Text.Json.Nodes.JsonObject { ["schema"] = "aegis.profile/v1", ["projects"] = new System.Text.Json.Nodes.JsonObject { ["Shop"] = new System.Text.Json.Nodes.JsonObject { ["n"] = 3, ["ok"] = true, ["list"] = new System.Text.Json.Nodes.JsonArray("a") } } },
        };
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "snapshot.schema.json")));
        using var written = System.Text.Json.JsonDocument.Parse(SnapshotJson.Write(snapshot));

        Assert.Empty(MiniSchema.Validate(schema.RootElement, written.RootElement));
        Assert.Equal(SnapshotJson.Write(snapshot), SnapshotJson.Write(SnapshotJson.Parse(SnapshotJson.Write(snapshot))));
    }

    [Fact]
    public void Write_NeverReplacesAnExistingSnapshot()
    {
        using var directory = new TempDirectory();
        var path = SnapshotStore.Write(directory.Path, Sample());
        var exception = Assert.Throws<AegisException>(() => SnapshotStore.Write(directory.Path, Sample() with { Name = "other" }));
        Assert.Equal(ErrorCodes.OutputNotWritable, exception.Code);
        Assert.Contains("before release", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("{\"schema\": \"aegis.snapshot/v2\"}")]
    [InlineData("{\"schema\": \"aegis.snapshot/v1\", \"id\": \"x\", \"created_at\": \"t\", \"repository\": {}, \"lines_of_code\": 1, \"health_score\": 1, \"files\": {}, \"incidents\": [ 3 ]}")]
    [InlineData("{\"schema\": \"aegis.snapshot/v1\", \"id\": \"x\", \"created_at\": \"t\", \"repository\": {}, \"lines_of_code\": 1, \"health_score\": 7, \"files\": {}, \"incidents\": []}")]
    public void Corrupt_Baseline_IsAEGB005NamingIt_AndNotOverwritten(string text)
    {
        using var directory = new TempDirectory();
        var path = directory.Write(".aegis/baseline.json", text);

        var read = Assert.Throws<AegisException>(() => Baselines.Resolve(directory.Path, null));
        var write = Assert.Throws<AegisException>(() => SnapshotStore.WriteBaseline(directory.Path, Sample()));

        Assert.Equal(ErrorCodes.CorruptStateFile, read.Code);
        Assert.Contains(path, read.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.CorruptStateFile, write.Code);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public void Corrupt_Snapshot_IsAEGB005NamingIt_ForLatestAndById()
    {
        using var directory = new TempDirectory();
        var path = directory.Write(".aegis/snapshots/20261202T071500Z-3f9a1c.json", "{\"schema\": \"aegis.snapshot/v1\"");

        Assert.Contains(path, Assert.Throws<AegisException>(() => Baselines.Resolve(directory.Path, "latest")).Message, StringComparison.Ordinal);
        var byId = Assert.Throws<AegisException>(() => Baselines.Resolve(directory.Path, "20261202T071500Z-3f9a1c"));
        Assert.Equal(ErrorCodes.CorruptStateFile, byId.Code);
        Assert.Equal("{\"schema\": \"aegis.snapshot/v1\"", File.ReadAllText(path));
    }

    [Fact]
    public void Resolve_DefaultLatestIdAndPath()
    {
        using var directory = new TempDirectory();
        Assert.Null(Baselines.Resolve(directory.Path, null));
        Assert.Equal(ErrorCodes.SnapshotNotFound, Assert.Throws<AegisException>(() => Baselines.Resolve(directory.Path, "latest")).Code);
        Assert.Equal(ErrorCodes.SnapshotNotFound, Assert.Throws<AegisException>(() => Baselines.Resolve(directory.Path, "20261202T071500Z-000000")).Code);

        SnapshotStore.Write(directory.Path, Sample("20261202T071500Z-aaaaaa"));
        SnapshotStore.Write(directory.Path, Sample("20261203T071500Z-000000"));
        SnapshotStore.WriteBaseline(directory.Path, Sample("20261201T000000Z-bbbbbb"));

        Assert.Equal("20261201T000000Z-bbbbbb", Baselines.Resolve(directory.Path, null)!.Snapshot.Id);
        Assert.Equal("20261203T071500Z-000000", Baselines.Resolve(directory.Path, "latest")!.Snapshot.Id);
        Assert.Equal("20261202T071500Z-aaaaaa", Baselines.Resolve(directory.Path, "20261202T071500Z-aaaaaa")!.Snapshot.Id);
        Assert.Equal("20261201T000000Z-bbbbbb", Baselines.Resolve(directory.Path, ".aegis/baseline.json")!.Snapshot.Id);
    }

    [Fact]
    public void Detect_BaselineFromAnotherRepository_IsReported_NotApplied()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Other.cs", "class Other {}");
        SnapshotStore.WriteBaseline(directory.Path, Sample());

        var baseline = Baselines.Resolve(directory.Path, null)!;
        var exception = Assert.Throws<AegisException>(() => Baselines.MustBeFromThisRepository(directory.Path, baseline));

        Assert.False(baseline.Snapshot.IsFromThisRepository(directory.Path));
        Assert.Equal(ErrorCodes.BaselineFromAnotherRepository, exception.Code);
        Assert.Contains(baseline.Path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safe_BaselineWithOneOfTheRepositorysFiles_IsFromThisRepository()
    {
        using var directory = new TempDirectory();
        directory.Write("src/A.cs", "class A {}");
        Assert.True(Sample().IsFromThisRepository(directory.Path));
        Assert.True((Sample() with { Files = new SortedDictionary<string, string>() }).IsFromThisRepository(directory.Path));
    }
}
