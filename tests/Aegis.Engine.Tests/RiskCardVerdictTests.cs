using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Analysis;
using Aegis.Engine.Patching;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>
/// Issue 9: the verdict on the code (<c>status</c>) and the verdict on the patches (<c>recommendation</c>) each say what
/// they judge, in the summary line the build prints, in the JSON, and in the Markdown and HTML titles.
/// </summary>
public sealed partial class RiskCardVerdictTests
{
    private const string Html = "/repo/src/Shop/bin/Debug/net8.0/aegis/risk-card.html";

    private const string Sql = "AEG001 SQL built from non-constant text reaches a SQL sink in src/Shop/Data/OrderSearch.cs:9";

    private static readonly Incident SqlIncident = new()
    {
        Rule = "AEG001", Family = "SQL", Severity = "HIGH", Confidence = 0.9, File = "src/Shop/Data/OrderSearch.cs", Line = 9,
        Message = "m", Evidence = "e", RemediationStrategy = "parameterize", VerificationStrategy = "sql-constant-text", Fingerprint = new string('1', 64),
    };

    private static readonly Incident AuthIncident = new()
    {
        Rule = "AEG003", Family = "AUTH", Severity = "MEDIUM", Confidence = 0.8, File = "src/Shop/Controllers/OrdersController.cs", Line = 12,
        Message = "m", Evidence = "e", RemediationStrategy = "add-authorize", VerificationStrategy = "endpoint-authorized", Fingerprint = new string('2', 64),
    };

    private static readonly Incident SecretIncident = new()
    {
        Rule = "AEG002", Family = "SECRET", Severity = "HIGH", Confidence = 0.95, File = "src/Shop/Support/IssueReporter.cs", Line = 5,
        Message = "m", Evidence = "[secret github len=40 prefix=ghp_…]", RemediationStrategy = "configuration-lookup", VerificationStrategy = "secret-absent", Fingerprint = new string('3', 64),
    };

    private static PatchArtifact Patch(string file, string status, params Incident[] fixes)
    {
        var patch = new PatchArtifact { File = file, OriginalSha256 = new string('a', 64), PatchedSha256 = new string('b', 64), Diff = "--- a/" + file + "\n+++ b/" + file + "\n", Plan = "plan", ValidationStatus = status };
        patch.Fixes.AddRange(fixes.Select(i => i.Fingerprint));
        return patch;
    }

    private static RiskCard Card(string recommendation, Incident[] incidents, PatchArtifact[] patches, params Check[] checks)
    {
        var card = new RiskCard
        {
            Action = new() { new("kind", "build"), new("project", "src/Shop/Shop.csproj") },
            Incidents = incidents.ToList(),
            Patches = patches.ToList(),
            Checks = checks.ToList(),
            Recommendation = recommendation,
            RequestId = "req_1",
            Ts = 1700000000,
        };
        card.Status = card.Checks.Any(c => !c.Passed) ? RiskStatus.Blocked : RiskStatus.Allow;
        RiskScorer.Score(card);
        return card;
    }

    private static RiskCard BlockedWithVerifiedPatches() => Card(
        Recommendations.ApprovedForRollout,
        [SqlIncident, AuthIncident],
        [Patch("src/Shop/Controllers/OrdersController.cs", ValidationStatuses.Verified, AuthIncident), Patch("src/Shop/Data/OrderSearch.cs", ValidationStatuses.Verified, SqlIncident)],
        new Check(CheckNames.Incidents, false, "2 incident(s): 1 HIGH, 1 MEDIUM"),
        new Check(CheckNames.Patches, true, "every incident has a deterministic patch"),
        new Check(CheckNames.SandboxCompile, true, "OK"));

    private static RiskCard Allowed() => Card(
        Recommendations.ApprovedForRollout,
        [],
        [],
        new Check(CheckNames.Incidents, true, "no incidents"),
        new Check(CheckNames.Sandbox, true, "no patches to verify"));

    private static RiskCard Rollback() => Card(
        Recommendations.Rollback,
        [AuthIncident],
        [Patch("src/Shop/Controllers/OrdersController.cs", ValidationStatuses.Failed, AuthIncident)],
        new Check(CheckNames.Incidents, false, "1 incident(s): 1 MEDIUM"),
        new Check(CheckNames.SandboxBuild, true, "OK"),
        new Check(CheckNames.SandboxTests, false, "2 of 41 failed"));

    private static RiskCard NeedsHumanReview() => Card(
        Recommendations.NeedsHumanReview,
        [SqlIncident, SecretIncident, AuthIncident],
        [Patch("src/Shop/Support/IssueReporter.cs", ValidationStatuses.Verified, SecretIncident), Patch("src/Shop/Controllers/OrdersController.cs", ValidationStatuses.Verified, AuthIncident)],
        new Check(CheckNames.Incidents, false, "3 incident(s): 2 HIGH, 1 MEDIUM"),
        new Check(CheckNames.Patches, false, "1 of 3 incident(s) have no safe patch (needs human review)"));

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        {
            nameof(BlockedWithVerifiedPatches),
            Html + ": Blocked (risk 77 HIGH): 2 incidents in the code (top: " + Sql + "). Patches: approved for rollout (2 of 2 incidents fixed in 2 files, verified). "
                + "Apply with: aegis fix src/Shop/Shop.csproj --rule AEG001 --rule AEG003",
            "## ⛔ Aegis Risk Card — Blocked: 2 incidents in the code · Patches: approved for rollout (2 of 2 incidents fixed in 2 files, verified)",
            "<h1>Blocked: 2 incidents in the code</h1>\n<p>Top: " + Sql + "</p>\n<p class=\"patches\">Patches: approved for rollout (2 of 2 incidents fixed in 2 files, verified)</p>\n"
                + "<p>Apply with: <code>aegis fix src/Shop/Shop.csproj --rule AEG001 --rule AEG003</code></p>"
        },
        {
            nameof(Allowed),
            Html + ": Allowed (risk 10 LOW): no incidents in the code. Patches: none needed",
            "## ✅ Aegis Risk Card — Allowed: no incidents in the code · Patches: none needed",
            "<h1>Allowed: no incidents in the code</h1>\n<p class=\"patches\">Patches: none needed</p>"
        },
        {
            nameof(Rollback),
            Html + ": Blocked (risk 100 CRITICAL): 1 incident in the code (top: AEG003 Endpoint lacks the authorization the repository's convention requires in src/Shop/Controllers/OrdersController.cs:12). "
                + "Patches: rollback, do not apply (1 of 1 incident fixed in 1 file, failed; sandbox_tests: 2 of 41 failed)",
            "## ⛔ Aegis Risk Card — Blocked: 1 incident in the code · Patches: rollback, do not apply (1 of 1 incident fixed in 1 file, failed; sandbox_tests: 2 of 41 failed)",
            "<h1>Blocked: 1 incident in the code</h1>\n<p>Top: AEG003 Endpoint lacks the authorization the repository&#39;s convention requires in src/Shop/Controllers/OrdersController.cs:12</p>\n"
                + "<p class=\"patches\">Patches: rollback, do not apply (1 of 1 incident fixed in 1 file, failed; sandbox_tests: 2 of 41 failed)</p>"
        },
        {
            nameof(NeedsHumanReview),
            Html + ": Blocked (risk 100 CRITICAL): 3 incidents in the code (top: AEG002 Hard-coded secret in src/Shop/Support/IssueReporter.cs:5). "
                + "Patches: needs human review (2 of 3 incidents fixed in 2 files, verified; 1 incident without a safe patch). "
                + "Review, then apply with: aegis fix src/Shop/Shop.csproj --rule AEG002 --rule AEG003",
            "## ⛔ Aegis Risk Card — Blocked: 3 incidents in the code · Patches: needs human review (2 of 3 incidents fixed in 2 files, verified; 1 incident without a safe patch)",
            "<h1>Blocked: 3 incidents in the code</h1>\n<p>Top: AEG002 Hard-coded secret in src/Shop/Support/IssueReporter.cs:5</p>\n"
                + "<p class=\"patches\">Patches: needs human review (2 of 3 incidents fixed in 2 files, verified; 1 incident without a safe patch)</p>\n"
                + "<p>Review, then apply with: <code>aegis fix src/Shop/Shop.csproj --rule AEG002 --rule AEG003</code></p>"
        },
    };

    private static RiskCard Named(string name) => name switch
    {
        nameof(BlockedWithVerifiedPatches) => BlockedWithVerifiedPatches(),
        nameof(Allowed) => Allowed(),
        nameof(Rollback) => Rollback(),
        nameof(NeedsHumanReview) => NeedsHumanReview(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SummaryLine_SaysBothVerdicts_AndNamesTheHtmlCard(string card, string line, string markdownTitle, string htmlBanner)
    {
        _ = markdownTitle;
        _ = htmlBanner;
        Assert.Equal(line, RiskGate.CardLineText(Named(card), Html, SecretMasker.None));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MarkdownAndHtmlTitles_SayBothVerdicts(string card, string line, string markdownTitle, string htmlBanner)
    {
        var json = RiskCardJson.Write(Named(card), SecretMasker.None);
        var markdown = RiskCardMarkdown.Render(json);
        var html = RiskCardHtml.Render(json);

        Assert.Equal(markdownTitle, markdown.Split('\n')[0]);
        var headline = markdownTitle[(markdownTitle.IndexOf('—', StringComparison.Ordinal) - 1)..];
        Assert.Equal("<title>Aegis Risk Card" + System.Net.WebUtility.HtmlEncode(headline) + "</title>", TitleTag().Match(html).Value);
        Assert.Contains(htmlBanner, html, StringComparison.Ordinal);
        Assert.DoesNotContain("— patches approved", html, StringComparison.Ordinal);
        Assert.Contains(line[(Html.Length + 2)..], json, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_VerdictsObject_SeparatesTheTwoVerdicts_AndKeepsStatusAndRecommendation()
    {
        using var document = JsonDocument.Parse(RiskCardJson.Write(BlockedWithVerifiedPatches(), SecretMasker.None));
        var root = document.RootElement;
        var verdicts = root.GetProperty("verdicts");

        Assert.Equal("blocked", root.GetProperty("status").GetString());
        Assert.Equal("approved_for_rollout", root.GetProperty("recommendation").GetString());
        Assert.Equal("blocked", verdicts.GetProperty("code").GetString());
        Assert.Equal("2 incidents in the code", verdicts.GetProperty("code_reason").GetString());
        Assert.Equal(Sql, verdicts.GetProperty("top_reason").GetString());
        Assert.Equal("approved_for_rollout", verdicts.GetProperty("patches").GetString());
        Assert.Equal("2 of 2 incidents fixed in 2 files, verified", verdicts.GetProperty("patches_reason").GetString());
        Assert.Equal("aegis fix src/Shop/Shop.csproj --rule AEG001 --rule AEG003", verdicts.GetProperty("apply_command").GetString());

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, root));
    }

    [Fact]
    public void Json_AllowedCard_HasNoPatchVerdict_NoTopReason_AndNoCommand()
    {
        using var document = JsonDocument.Parse(RiskCardJson.Write(Allowed(), SecretMasker.None));
        var verdicts = document.RootElement.GetProperty("verdicts");

        Assert.Equal("allow", verdicts.GetProperty("code").GetString());
        Assert.Equal("none", verdicts.GetProperty("patches").GetString());
        Assert.Equal(JsonValueKind.Null, verdicts.GetProperty("top_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, verdicts.GetProperty("apply_command").ValueKind);
        Assert.Equal("", verdicts.GetProperty("patches_reason").GetString());
    }

    [Theory]
    [InlineData("verify", "Shop.sln", "aegis fix Shop.sln --rule AEG001 --rule AEG003")]
    [InlineData("scan", "src/Shop/Shop.csproj", "aegis fix src/Shop/Shop.csproj --rule AEG001 --rule AEG003")]
    [InlineData("scan", ".", "aegis fix --rule AEG001 --rule AEG003")]
    [InlineData("scan", "src", "aegis fix src --rule AEG001 --rule AEG003")]
    public void ApplyCommand_IsAegisFix_ForTheScannedTarget_AndTheFixedRules(string verb, string target, string command)
    {
        var card = BlockedWithVerifiedPatches();
        card.Action = new() { new("kind", verb), new("target", target) };

        Assert.Equal(command, CardVerdicts.For(card).ApplyCommand);
    }

    [Fact]
    public void Explanation_WithPatches_SaysTheRecommendationIsAboutThePatches()
    {
        Assert.Equal(
            "Blocked (risk 77 HIGH): failed incidents. 2 incident(s); 2 of 2 patch(es) verified; patches: approved for rollout. Top reason: check incidents failed: 2 incident(s): 1 HIGH, 1 MEDIUM.",
            AegisEngine.Explain(BlockedWithVerifiedPatches(), SecretMasker.None));
        Assert.Equal("Allowed (risk 10 LOW). recommendation: approved for rollout.", AegisEngine.Explain(Allowed(), SecretMasker.None));
    }

    [Fact]
    public void UnverifiedPatches_NameNoApplyCommand()
    {
        var card = Card(
            Recommendations.NeedsHumanReview,
            [AuthIncident],
            [Patch("src/Shop/Controllers/OrdersController.cs", ValidationStatuses.Unverified, AuthIncident)],
            new Check(CheckNames.Incidents, false, "1 incident(s): 1 MEDIUM"),
            new Check(CheckNames.Sandbox, true, "skipped (sandbox=none): patches not verified"));

        var line = RiskGate.CardLineText(card, Html, SecretMasker.None);

        Assert.EndsWith("Patches: needs human review (1 of 1 incident fixed in 1 file, not verified)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("aegis fix", line, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockedWithoutIncidents_NamesTheFailedCheck_AndMasksSecretsInIt()
    {
        const string token = "ghp_R8vXk2mQ9tLw4nZp7cJd1sHf6yBg3uEa0oKi";
        var card = Card(Recommendations.NeedsHumanReview, [], [], new Check(CheckNames.Policy, false, "blocked path secrets/" + token + ".cs"));
        card.Action[0] = new("kind", "propose");

        var line = RiskGate.CardLineText(card, Html, new SecretMasker([token]));

        Assert.StartsWith(Html + ": Blocked (risk 85 CRITICAL): check policy failed: blocked path secrets/", line, StringComparison.Ordinal);
        Assert.EndsWith(". Patches: none needed", line, StringComparison.Ordinal);
        Assert.DoesNotContain(token, line, StringComparison.Ordinal);
        Assert.DoesNotContain(token, RiskCardJson.Write(card, new SecretMasker([token])), StringComparison.Ordinal);
    }

    [Fact]
    public void CardOutput_WritesTheSummaryLineBesideTheCard()
    {
        using var directory = new TempDirectory();
        var card = BlockedWithVerifiedPatches();

        var files = RiskCardOutput.Write(card, SecretMasker.None, Path.Combine(directory.Path, "out"), null, _ => null);

        Assert.Equal(Path.Combine(directory.Path, "out", "risk-card.summary.txt"), files.Summary);
        Assert.Equal(RiskGate.CardLineText(card, files.Html, SecretMasker.None) + "\n", File.ReadAllText(files.Summary));
        Assert.Equal(files.SummaryText + "\n", File.ReadAllText(files.Summary));
        Assert.StartsWith(files.Html + ": Blocked (risk 77 HIGH): 2 incidents in the code", files.SummaryText, StringComparison.Ordinal);
    }

    [GeneratedRegex("<title>.*</title>")]
    private static partial Regex TitleTag();
}
