using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;
using static Aegis.Engine.Tests.Snapshots.SnapshotFixtures;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>The ratchet: a baseline drops what is resolved and takes in new incidents only on a person's recorded word.</summary>
public sealed class BaselineRatchetTests
{
    private static readonly SnapshotIncident Old = Incident("HIGH", evidence: "old + id");
    private static readonly SnapshotIncident Fixed = Incident("MEDIUM", evidence: "fixed + id");
    private static readonly SnapshotIncident Added = Incident("CRITICAL", evidence: "new + id");

    private static Snapshot State(params SnapshotIncident[] incidents) => SnapshotStoreTests.Sample(incidents: incidents);

    [Fact]
    public void FirstBaseline_TakesEverything_AsExistingDebt()
    {
        var result = BaselineRatchet.Update(null, State(Old, Fixed), acceptance: null);
        Assert.True(result.Created);
        Assert.Equal(2, result.Baseline.Incidents.Count);
        Assert.Empty(result.Baseline.Accepted);
    }

    [Fact]
    public void DropsResolved_AndDoesNotAddNew_WithoutAcceptNew()
    {
        var result = BaselineRatchet.Update(State(Old, Fixed), State(Old, Added), acceptance: null);

        Assert.Equal(new[] { Old.Fingerprint }, result.Baseline.Incidents.Select(i => i.Fingerprint));
        Assert.Equal((1, 1, 0, 1), (result.Kept, result.Dropped, result.Added, result.NotAdded));
        Assert.Empty(result.Baseline.Accepted);
    }

    [Fact]
    public void AcceptNew_AddsThem_RecordingWhoWhyAndWhen()
    {
        var result = BaselineRatchet.Update(State(Old), State(Old, Added), new Acceptance("Ada", "vendor code, ticket SEC-12", "2026-12-02T08:00:00Z"));

        Assert.Equal(2, result.Baseline.Incidents.Count);
        var accepted = Assert.Single(result.Baseline.Accepted);
        Assert.Equal(new AcceptedIncident(Added.Fingerprint, "Ada", "vendor code, ticket SEC-12", "2026-12-02T08:00:00Z"), accepted);
        Assert.Equal(0, result.NotAdded);
    }

    [Theory]
    [InlineData("Ada", "")]
    [InlineData("Ada", "  ")]
    [InlineData("", "because")]
    public void AcceptNew_WithoutAReason_IsAEGB064(string by, string why)
    {
        var exception = Assert.Throws<AegisException>(() => BaselineRatchet.Update(State(Old), State(Old, Added), new Acceptance(by, why, "t")));
        Assert.Equal(ErrorCodes.AcceptNewNeedsReason, exception.Code);
    }

    [Fact]
    public void AcceptedEntries_FollowARenamedFile_AndLeaveWithTheirIncident()
    {
        var baseline = State(Old, Added) with { Accepted = new[] { new AcceptedIncident(Added.Fingerprint, "Ada", "why", "t") } };
        var renamed = Incident("CRITICAL", file: "src/Renamed.cs", evidence: "new + id");
        var current = State(Old, renamed) with { Files = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["src/Renamed.cs"] = "c" } };

        var result = BaselineRatchet.Update(baseline, current, acceptance: null);
        Assert.Equal(renamed.Fingerprint, Assert.Single(result.Baseline.Accepted).Fingerprint);

        var fixedLater = BaselineRatchet.Update(result.Baseline, State(Old), acceptance: null);
        Assert.Empty(fixedLater.Baseline.Accepted);
    }
}
