using Aegis.Analyzers;
using Aegis.Engine.Analysis;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>One test per scoring rule of DESIGN.md (and docs/risk-card.md).</summary>
public sealed class RiskScorerTests
{
    private static RiskCard Card(string status = RiskStatus.Allow, params Check[] checks)
        => new() { Status = status, Checks = checks.ToList() };

    private static int Score(RiskCard card)
    {
        RiskScorer.Score(card);
        return card.RiskScore;
    }

    [Fact]
    public void Base_Allowed10() => Assert.Equal(10, Score(Card()));

    [Fact]
    public void Base_Blocked50() => Assert.Equal(50, Score(Card(RiskStatus.Blocked)));

    [Fact]
    public void FailedCheck_Plus15Each()
        => Assert.Equal(50 + 15 + 15, Score(Card(RiskStatus.Blocked, new Check("syntax", false, "x"), new Check("incidents", false, "y"), new Check("sandbox", true, "ok"))));

    [Fact]
    public void PolicyFailure_Plus20More()
        => Assert.Equal(50 + 15 + 20, Score(Card(RiskStatus.Blocked, new Check(CheckNames.Policy, false, "blocked path"))));

    [Fact]
    public void TestFailure_Plus25More()
        => Assert.Equal(50 + 15 + 25, Score(Card(RiskStatus.Blocked, new Check(CheckNames.SandboxTests, false, "2 of 41 failed"))));

    [Theory]
    [InlineData("+DROP TABLE Users;", "DROP statement", 15)]
    [InlineData("+var sql = \"DELETE FROM Orders\";", "DELETE without WHERE", 12)]
    [InlineData("+TRUNCATE TABLE Orders", "TRUNCATE", 12)]
    [InlineData("-[Authorize]", "removed [Authorize]", 15)]
    [InlineData("+[AllowAnonymous]", "added [AllowAnonymous]", 10)]
    [InlineData("+handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;", "disabled TLS validation", 15)]
    [InlineData("+Process.Start(userInput);", "Process.Start with non-constant input", 10)]
    [InlineData("+var token = \"ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";", "added secret", 15)]
    [InlineData("+#pragma warning disable AEG001", "disabled security check", 8)]
    public void RiskyPattern_AddsItsPoints(string diffLine, string pattern, int points)
    {
        var card = Card();
        card.DiffAnalysis = DiffAnalyzer.Analyze("--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n" + diffLine + "\n", SecretMasker.None);
        Assert.Equal(new[] { pattern }, card.DiffAnalysis.RiskyPatterns);
        Assert.Equal(10 + points, Score(card));
        Assert.InRange(points, 8, 15);
    }

    [Theory]
    [InlineData("+var sql = \"DELETE FROM Orders WHERE Id = @id\";")]
    [InlineData("+Process.Start(\"git\");")]
    [InlineData("+[Authorize(Policy = \"Staff\")]")]
    public void SafeLines_AreNotRisky(string diffLine)
        => Assert.Empty(DiffAnalyzer.Analyze("@@ -1,0 +1,1 @@\n" + diffLine + "\n", SecretMasker.None).RiskyPatterns);

    [Fact]
    public void MovedAuthorize_IsNotARemoval()
        => Assert.Empty(DiffAnalyzer.Analyze("@@ -1,2 +1,2 @@\n-[Authorize]\n+[Authorize]\n", SecretMasker.None).RiskyPatterns);

    [Fact]
    public void MoreThanTenLinesDeleted_Plus15()
    {
        var eleven = "@@ -1,11 +0,0 @@\n" + string.Concat(Enumerable.Range(0, 11).Select(i => "-line " + i + "\n"));
        var ten = "@@ -1,10 +0,0 @@\n" + string.Concat(Enumerable.Range(0, 10).Select(i => "-line " + i + "\n"));
        var card = Card();
        card.DiffAnalysis = DiffAnalyzer.Analyze(eleven, SecretMasker.None);
        Assert.Equal(25, Score(card));
        card.DiffAnalysis = DiffAnalyzer.Analyze(ten, SecretMasker.None);
        Assert.Equal(10, Score(card));
    }

    [Theory]
    [InlineData("CRITICAL", 12)]
    [InlineData("HIGH", 8)]
    [InlineData("MEDIUM", 4)]
    [InlineData("LOW", 1)]
    public void Incidents_BySeverity(string severity, int points)
    {
        var card = Card();
        card.Incidents.Add(new Incident { Rule = "AEG001", Severity = severity, File = "a.cs", Line = 1 });
        Assert.Equal(10 + points, Score(card));
    }

    [Fact]
    public void CappedAt100()
    {
        var card = Card(RiskStatus.Blocked, Enumerable.Range(0, 10).Select(i => new Check("c" + i, false, "x")).ToArray());
        Assert.Equal(100, Score(card));
        Assert.Equal(RiskLevels.Critical, card.RiskLevel);
    }

    [Theory]
    [InlineData(0, "LOW")]
    [InlineData(19, "LOW")]
    [InlineData(20, "MEDIUM")]
    [InlineData(49, "MEDIUM")]
    [InlineData(50, "HIGH")]
    [InlineData(79, "HIGH")]
    [InlineData(80, "CRITICAL")]
    [InlineData(100, "CRITICAL")]
    public void Levels(int score, string level) => Assert.Equal(level, RiskLevels.For(score));

    [Fact]
    public void Reasons_HighestFirst_AndHealthScore()
    {
        var card = Card(RiskStatus.Blocked, new Check(CheckNames.Policy, false, "p"), new Check("ok", true, "fine"));
        RiskScorer.Score(card);
        Assert.Equal(20, card.Reasons[0].Points);
        Assert.Equal(85, card.RiskScore);
        // Health is about incidents per line of C#, not checks: a blocked card without incidents is fully healthy.
        Assert.Equal(1.0, card.HealthScore);
    }

    [Fact]
    public void HealthScore_IsHealthScoreCompute_OfTheCardsIncidents()
    {
        var card = Card(RiskStatus.Allow);
        card.Incidents.Add(new Incident { Rule = "AEG001", Severity = IncidentSeverities.High, File = "a.cs", Line = 1 });
        card.Incidents.Add(new Incident { Rule = "AEG002", Severity = IncidentSeverities.Low, File = "a.cs", Line = 2 });
        card.LinesOfCSharp = 3_000;

        RiskScorer.Score(card);

        Assert.Equal(HealthScore.Compute(new[] { "HIGH", "LOW" }, 3_000), card.HealthScore);
        Assert.Equal(0.76, card.HealthScore);
    }
}
