using System.Text.Json;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Patching;
using Aegis.Engine.Policy;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// <c>.aegis/knowledge/patterns.json</c> and the confidence boost: the formula's properties (bounds, minimum samples,
/// monotone, negative for failing strategies), merging, parallel writers, a corrupt file, regressions, the policy
/// knobs, and the engine recording every sandboxed card's repairs once.
/// </summary>
public sealed class KnowledgeBaseTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static KnowledgePattern Pattern(int verified, int failed, int regressed = 0)
        => new("AEG001", "parameterize", verified + failed, verified, failed, regressed, Now);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 0)]
    [InlineData(0, 4)]
    [InlineData(2, 2)]
    public void Boost_IsZero_BelowMinSamples(int verified, int failed)
        => Assert.Equal(0, ConfidenceBoost.For(Pattern(verified, failed), KnowledgePolicy.Default));

    [Fact]
    public void Boost_IsZero_WithoutAPattern()
        => Assert.Equal(0, ConfidenceBoost.For(null, KnowledgePolicy.Default));

    [Theory]
    [InlineData(5, 0)]
    [InlineData(1000, 0)]
    [InlineData(0, 1000)]
    [InlineData(100_000, 0)]
    [InlineData(0, 100_000)]
    public void Boost_StaysWithinTheCap(int verified, int failed)
    {
        var policy = new KnowledgePolicy { MaxBoost = 0.15 };
        var boost = ConfidenceBoost.For(Pattern(verified, failed), policy);
        Assert.InRange(boost, -0.15, 0.15);
        Assert.NotEqual(0, boost);
    }

    [Fact]
    public void Boost_RisesWithEachSuccess_AndFallsWithEachFailure()
    {
        var policy = new KnowledgePolicy { MaxBoost = 0.5, MinSamples = 5 };
        var previous = double.MinValue;
        for (var verified = 0; verified <= 20; verified++)
        {
            var boost = ConfidenceBoost.For(Pattern(verified, 20 - verified), policy);
            Assert.True(boost >= previous, $"{verified} of 20 verified: {boost} < {previous}");
            previous = boost;
        }

        Assert.True(ConfidenceBoost.For(Pattern(15, 5), policy) < ConfidenceBoost.For(Pattern(20, 0), policy));
        Assert.True(ConfidenceBoost.For(Pattern(10, 3), policy) > ConfidenceBoost.For(Pattern(10, 6), policy));
    }

    [Fact]
    public void Boost_IsNegative_ForAStrategyThatKeepsFailing_OrRegressing()
    {
        Assert.True(ConfidenceBoost.For(Pattern(1, 9), KnowledgePolicy.Default) < 0);
        Assert.True(ConfidenceBoost.For(Pattern(10, 0, regressed: 9), KnowledgePolicy.Default) < 0);
        Assert.True(ConfidenceBoost.For(Pattern(10, 0), KnowledgePolicy.Default) > 0);
        Assert.True(ConfidenceBoost.For(Pattern(10, 0, regressed: 3), KnowledgePolicy.Default) < ConfidenceBoost.For(Pattern(10, 0), KnowledgePolicy.Default));
    }

    [Fact]
    public void Boost_FollowsTheDocumentedFormula()
    {
        // 10 verified, 2 failed: p = 11/14, boost = 0.15 × (2p − 1) = 0.0857… → 0.09.
        Assert.Equal(0.09, ConfidenceBoost.For(Pattern(10, 2), KnowledgePolicy.Default));
        Assert.Equal(1.0, ConfidenceBoost.Apply(0.95, 0.15));
        Assert.Equal(0.0, ConfidenceBoost.Apply(0.05, -0.15));
    }

    [Fact]
    public void Record_MergesPerRuleAndStrategy_AndRoundTrips()
    {
        using var directory = new TempDirectory();
        KnowledgeBase.Record(directory.Path, new[]
        {
            new RepairOutcome("AEG001", "parameterize", "a", ValidationStatuses.Verified),
            new RepairOutcome("AEG001", "parameterize", "b", ValidationStatuses.Failed),
            new RepairOutcome("AEG003", "add-authorize", "c", ValidationStatuses.Verified),
        }, Now);
        KnowledgeBase.Record(directory.Path, new[] { new RepairOutcome("AEG001", "parameterize", "a", ValidationStatuses.Verified) }, Now.AddMinutes(1));

        var state = KnowledgeBase.Read(directory.Path);
        Assert.Equal(new KnowledgePattern("AEG001", "parameterize", 3, 2, 1, 0, Now.AddMinutes(1)), state.Find("AEG001", "parameterize"));
        Assert.Equal(new KnowledgePattern("AEG003", "add-authorize", 1, 1, 0, 0, Now), state.Find("AEG003", "add-authorize"));
        using var document = JsonDocument.Parse(File.ReadAllText(KnowledgeBase.PathFor(directory.Path)));
        Assert.Equal("aegis.knowledge/v1", document.RootElement.GetProperty("schema").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("patterns").GetArrayLength());
    }

    [Fact]
    public void PatternsJson_MatchesItsSchema()
    {
        using var directory = new TempDirectory();
        KnowledgeBase.Record(directory.Path, new[] { new RepairOutcome("AEG001", "parameterize", "a", ValidationStatuses.Verified) }, Now);
        KnowledgeBase.RecordApplied(directory.Path, new[] { new AppliedRepair(new string('a', 64), "AEG001", "parameterize", Now) }, Now);

        using var json = JsonDocument.Parse(File.ReadAllText(KnowledgeBase.PathFor(directory.Path)));
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "knowledge.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, json.RootElement));
    }

    [Fact]
    public void Record_NothingToRecord_WritesNoFile()
    {
        using var directory = new TempDirectory();
        KnowledgeBase.Record(directory.Path, Array.Empty<RepairOutcome>(), Now);
        Assert.False(File.Exists(KnowledgeBase.PathFor(directory.Path)));
    }

    [Fact]
    public async Task Record_ParallelWriters_LoseNoCount()
    {
        using var directory = new TempDirectory();
        var writers = Enumerable.Range(0, 16).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                KnowledgeBase.Record(directory.Path, new[]
                {
                    new RepairOutcome("AEG001", "parameterize", "f" + writer + "-" + i, i % 3 == 0 ? ValidationStatuses.Failed : ValidationStatuses.Verified),
                    new RepairOutcome("AEG003", "add-authorize", "g" + writer + "-" + i, ValidationStatuses.Verified),
                }, Now);
            }
        }));
        await Task.WhenAll(writers);

        var state = KnowledgeBase.Read(directory.Path);
        var sql = state.Find("AEG001", "parameterize")!;
        Assert.Equal((160, 16 * 6, 16 * 4), (sql.Attempts, sql.Verified, sql.Failed));
        Assert.Equal(160, state.Find("AEG003", "add-authorize")!.Verified);
        Assert.Empty(Directory.GetFiles(KnowledgeBase.DirectoryFor(directory.Path), "*.tmp"));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("{\"schema\": \"aegis.knowledge/v1\", \"patterns\": [{\"rule\": \"AEG001\", \"remediation_strategy\": \"parameterize\", \"attempts\": -1, \"verified\": 0, \"failed\": 0, \"regressed\": 0}]}")]
    [InlineData("{\"schema\": \"other\", \"patterns\": []}")]
    public void CorruptPatterns_AEGB005_NamesIt_NeverOverwritten(string content)
    {
        using var directory = new TempDirectory();
        var path = directory.Write(".aegis/knowledge/patterns.json", content);

        var read = Assert.Throws<AegisException>(() => KnowledgeBase.Read(directory.Path));
        var record = Assert.Throws<AegisException>(() => KnowledgeBase.Record(directory.Path, new[] { new RepairOutcome("AEG001", "parameterize", "a", ValidationStatuses.Verified) }, Now));

        foreach (var exception in new[] { read, record })
        {
            Assert.Equal(ErrorCodes.CorruptStateFile, exception.Code);
            Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        }

        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void NoteSnapshot_CountsARepairedIncidentComingBack_Once()
    {
        using var directory = new TempDirectory();
        KnowledgeBase.Record(directory.Path, new[] { new RepairOutcome("AEG001", "parameterize", "fp1", ValidationStatuses.Verified) }, Now);
        KnowledgeBase.RecordApplied(directory.Path, new[] { new AppliedRepair("fp1", "AEG001", "parameterize", Now), new AppliedRepair("fp2", "AEG001", "parameterize", Now) }, Now);

        Assert.Equal(0, KnowledgeBase.NoteSnapshot(directory.Path, new[] { "other" }, Now));
        Assert.Equal(1, KnowledgeBase.NoteSnapshot(directory.Path, new[] { "fp1", "other" }, Now));
        Assert.Equal(0, KnowledgeBase.NoteSnapshot(directory.Path, new[] { "fp1" }, Now));

        var state = KnowledgeBase.Read(directory.Path);
        Assert.Equal(1, state.Find("AEG001", "parameterize")!.Regressed);
        Assert.Equal(new[] { "fp2" }, state.Applied.Select(a => a.Fingerprint));
    }

    [Fact]
    public void Policy_KnowledgeKnobs_AreRead()
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/policy.json", "{\"knowledge\": {\"min_samples\": 3, \"max_boost\": 0.1, \"auto_repair_threshold\": 0.8}}");
        var knowledge = AegisPolicy.Load(directory.Path).Knowledge;
        Assert.Equal((3, 0.1, 0.8), (knowledge.MinSamples, knowledge.MaxBoost, knowledge.AutoRepairThreshold));
        Assert.Equal((5, 0.15, 0.7), (KnowledgePolicy.Default.MinSamples, KnowledgePolicy.Default.MaxBoost, KnowledgePolicy.Default.AutoRepairThreshold));
    }

    [Theory]
    [InlineData("{\"knowledge\": 1}")]
    [InlineData("{\"knowledge\": {\"min_samples\": 0}}")]
    [InlineData("{\"knowledge\": {\"max_boost\": 0.9}}")]
    [InlineData("{\"knowledge\": {\"auto_repair_threshold\": \"high\"}}")]
    [InlineData("{\"knowledge\": {\"min_sample\": 5}}")]
    public void Policy_BadKnowledgeKnob_AEGB005(string content)
    {
        using var directory = new TempDirectory();
        var path = directory.Write(".aegis/policy.json", content);
        var exception = Assert.Throws<AegisException>(() => AegisPolicy.Load(directory.Path));
        Assert.Equal(ErrorCodes.CorruptStateFile, exception.Code);
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    /// <summary>What every front does: the card made, then written (which records its repairs).</summary>
    private static async Task<RiskCards.RiskCard> CardAsync(AegisEngine engine, TempDirectory directory, ProjectAnalysis analysis, Action<string, string>? warn = null)
    {
        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "test") }, CancellationToken.None);
        var files = RiskCards.RiskCardOutput.Write(card, card.Masker, Path.Combine(directory.Path, "out"), directory.Path, _ => null);
        foreach (var (code, message) in files.Warnings)
        {
            warn?.Invoke(code, message);
        }

        return card;
    }

    [Fact]
    public async Task WrittenCard_RecordsItsRepairs_Once()
    {
        using var directory = new TempDirectory();
        var engine = new AegisEngine(TestProjects.Options(directory.Path));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), CancellationToken.None);

        _ = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "test") }, CancellationToken.None);
        Assert.False(File.Exists(KnowledgeBase.PathFor(directory.Path))); // a card not written counts nothing
        var card = await CardAsync(engine, directory, analysis);

        var incident = Assert.Single(card.Incidents);
        var pattern = KnowledgeBase.Read(directory.Path).Find(incident.Rule, incident.RemediationStrategy);
        Assert.Equal(new KnowledgePattern(incident.Rule, incident.RemediationStrategy, 1, 1, 0, 0, Now), pattern);
    }

    [Fact]
    public async Task WrittenCard_WithoutASandbox_RecordsNothing()
    {
        using var directory = new TempDirectory();
        var engine = new AegisEngine(TestProjects.Options(directory.Path, sandbox: "none"));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), CancellationToken.None);

        await CardAsync(engine, directory, analysis);

        Assert.False(File.Exists(KnowledgeBase.PathFor(directory.Path)));
    }

    [Fact]
    public async Task WrittenCard_FailedRepair_IsRecordedFailed()
    {
        using var directory = new TempDirectory();
        var engine = new AegisEngine(TestProjects.Options(directory.Path));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), CancellationToken.None);
        analysis.Patches[0].PatchedText = analysis.Patches[0].OriginalText + "\n// no real change\n";

        var card = await CardAsync(engine, directory, analysis);

        var incident = Assert.Single(card.Incidents);
        Assert.Equal((1, 0, 1), Counts(KnowledgeBase.Read(directory.Path).Find(incident.Rule, incident.RemediationStrategy)!));
    }

    [Fact]
    public async Task Engine_BoostsConfidence_AndTheConfidenceCheckJudgesTheBoostedValue()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var probe = await new AegisEngine(TestProjects.Options(directory.Path, sandbox: "none")).AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var raw = Assert.Single(probe.Incidents);
        // A strong record for this rule and strategy, and a min_confidence just above the raw confidence.
        var outcomes = Enumerable.Range(0, 20).Select(i => new RepairOutcome(raw.Rule, raw.RemediationStrategy, "x" + i, ValidationStatuses.Verified)).ToList();
        KnowledgeBase.Record(directory.Path, outcomes, Now);
        var policy = new AegisPolicy { MinConfidence = raw.Confidence + 0.05 };
        var options = TestProjects.Options(directory.Path);
        var engine = new AegisEngine(new EngineOptions { RepositoryRoot = options.RepositoryRoot, Catalog = options.Catalog, Sandbox = "file", Clock = options.Clock, Policy = policy });
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);

        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "test") }, CancellationToken.None);

        var incident = Assert.Single(card.Incidents);
        Assert.Equal(0.14, incident.ConfidenceBoost); // p = 21/22: 0.15 × 20/22 = 0.136… → 0.14
        Assert.Equal(ConfidenceBoost.Apply(raw.Confidence, 0.14), incident.BoostedConfidence);
        Assert.Contains(card.Checks, c => c.Name == Verification.CheckNames.Confidence && c.Passed);
        var json = JsonDocument.Parse(RiskCards.RiskCardJson.Write(card, card.Masker)).RootElement.GetProperty("incidents")[0];
        Assert.Equal(raw.Confidence, json.GetProperty("confidence").GetDouble());
        Assert.Equal(0.14, json.GetProperty("confidence_boost").GetDouble());
        Assert.Equal(incident.BoostedConfidence, json.GetProperty("boosted_confidence").GetDouble());

        // The same card without the record: raw confidence alone fails the check.
        File.Delete(KnowledgeBase.PathFor(directory.Path));
        var unboosted = await engine.EvaluateAsync(new[] { await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None) }, new() { new("kind", "test") }, CancellationToken.None);
        Assert.Equal(0, Assert.Single(unboosted.Incidents).ConfidenceBoost);
        Assert.Contains(unboosted.Checks, c => c.Name == Verification.CheckNames.Confidence && !c.Passed);
    }

    [Fact]
    public async Task Engine_CorruptKnowledgeBase_CardStillMade_WarningNamesTheFile_FileUntouched()
    {
        using var directory = new TempDirectory();
        var path = directory.Write(".aegis/knowledge/patterns.json", "{ torn");
        var warnings = new List<(string Code, string Message)>();
        var options = TestProjects.Options(directory.Path);
        var engine = new AegisEngine(new EngineOptions { RepositoryRoot = options.RepositoryRoot, Catalog = options.Catalog, Sandbox = "file", Clock = options.Clock, Warn = (code, message) => warnings.Add((code, message)) });
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), CancellationToken.None);

        var card = await CardAsync(engine, directory, analysis, (code, message) => warnings.Add((code, message)));

        Assert.Single(card.Incidents);
        Assert.True(File.Exists(Path.Combine(directory.Path, "out", "risk-card.json")));
        Assert.Equal(2, warnings.Count); // the boost not applied, the repairs not recorded
        Assert.All(warnings, w => Assert.Equal(ErrorCodes.CorruptStateFile, w.Code));
        Assert.All(warnings, w => Assert.Contains(path, w.Message, StringComparison.Ordinal));
        Assert.Equal("{ torn", File.ReadAllText(path));
    }

    private static (int Attempts, int Verified, int Failed) Counts(KnowledgePattern pattern) => (pattern.Attempts, pattern.Verified, pattern.Failed);
}
