using System.Text.Json;
using Aegis.Engine.Releases;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Releases;

[Trait("Category", "Releases")]
public sealed class ReleaseGateTests
{
    [Theory]
    [InlineData(new string[0], "needs_review", "Inconclusive", 428, 4)]
    [InlineData(new[] { "approve" }, "approved", "Successful", 200, 0)]
    [InlineData(new[] { "approve", "advance" }, "approved", "Successful", 200, 0)]
    [InlineData(new[] { "approve", "advance", "advance", "advance", "advance" }, "approved", "Successful", 200, 0)]
    [InlineData(new[] { "reject" }, "rollback", "Failed", 412, 1)]
    [InlineData(new[] { "approve", "advance", "rollback" }, "rollback", "Failed", 412, 1)]
    public void Gate_MapsTheReleaseToFlaggerAndArgo(string[] moves, string verdict, string phase, int httpStatus, int exitCode)
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        foreach (var move in moves)
        {
            store.Apply(id, move, "bob", "because");
        }

        var answer = store.Gate(id);

        Assert.Equal((verdict, phase, httpStatus, exitCode), (answer.Verdict.Name, answer.Verdict.Phase, answer.Verdict.HttpStatus, answer.Verdict.ExitCode));
        Assert.Equal(exitCode == 0, answer.Passed);
        // The exported gate.json is the same answer, rewritten on every transition.
        Assert.Equal(answer.ToJson(), File.ReadAllText(repository.ReleaseFile(id, "gate.json")));
        using var json = JsonDocument.Parse(answer.ToJson());
        Assert.Equal(phase, json.RootElement.GetProperty("phase").GetString());
        Assert.Equal(httpStatus, json.RootElement.GetProperty("http_status").GetInt32());
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "release-gate.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, json.RootElement));
    }

    [Fact]
    public void Gate_OfAForcedCandidate_SaysWhatTheCardRecommended()
    {
        using var repository = new ReleaseRepository("rollback");
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: true).Id;

        var answer = store.Gate(id);

        Assert.Equal("Inconclusive", answer.Verdict.Phase);
        Assert.True(answer.Forced);
        Assert.Equal("rollback", answer.CardRecommendation);
        Assert.Contains("the card says rollback", answer.Reason, StringComparison.Ordinal);
    }
}
