using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>The health score's properties (docs/risk-card.md): exact 1.0, monotone, size-normalised, bounded.</summary>
public sealed class HealthScoreTests
{
    private static readonly string[] Severities = { "CRITICAL", "HIGH", "MEDIUM", "LOW" };

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(40_000)]
    public void NoIncidents_IsExactlyOne(int lines)
    {
        Assert.Equal(1.0, HealthScore.Compute(Array.Empty<string>(), lines));
        Assert.Equal(1.0, HealthScore.Exact(Array.Empty<string>(), lines));
    }

    [Fact]
    public void AnyIncident_IsBelowOne_EvenInAHugeRepository()
    {
        Assert.True(HealthScore.Compute(new[] { "LOW" }, 10_000_000) < 1.0);
        Assert.Equal(0.99, HealthScore.Compute(new[] { "LOW" }, 10_000_000));
    }

    [Fact]
    public void Monotone_EachIncidentLowersIt_AndMoreSevereLowersItMore()
    {
        var random = new Random(11);
        for (var round = 0; round < 200; round++)
        {
            var lines = random.Next(0, 200_000);
            var incidents = Enumerable.Range(0, random.Next(0, 30)).Select(_ => Severities[random.Next(Severities.Length)]).ToList();
            var before = HealthScore.Exact(incidents, lines);
            foreach (var severity in Severities)
            {
                Assert.True(HealthScore.Exact(incidents.Append(severity), lines) < before, $"adding {severity} to {incidents.Count} incident(s) in {lines} lines");
                Assert.True(HealthScore.Compute(incidents.Append(severity), lines) <= HealthScore.Compute(incidents, lines));
            }

            for (var i = 0; i < Severities.Length - 1; i++)
            {
                Assert.True(HealthScore.Exact(incidents.Append(Severities[i]), lines) < HealthScore.Exact(incidents.Append(Severities[i + 1]), lines));
            }
        }
    }

    [Fact]
    public void SizeNormalised_TheSameIncidentsWeighLessInMoreCode()
    {
        var incidents = new[] { "HIGH", "HIGH", "MEDIUM" };
        Assert.True(HealthScore.Exact(incidents, 2_000) < HealthScore.Exact(incidents, 4_000));
        Assert.True(HealthScore.Exact(incidents, 4_000) < HealthScore.Exact(incidents, 40_000));
        // Twice the code and twice the incidents: the same density, the same health.
        Assert.Equal(HealthScore.Exact(incidents, 5_000), HealthScore.Exact(incidents.Concat(incidents), 10_000), 12);
        // Below the minimum size a repository counts as 1,000 lines.
        Assert.Equal(HealthScore.Exact(incidents, 10), HealthScore.Exact(incidents, HealthScore.MinimumLines));
    }

    [Fact]
    public void Bounded_BetweenZeroAndOne_AndTwoDecimals()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var incidents = Enumerable.Range(0, random.Next(0, 500)).Select(_ => Severities[random.Next(Severities.Length)]).ToList();
            var score = HealthScore.Compute(incidents, random.Next(0, 100_000));
            Assert.InRange(score, 0.0, 1.0);
            Assert.Equal(Math.Round(score, 2), score);
        }
    }

    [Fact]
    public void TheFormula_AsDocumented()
    {
        // One HIGH (0.8) and one LOW (0.1) in 3,000 lines: density 0.3 per thousand lines, 1 / 1.3 = 0.769…
        Assert.Equal(1 / 1.3, HealthScore.Exact(new[] { "HIGH", "LOW" }, 3_000), 12);
        Assert.Equal(0.76, HealthScore.Compute(new[] { "HIGH", "LOW" }, 3_000));
    }
}
