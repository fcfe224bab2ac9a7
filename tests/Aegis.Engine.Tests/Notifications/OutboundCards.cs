using Aegis.Engine.Analysis;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Notifications;

/// <summary>Cards with a planted secret, in a repository whose policy names the receivers.</summary>
internal static class OutboundCards
{
    /// <summary>A secret the card's masker knows (an AEG002 literal): it must never leave the machine.</summary>
    public const string PlantedSecret = "Plant3d-S3cret-Value-0x5EED";

    /// <summary>A secret in a known token format, masked even when no incident named it.</summary>
    public static readonly string PlantedToken = "ghp_" + new string('K', 36);

    public static RiskCard Card(string status = RiskStatus.Blocked)
    {
        var card = new RiskCard
        {
            Status = status,
            Recommendation = status == RiskStatus.Blocked ? Recommendations.Rollback : Recommendations.ApprovedForRollout,
            RequestId = "req_" + Guid.NewGuid().ToString("N"),
            Ts = 1700000000,
            Explanation = "A hard-coded secret was added to src/App/Keys.cs; move it to configuration.",
            Diff = "+    public const string Key = \"" + PlantedSecret + "\"; // " + PlantedToken + "\n",
            Stdout = "token " + PlantedToken + " key " + PlantedSecret,
            Masker = new SecretMasker(new[] { PlantedSecret }),
        };
        card.Incidents.Add(new Incident
        {
            Rule = "AEG002",
            Family = "secrets",
            Severity = "HIGH",
            Confidence = 0.95,
            File = "src/App/Keys.cs",
            Line = 4,
            Message = "Hard-coded secret '" + PlantedSecret + "' in Key",
            Evidence = "public const string Key = \"" + PlantedSecret + "\";",
            Fingerprint = new string('a', 64),
        });
        RiskScorer.Score(card);
        return card;
    }

    public static TempDirectory Repository(string policyJson)
    {
        var directory = new TempDirectory();
        directory.Write(".aegis/policy.json", policyJson);
        return directory;
    }

    public static RiskCardFiles Write(TempDirectory repository, RiskCard card, Func<string, string?>? environment = null)
        => RiskCardOutput.Write(card, card.Masker, Path.Combine(repository.Path, "out"), repository.Path, environment ?? (_ => null));

    /// <summary>Every way the planted secrets could appear in text that left the machine.</summary>
    public static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(PlantedSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedSecret[4..^4], text, StringComparison.Ordinal);
    }
}
