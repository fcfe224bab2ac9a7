using Aegis.Analyzers;
using Aegis.Engine.Compilation;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>
/// An SQL identifier a data-access library computes is a LOW review note: the card lists and scores it, but it needs
/// a person, not a patch, so one of them cannot make a card CRITICAL.
/// </summary>
public sealed class IdentifierReviewNoteTests
{
    private const string LibraryQueries = """
        using System.Data.Common;

        namespace Data;

        public static class Maintenance
        {
            public static int Purge(DbCommand command, string table)
            {
                command.CommandText = $"DELETE FROM {table} WHERE Deleted = 1";
                return command.ExecuteNonQuery();
            }
        }
        """;

    [Fact]
    public async Task OneLibraryIdentifierIncident_IsAReviewNote_AndTheCardIsNotCritical()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteProject(directory, "src/Data/Data.csproj", new Dictionary<string, string> { ["src/Data/Maintenance.cs"] = LibraryQueries });
        var engine = new AegisEngine(TestProjects.Options(directory.Path));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);

        var incident = Assert.Single(analysis.Incidents);
        Assert.Equal(RuleIdentifiers.NonConstantSql, incident.Rule);
        Assert.Equal(IncidentSeverities.Low, incident.Severity);
        Assert.Equal(RemediationStrategies.NeedsHumanReview, incident.RemediationStrategy);
        Assert.True(incident.IsReviewNote);

        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "test") }, CancellationToken.None);

        Assert.Equal(RiskStatus.Blocked, card.Status);
        Assert.Equal(Recommendations.NeedsHumanReview, card.Recommendation);
        Assert.Contains(card.Checks, c => c.Name == CheckNames.Incidents && !c.Passed);
        Assert.Contains(card.Checks, c => c.Name == CheckNames.Patches && c.Passed && c.Message == "1 review note(s): a person decides, no patch expected");
        Assert.Contains(card.Checks, c => c.Name == CheckNames.Confidence && c.Passed);
        Assert.Equal(RiskScorer.BaseBlocked + RiskScorer.PerFailedCheck + RiskScorer.SeverityWeight(IncidentSeverities.Low), card.RiskScore);
        Assert.Equal(RiskLevels.High, card.RiskLevel);
    }

    [Fact]
    public void ReviewNote_OnlyLowIncidentsThatNeedAPerson()
    {
        Assert.True(new Analysis.Incident { Severity = IncidentSeverities.Low, RemediationStrategy = RemediationStrategies.NeedsHumanReview }.IsReviewNote);
        Assert.False(new Analysis.Incident { Severity = IncidentSeverities.High, RemediationStrategy = RemediationStrategies.NeedsHumanReview }.IsReviewNote);
        Assert.False(new Analysis.Incident { Severity = IncidentSeverities.Low, RemediationStrategy = RemediationStrategies.ParameterizeAdo }.IsReviewNote);
    }
}
