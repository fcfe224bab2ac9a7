using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.Releases;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Releases;

[Trait("Category", "Releases")]
public sealed class ReleaseStoreTests
{
    [Fact]
    public void Create_FromAnApprovedCard_IsACandidate_WithItsCardRecorded_AndTheFlagOff()
    {
        using var repository = new ReleaseRepository();

        var release = repository.Store().Create(repository.Card, "checkout", "alice", "ready", force: false);

        Assert.Equal("rel-0001", release.Id);
        Assert.Equal(ReleaseStates.Candidate, release.State);
        Assert.Equal(0, release.Weight);
        Assert.False(release.Definition.Forced);
        Assert.Null(release.Definition.ForceNote);
        Assert.Equal("cards/risk-card.json", release.Definition.Card.Path);
        Assert.Equal("approved_for_rollout", release.Definition.Card.Recommendation);
        Assert.Equal("req_0123456789abcdef0123456789abcdef", release.Definition.Card.RequestId);
        var first = Assert.Single(release.Transitions);
        Assert.Equal(("create", (string?)null, "candidate", "alice", "ready"), (first.Action, first.From, first.To, first.Actor, first.Reason));
        Assert.True(File.Exists(repository.ReleaseFile("rel-0001", "transitions/0001.json")));
        Assert.Null(repository.FeatureManagementWeight("rel-0001"));
        Assert.Equal("rel-0002", repository.Store().Create(repository.Card, null, "alice", null, force: false).Id);
    }

    [Theory]
    [InlineData("needs_human_review")]
    [InlineData("rollback")]
    public void Create_FromACardNotApprovedForRollout_NeedsForce_AndTheRecordSaysSo(string recommendation)
    {
        using var repository = new ReleaseRepository(recommendation);

        var refused = Assert.Throws<AegisException>(() => repository.Store().Create(repository.Card, "checkout", "alice", null, force: false));
        Assert.Equal(ErrorCodes.CardNotApprovedForRollout, refused.Code);
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Empty(repository.Snapshot());

        var forced = repository.Store().Create(repository.Card, "checkout", "alice", "hotfix", force: true);
        Assert.True(forced.Definition.Forced);
        Assert.Equal("created with --force from a card that recommends " + recommendation, forced.Definition.ForceNote);
        var stored = File.ReadAllText(repository.ReleaseFile(forced.Id, "transitions/0001.json"));
        Assert.Contains("\"forced\": true", stored, StringComparison.Ordinal);
        Assert.Contains("created with --force from a card that recommends " + recommendation, stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"status\": \"allow\"}")]
    [InlineData("{\"recommendation\": \"ship it\"}")]
    [InlineData("[]")]
    public void Create_FromSomethingThatIsNotACard_IsAEGB024_AndWritesNothing(string content)
    {
        using var repository = new ReleaseRepository();
        var card = repository.Write("not-a-card.json", content);

        var error = Assert.Throws<AegisException>(() => repository.Store().Create(card, null, "alice", null, force: true));

        Assert.Equal(ErrorCodes.BadReleaseInput, error.Code);
        Assert.Contains(card, error.Message, StringComparison.Ordinal);
        Assert.Empty(repository.Snapshot());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("a:b")]
    [InlineData("quote\"d")]
    public void Create_WithANameThatIsNotAFlagName_IsAEGB024(string name)
    {
        using var repository = new ReleaseRepository();

        var error = Assert.Throws<AegisException>(() => repository.Store().Create(repository.Card, name, "alice", null, force: false));

        Assert.Equal(ErrorCodes.BadReleaseInput, error.Code);
        Assert.Empty(repository.Snapshot());
    }

    [Fact]
    public void Approve_ThenAdvanceFourTimes_ReachesFull_WithTheDefaultWeightsInBothFlagFiles()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;

        Assert.Equal(ReleaseStates.Approved, store.Apply(id, ReleaseStates.Approve, "bob", "reviewed").State);
        Assert.Null(repository.FeatureManagementWeight(id));

        var expected = new[] { ("canary", 5), ("staged", 25), ("broad", 50), ("full", 100) };
        foreach (var (state, weight) in expected)
        {
            var release = store.Apply(id, ReleaseStates.Advance, "bob", null);
            Assert.Equal((state, weight), (release.State, release.Weight));
            Assert.Equal(weight, repository.FeatureManagementWeight(id));
            Assert.Equal(FlagdFlags.Render("checkout", true, weight), File.ReadAllText(repository.ReleaseFile(id, "flagd.json")));
            using var summary = JsonDocument.Parse(File.ReadAllText(repository.ReleaseFile(id, "release.json")));
            Assert.Equal(state, summary.RootElement.GetProperty("state").GetString());
        }

        var full = store.Load(id);
        Assert.Equal(6, full.Transitions.Count);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, full.Transitions.Select(t => t.Sequence));
        Assert.Equal(
            new[] { "create", "approve", "advance", "advance", "advance", "advance" },
            full.Transitions.Select(t => t.Action));
        Assert.Equal(new[] { ReleaseStates.Reject, ReleaseStates.Rollback }, ReleaseStates.LegalFrom(full.State));
    }

    [Fact]
    public void Rollback_TurnsTheFlagOffForEveryone_InBothFormats()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        store.Apply(id, ReleaseStates.Approve, "bob", null);
        store.Apply(id, ReleaseStates.Advance, "bob", null);
        store.Apply(id, ReleaseStates.Advance, "bob", null);

        var rolledBack = store.Apply(id, ReleaseStates.Rollback, "carol", "error rate up");

        Assert.Equal((ReleaseStates.RolledBack, 0), (rolledBack.State, rolledBack.Weight));
        Assert.Equal((ReleaseStates.Staged, "carol", "error rate up"), (rolledBack.Last.From, rolledBack.Last.Actor, rolledBack.Last.Reason));
        Assert.Null(repository.FeatureManagementWeight(id));
        Assert.Equal(FlagdFlags.Render("checkout", false, 0), File.ReadAllText(repository.ReleaseFile(id, "flagd.json")));
    }

    public static TheoryData<string[], string, string> IllegalMoves => new()
    {
        { new[] { "approve" }, "approve", "approved" },                                        // approve twice
        { new[] { "reject" }, "advance", "rejected" },                                         // advance a rejected release
        { new[] { "approve", "advance", "advance", "advance", "advance" }, "advance", "full" }, // advance past full
        { new string[0], "advance", "candidate" },                                             // advance before approval
        { new[] { "rollback" }, "rollback", "rolled_back" },                                   // roll back twice
        { new[] { "rollback" }, "approve", "rolled_back" },
        { new[] { "reject" }, "reject", "rejected" },
        { new string[0], "create", "candidate" },
    };

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void IllegalTransition_IsAEGB020_AndWritesNothing(string[] before, string action, string state)
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        foreach (var move in before)
        {
            store.Apply(id, move, "bob", null);
        }

        var snapshot = repository.Snapshot();
        var error = Assert.Throws<AegisException>(() => store.Apply(id, action, "mallory", "again"));

        Assert.Equal(ErrorCodes.IllegalReleaseTransition, error.Code);
        Assert.Contains($"is {state}: cannot {action} it", error.Message, StringComparison.Ordinal);
        Assert.Equal(snapshot, repository.Snapshot());
    }

    [Fact]
    public void From_GuardsAgainstMovingTwice_AEGB021WhenTheStateIsNotTheExpectedOne()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        store.Apply(id, ReleaseStates.Approve, "bob", null);
        Assert.Equal(ReleaseStates.Canary, store.Apply(id, ReleaseStates.Advance, "pipeline-a", null, expectedFrom: ReleaseStates.Approved).State);
        var snapshot = repository.Snapshot();

        var second = Assert.Throws<AegisException>(() => store.Apply(id, ReleaseStates.Advance, "pipeline-b", null, expectedFrom: ReleaseStates.Approved));
        var unknown = Assert.Throws<AegisException>(() => store.Apply(id, ReleaseStates.Advance, "pipeline-b", null, expectedFrom: "halfway"));

        Assert.Equal(ErrorCodes.ReleaseConflict, second.Code);
        Assert.Contains("is canary, not approved", second.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.BadReleaseInput, unknown.Code);
        Assert.Equal(snapshot, repository.Snapshot());
        Assert.Equal(ReleaseStates.Staged, store.Apply(id, ReleaseStates.Advance, "pipeline-b", null, expectedFrom: ReleaseStates.Canary).State);
    }

    [Fact]
    public void ConcurrentApprovals_InOneProcess_ExactlyOneWins_TheOthersGetACodedError()
    {
        using var repository = new ReleaseRepository();
        var id = repository.Store().Create(repository.Card, "checkout", "alice", null, force: false).Id;
        for (var round = 0; round < 5; round++)
        {
            var current = repository.Store().Load(id);
            var (action, from) = current.State == ReleaseStates.Candidate ? (ReleaseStates.Approve, ReleaseStates.Candidate) : (ReleaseStates.Advance, current.State);
            using var barrier = new Barrier(4);
            var outcomes = Enumerable.Range(0, 4).Select(actor => Task.Run(() =>
            {
                var store = repository.Store();
                barrier.SignalAndWait();
                try
                {
                    store.Apply(id, action, "actor-" + actor, null, from);
                    return "won";
                }
                catch (AegisException exception)
                {
                    return exception.Code;
                }
            })).ToList().Select(t => t.Result).ToList(); // every task started before any is awaited: the barrier needs all four

            Assert.Equal(1, outcomes.Count(o => o == "won"));
            Assert.All(outcomes.Where(o => o != "won"), o => Assert.Equal(ErrorCodes.ReleaseConflict, o));
            var after = repository.Store().Load(id);
            Assert.Equal(current.Sequence + 1, after.Sequence);
            Assert.Equal(after.Weight, repository.FeatureManagementWeight(id) ?? 0);
        }
    }

    [Fact]
    public void StageWeights_ComeFromThePolicy_AndExportPathsToo()
    {
        using var repository = new ReleaseRepository();
        repository.Write(".aegis/policy.json", """
            {
              "releases": {
                "stage_weights": { "canary": 1, "staged": 10, "broad": 40, "full": 90 },
                "exports": { "feature_management": "deploy/{name}.featuremanagement.json", "flagd": "deploy/flagd/{id}.json" }
              }
            }
            """);
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        store.Apply(id, ReleaseStates.Approve, "bob", null);

        var weights = Enumerable.Range(0, 4).Select(_ => store.Apply(id, ReleaseStates.Advance, "bob", null).Weight).ToArray();

        Assert.Equal(new[] { 1, 10, 40, 90 }, weights);
        Assert.Equal(FeatureManagementFlags.Render("checkout", true, 90), File.ReadAllText(repository.PathOf("deploy/checkout.featuremanagement.json")));
        Assert.Equal(FlagdFlags.Render("checkout", true, 90), File.ReadAllText(repository.PathOf($"deploy/flagd/{id}.json")));
        Assert.False(File.Exists(repository.ReleaseFile(id, "feature-management.json")));
        Assert.True(File.Exists(repository.ReleaseFile(id, "gate.json"))); // not named: the default path
        Assert.Equal("deploy/checkout.featuremanagement.json", store.ExportPaths(store.Load(id))["feature_management"]);
    }

    [Theory]
    [InlineData("""{ "releases": { "stage_weights": { "canary": 30, "staged": 25 } } }""", "must increase")]
    [InlineData("""{ "releases": { "stage_weights": { "canary": 5, "staged": 25, "broad": 50, "full": 101 } } }""", "0 to 100")]
    [InlineData("""{ "releases": { "stage_weights": { "canary": -1 } } }""", "0 to 100")]
    [InlineData("""{ "releases": { "stage_weights": { "canary": 2.5 } } }""", "whole number")]
    [InlineData("""{ "releases": { "stage_weights": { "dogfood": 1 } } }""", "unknown stage 'dogfood'")]
    [InlineData("""{ "releases": { "stage_weights": [5, 25, 50, 100] } }""", "must be an object")]
    [InlineData("""{ "releases": { "exports": { "launchdarkly": "x.json" } } }""", "unknown export")]
    [InlineData("""{ "releases": "yes" }""", "'releases' must be an object")]
    public void BadReleasePolicy_IsAEGB005_NamingThePolicyFile(string policy, string message)
    {
        using var repository = new ReleaseRepository();
        var path = repository.Write(".aegis/policy.json", policy);

        var error = Assert.Throws<AegisException>(() => AegisPolicy.Load(repository.Root));

        Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(policy, File.ReadAllText(path));
    }

    [Fact]
    public void AGoodReleasePolicy_WithSomeStagesOnly_KeepsTheDefaultsForTheRest()
    {
        using var repository = new ReleaseRepository();
        repository.Write(".aegis/policy.json", """{ "releases": { "stage_weights": { "canary": 1 } } }""");

        var weights = AegisPolicy.Load(repository.Root).Releases.StageWeights;

        Assert.Equal(new[] { 1, 25, 50, 100 }, ReleaseStates.Stages.Select(s => weights[s]));
        Assert.Equal(new[] { 5, 25, 50, 100 }, ReleaseStates.Stages.Select(s => AegisPolicy.Load(Path.GetTempPath()).Releases.WeightOf(s)));
    }

    [Theory]
    [InlineData("0002.json", "{ torn")]
    [InlineData("0002.json", "{\"schema\": \"aegis.release-transition/v1\", \"release\": \"rel-0001\", \"sequence\": 2, \"action\": \"advance\", \"from\": \"candidate\", \"to\": \"canary\", \"weight\": 5, \"actor\": \"x\", \"at\": \"t\"}")]
    [InlineData("0002.json", "{\"schema\": \"aegis.release-transition/v1\", \"release\": \"rel-0009\", \"sequence\": 2, \"action\": \"approve\", \"from\": \"candidate\", \"to\": \"approved\", \"weight\": 0, \"actor\": \"x\", \"at\": \"t\"}")]
    [InlineData("0003.json", "{\"schema\": \"aegis.release-transition/v1\", \"release\": \"rel-0001\", \"sequence\": 3, \"action\": \"approve\", \"from\": \"candidate\", \"to\": \"approved\", \"weight\": 0, \"actor\": \"x\", \"at\": \"t\"}")]
    public void CorruptTransition_IsAEGB005_NamingTheFile_AndNothingIsOverwritten(string name, string content)
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        var path = repository.Write($".aegis/releases/{id}/transitions/{name}", content);
        var snapshot = repository.Snapshot();

        foreach (var attempt in new Action[]
        {
            () => store.Load(id),
            () => store.Apply(id, ReleaseStates.Approve, "bob", null),
            () => store.Apply(id, ReleaseStates.Rollback, "bob", null),
            () => store.List(),
            () => store.Gate(id),
        })
        {
            var error = Assert.Throws<AegisException>(attempt);
            Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(snapshot, repository.Snapshot());
    }

    [Fact]
    public void CorruptSummary_IsAEGB005_AndIsNotOverwritten()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", null, force: false).Id;
        var path = repository.Write($".aegis/releases/{id}/release.json", "{ hand-edited");
        var snapshot = repository.Snapshot();

        var error = Assert.Throws<AegisException>(() => store.Apply(id, ReleaseStates.Approve, "bob", null));

        Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(snapshot, repository.Snapshot());
    }

    [Theory]
    [InlineData("rel-0002")]
    [InlineData("../rel-0001")]
    [InlineData("rel-0001/../rel-0001")]
    [InlineData("")]
    public void UnknownRelease_IsAEGB022(string id)
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        store.Create(repository.Card, "checkout", "alice", null, force: false);

        Assert.Equal(ErrorCodes.ReleaseNotFound, Assert.Throws<AegisException>(() => store.Apply(id, ReleaseStates.Approve, "bob", null)).Code);
        Assert.Equal(ErrorCodes.ReleaseNotFound, Assert.Throws<AegisException>(() => store.Gate(id)).Code);
    }

    [Fact]
    public void Reason_WithATokenOrNewlines_IsStoredOnOneLine_WithTheTokenMasked()
    {
        using var repository = new ReleaseRepository();
        var token = "ghp_" + new string('a', 36);
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", $"deploy key {token}\nsecond line", force: false).Id;

        var files = repository.Snapshot().Keys.Select(repository.PathOf).Select(File.ReadAllText).ToList();

        Assert.All(files, text => Assert.DoesNotContain(token, text, StringComparison.Ordinal));
        Assert.StartsWith("deploy key [secret github-token", store.Load(id).Last.Reason, StringComparison.Ordinal);
        Assert.EndsWith(" second line", store.Load(id).Last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AReleasesFolderThatCannotBeWritten_IsAEGB006_NotACrash()
    {
        using var repository = new ReleaseRepository();
        repository.Write(".aegis/releases", "a file where the folder should be");

        var error = Assert.Throws<AegisException>(() => repository.Store().Create(repository.Card, "checkout", "alice", null, force: false));

        Assert.Equal(ErrorCodes.OutputNotWritable, error.Code);
        Assert.Contains(".aegis/releases", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_DerivesEveryReleaseFromItsTransitions_InIdOrder()
    {
        using var repository = new ReleaseRepository();
        var store = repository.Store();
        for (var i = 0; i < 11; i++)
        {
            store.Create(repository.Card, "r" + i, "alice", null, force: false);
        }

        store.Apply("rel-0010", ReleaseStates.Reject, "bob", null);
        Directory.CreateDirectory(repository.PathOf(".aegis/releases/rel-0099")); // a folder whose creator died before its first transition

        var releases = store.List();

        Assert.Equal(Enumerable.Range(1, 11).Select(i => $"rel-{i:0000}"), releases.Select(r => r.Id));
        Assert.Equal(ReleaseStates.Rejected, releases[9].State);
    }

    [Fact]
    public void ReleaseSummary_MatchesItsSchema()
    {
        using var repository = new ReleaseRepository("needs_human_review");
        var store = repository.Store();
        var id = store.Create(repository.Card, "checkout", "alice", "why", force: true).Id;
        store.Apply(id, ReleaseStates.Approve, "bob", null);
        store.Apply(id, ReleaseStates.Advance, "bob", null);
        var docs = Path.Combine(MiniSchema.RepositoryRoot(), "docs");

        using var releaseSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(docs, "release.schema.json")));
        using var summary = JsonDocument.Parse(File.ReadAllText(repository.ReleaseFile(id, "release.json")));
        Assert.Empty(MiniSchema.Validate(releaseSchema.RootElement, summary.RootElement));

        using var transitionSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(docs, "release-transition.schema.json")));
        foreach (var file in Directory.GetFiles(repository.ReleaseFile(id, "transitions"), "*.json"))
        {
            using var transition = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Empty(MiniSchema.Validate(transitionSchema.RootElement, transition.RootElement));
        }
    }
}
