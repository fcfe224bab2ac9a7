using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 4's proof on the sample shop: pack → local feed → a temp git repository holding the sample (restoring the
/// package) → <c>dotnet build</c> → the Risk Card, with the real engine from the package.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class SampleRiskCardTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string EngineCommandMarker = "Aegis.Cli.dll build @";

    /// <summary>
    /// Added to the copy's test project only (never to samples/): a test that pins the drifted behaviour, as a
    /// repository may have one for an old client that calls the endpoint without credentials. The fix Aegis proposes
    /// and verifies in file mode (<c>.RequireAuthorization("Staff")</c> on the <c>MapDelete</c>) is right, and it
    /// breaks this test: only running the repository's own tests on the patched copy can tell, which is what the
    /// repository sandbox is for. Nothing is faked: the app, the patch and the test run as they are.
    /// </summary>
    private const string LegacyClientTest = """
        using System.Net;
        using System.Net.Http.Json;
        using Aegis.Sample.Orders;

        namespace Aegis.Sample.Tests;

        [Trait("Category", "Functional")]
        public sealed class LegacyClientContractTests(ShopFactory factory) : IClassFixture<ShopFactory>
        {
            [Fact]
            public async Task The_legacy_kiosk_cancels_an_order_without_a_staff_key()
            {
                var placed = await factory.CreateClient().PostAsJsonAsync("/api/orders", new CreateOrderRequest("kiosk@example.com", [new OrderLineRequest("MUG-001", 1)]));
                var order = (await placed.Content.ReadFromJsonAsync<CreatedOrder>())!;

                var deleted = await factory.CreateClient().DeleteAsync($"/api/orders/{order.Id}");

                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }
        }
        """;

    private static readonly string[] CardFields =
    [
        "schema", "status", "checks", "risk_score", "risk_level", "recommendation", "verdicts", "explanation", "explanation_source", "explanation_fallback_reason", "diff", "diff_analysis",
        "stdout", "ts", "request_id", "action", "incidents", "patches", "tampering", "sandbox", "health_score",
    ];

    /// <summary>The "Aegis Risk Card: …" lines of a build's log, from that text on (MSBuild indents target messages).</summary>
    private static string[] CardLines(DotNet.RunResult result)
        => result.Output.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Contains("Aegis Risk Card: ", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf("Aegis Risk Card: ", StringComparison.Ordinal)..])
            .ToArray();

    private DotNet.RunResult Logged(DotNet.RunResult result)
    {
        output.WriteLine(result.ToString());
        return result;
    }

    [Fact(Timeout = 8 * 60_000)]
    public async Task Sample_Build_WritesTheFullCard_LeaksNoSecret_AndTheSecondBuildDoesNotStartTheEngine()
    {
        await Task.Yield();
        var sample = SampleRepository.Create(environment, "sample-card");
        var secrets = sample.PlantedSecrets();
        Assert.Equal(4, secrets.Count);

        var first = Logged(sample.Build());
        Assert.True(first.ExitCode == 0, "The sample did not build: " + first);
        Assert.Contains(EngineCommandMarker, first.Output, StringComparison.Ordinal);
        // One line says both verdicts and where the card is: the code is blocked, the patches need a person's look
        // (two findings have no fix), and the command that applies the verified ones.
        var cardLine = Assert.Single(CardLines(first));
        Assert.StartsWith("Aegis Risk Card: " + Path.Combine(sample.CardDirectory, "risk-card.html") + ": Blocked (risk ", cardLine, StringComparison.Ordinal);
        Assert.Contains("): 11 incidents in the code (top: AEG", cardLine, StringComparison.Ordinal);
        Assert.Contains(". Patches: needs human review (9 of 11 incidents fixed in ", cardLine, StringComparison.Ordinal);
        Assert.Contains(", verified; 2 incidents without a safe patch). Review, then apply with: aegis fix ", cardLine, StringComparison.Ordinal);
        Assert.EndsWith(" --rule AEG001 --rule AEG002 --rule AEG003", cardLine, StringComparison.Ordinal);
        Assert.DoesNotContain(first.Diagnostics, d => d.Code.StartsWith("AEGB", StringComparison.Ordinal));

        var files = new[] { "risk-card.json", "risk-card.md", "risk-card.html", "risk-card.summary.txt" }.Select(f => Path.Combine(sample.CardDirectory, f)).ToArray();
        Assert.All(files, f => Assert.True(File.Exists(f) && new FileInfo(f).Length > 0, f + " is missing or empty"));

        var json = File.ReadAllText(sample.CardJson);
        using (var document = JsonDocument.Parse(json))
        {
            AssertCardShape(document.RootElement, sample, expectedSandbox: "file");
            var card = document.RootElement;
            Assert.Equal("needs_human_review", card.GetProperty("recommendation").GetString()); // two findings have no fix
            Assert.All(card.GetProperty("patches").EnumerateArray(), p => Assert.Equal("verified", p.GetProperty("validation_status").GetString()));
        }

        // No output holds a planted secret in full: the card files and its summary line, the history record, the console.
        var history = Directory.GetFiles(sample.PathOf(".aegis/history"), "*.json");
        Assert.Single(history);
        foreach (var (name, text) in files.Concat(history).Select(f => (f, File.ReadAllText(f))).Append(("console", first.Output)))
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name} contains the planted secret starting '{secret[..4]}'");
            }
        }

        // Nothing changed: MSBuild skips the target, the engine does not start, the card is not rewritten.
        var written = File.GetLastWriteTimeUtc(sample.CardJson);
        var second = Logged(sample.Build());
        Assert.True(second.ExitCode == 0, "The second build failed: " + second);
        Assert.DoesNotContain(EngineCommandMarker, second.Output, StringComparison.Ordinal);
        Assert.Equal([cardLine], CardLines(second)); // the blocked card is not hidden by the up-to-date build
        Assert.Equal(written, File.GetLastWriteTimeUtc(sample.CardJson));
        Assert.Single(Directory.GetFiles(sample.PathOf(".aegis/history"), "*.json"));
    }

    [Fact(Timeout = 10 * 60_000)]
    public async Task Sample_RepositorySandbox_PatchBreakingATest_IsRollback_FailsTheGate_AndLeavesTheLiveTreeUntouched()
    {
        await Task.Yield();
        var sample = SampleRepository.Create(environment, "sample-rollback");
        sample.WriteFile("Aegis.Sample.Tests/LegacyClientContractTests.cs", LegacyClientTest);
        sample.Commit("A test that pins the anonymous DELETE /api/orders/{id}");
        var before = sample.TreeFiles();
        var hashBefore = sample.TreeHash();

        var result = Logged(sample.Build("-p:AegisSandbox=repository", "-p:AegisFailOn=blocked"));

        // One error, the gate's, naming the card.
        Assert.True(result.ExitCode != 0, "The gate should have failed the build: " + result);
        Assert.Equal(["AEGB004"], result.ErrorCodes);
        Assert.Contains(result.Diagnostics, d => d.Code == "AEGB004" && d.Line.Contains(sample.CardJson, StringComparison.Ordinal));

        using (var document = JsonDocument.Parse(File.ReadAllText(sample.CardJson)))
        {
            var card = document.RootElement;
            AssertCardShape(card, sample, expectedSandbox: "repository");
            Assert.Equal("blocked", card.GetProperty("status").GetString());
            Assert.Equal("rollback", card.GetProperty("recommendation").GetString());
            var tests = card.GetProperty("checks").EnumerateArray().Single(c => c[0].GetString() == "sandbox_tests");
            Assert.False(tests[1].GetBoolean(), "sandbox_tests should have failed: " + tests);
            Assert.StartsWith("1 of ", tests[2].GetString(), StringComparison.Ordinal);
            Assert.Contains("turned red by the change: ", tests[2].GetString(), StringComparison.Ordinal);
            var build = card.GetProperty("checks").EnumerateArray().Single(c => c[0].GetString() == "sandbox_build");
            Assert.True(build[1].GetBoolean(), "the patched copy should build: " + build);
            Assert.Contains("The_legacy_kiosk_cancels_an_order_without_a_staff_key", card.GetProperty("stdout").GetString(), StringComparison.Ordinal);
            Assert.Contains(card.GetProperty("sandbox").GetProperty("commands").EnumerateArray(), c => c.GetProperty("command").GetString()!.StartsWith("dotnet test", StringComparison.Ordinal) && c.GetProperty("exit_code").GetInt32() != 0);
        }

        // The live tree, .git included, is byte for byte what it was; the only new files outside bin/ and obj/ are the
        // card's history record, which every build writes by design (docs/risk-card.md, "History"), the cache of
        // the tests that were already red before the patches (none here: the failing test was turned red by them),
        // the knowledge base with its lock file, which counts the sandbox's verdict on the patches (docs/knowledge.md),
        // and the history index that lists the record (docs/configuration.md, "The history index").
        var added = sample.TreeFiles().Except(before, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(5, added.Length);
        Assert.Equal(".aegis/aegis.db", added[0]);
        Assert.Equal(".aegis/cache/test-baseline.json", added[1]);
        Assert.Matches(@"^\.aegis/history/\d{15}-req_[0-9a-f]{32}\.json$", added[2]);
        Assert.Equal([".aegis/knowledge/patterns.json", ".aegis/knowledge/patterns.lock"], added[3..]);
        using (var knowledge = JsonDocument.Parse(File.ReadAllText(sample.PathOf(".aegis/knowledge/patterns.json"))))
        {
            var patterns = knowledge.RootElement.GetProperty("patterns").EnumerateArray().ToList();
            Assert.True(patterns.Sum(p => p.GetProperty("failed").GetInt32()) > 0, "the rolled-back patches were not counted as failed: " + knowledge.RootElement);
            Assert.Equal(0, patterns.Sum(p => p.GetProperty("verified").GetInt32()));
        }

        Assert.Equal(hashBefore, sample.TreeHash(new HashSet<string>(added, StringComparer.Ordinal)));
    }

    [Fact(Timeout = 3 * 60_000)]
    public async Task PackedCli_Propose_EscapingPathAndDestructiveIntent_AreBlockedWithExit1()
    {
        // The engine exactly as the package ships it (tools/engine/), started as a process.
        var engine = environment.ExtractEngine("packed-engine");

        var repository = Directory.CreateDirectory(Path.Combine(environment.Root, "propose-repo")).FullName;
        Directory.CreateDirectory(Path.Combine(repository, "src"));
        await File.WriteAllTextAsync(Path.Combine(repository, "src", "Greeter.cs"), "public static class Greeter { public static string Hi() => \"hi\"; }\n");
        var cases = new[]
        {
            ("escape", new { file = "../outside.cs", content = "class Outside {}", intent = "add a helper" }, "policy"),
            ("destructive", new { file = "src/Greeter.cs", content = "public static class Greeter { }\n", intent = "drop the greeter and wipe its tests" }, "policy"),
        };
        foreach (var (name, action, check) in cases)
        {
            var actionFile = Path.Combine(environment.Root, $"propose-{name}.json");
            await File.WriteAllTextAsync(actionFile, JsonSerializer.Serialize(action));

            var result = Logged(environment.Run(repository, null, Path.Combine(engine, "Aegis.Cli.dll"), "propose", "--action", actionFile, "--repository-root", repository, "--sandbox", "file"));

            Assert.True(result.ExitCode == 1, $"{name}: expected exit code 1: {result}");
            Assert.Contains("aegis: error AEGB004", result.Output, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(repository, ".aegis", "propose", "risk-card.json")));
            var card = json.RootElement;
            Assert.Equal("blocked", card.GetProperty("status").GetString());
            Assert.Contains(card.GetProperty("checks").EnumerateArray(), c => c[0].GetString() == check && !c[1].GetBoolean());
        }

        Assert.False(File.Exists(Path.Combine(environment.Root, "outside.cs")));
        Assert.Equal("public static class Greeter { public static string Hi() => \"hi\"; }\n", await File.ReadAllTextAsync(Path.Combine(repository, "src", "Greeter.cs")));
    }

    /// <summary>Every field of DESIGN.md's Risk Card table with its shape, and the planted findings as incidents.</summary>
    private static void AssertCardShape(JsonElement card, SampleRepository sample, string expectedSandbox)
    {
        Assert.Equal(CardFields.Order(StringComparer.Ordinal), card.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("aegis.riskcard/v1", card.GetProperty("schema").GetString());
        Assert.Contains(card.GetProperty("status").GetString(), new[] { "allow", "blocked" });

        var checks = card.GetProperty("checks").EnumerateArray().ToArray();
        Assert.NotEmpty(checks);
        Assert.All(checks, c =>
        {
            Assert.Equal(3, c.GetArrayLength());
            Assert.Equal(JsonValueKind.String, c[0].ValueKind);
            Assert.True(c[1].ValueKind is JsonValueKind.True or JsonValueKind.False);
            Assert.Equal(JsonValueKind.String, c[2].ValueKind);
        });

        Assert.True(card.GetProperty("risk_score").TryGetInt32(out var score) && score is >= 0 and <= 100, "risk_score is not an int 0-100");
        var level = score switch { < 20 => "LOW", < 50 => "MEDIUM", < 80 => "HIGH", _ => "CRITICAL" };
        Assert.Equal(level, card.GetProperty("risk_level").GetString());
        Assert.Contains(card.GetProperty("recommendation").GetString(), new[] { "approved_for_rollout", "rollback", "needs_human_review" });
        var explanation = card.GetProperty("explanation").GetString()!;
        Assert.InRange(explanation.Length, 1, 280);

        var diff = card.GetProperty("diff").GetString()!;
        Assert.Contains("--- a/Aegis.Sample/", diff, StringComparison.Ordinal);
        Assert.Contains("+++ b/Aegis.Sample/", diff, StringComparison.Ordinal);
        var analysis = card.GetProperty("diff_analysis");
        Assert.Equal(["lines_added", "lines_removed", "risky_patterns", "sensitive_data", "summary"], analysis.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(analysis.GetProperty("lines_added").GetInt32() > 0);
        Assert.True(analysis.GetProperty("lines_removed").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Array, analysis.GetProperty("risky_patterns").ValueKind);
        Assert.Equal(JsonValueKind.Array, analysis.GetProperty("sensitive_data").ValueKind);
        Assert.False(string.IsNullOrEmpty(analysis.GetProperty("summary").GetString()));

        Assert.Equal(JsonValueKind.String, card.GetProperty("stdout").ValueKind);
        Assert.True(card.GetProperty("stdout").GetString()!.Split('\n').Length <= 80);
        var ts = card.GetProperty("ts");
        Assert.Equal(JsonValueKind.Number, ts.ValueKind);
        Assert.InRange(ts.GetDouble(), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.Matches("^req_[0-9a-f]{32}$", card.GetProperty("request_id").GetString());
        var action = card.GetProperty("action");
        Assert.Equal("build", action.GetProperty("kind").GetString());
        Assert.Equal(SampleRepository.SampleProject, action.GetProperty("project").GetString());
        Assert.Equal(expectedSandbox, action.GetProperty("sandbox").GetString());

        // The incidents are exactly the 11 planted findings, each with a distinct SHA-256 fingerprint.
        var incidents = card.GetProperty("incidents").EnumerateArray().ToArray();
        Assert.Equal(
            sample.PlantedFindings(),
            incidents.Select(i => (i.GetProperty("file").GetString()!, i.GetProperty("line").GetInt32(), i.GetProperty("rule").GetString()!)).Order().ToArray());
        Assert.Equal(11, incidents.Length);
        Assert.All(incidents, i => Assert.Matches("^[0-9a-f]{64}$", i.GetProperty("fingerprint").GetString()));
        Assert.Equal(incidents.Length, incidents.Select(i => i.GetProperty("fingerprint").GetString()).Distinct().Count());
        Assert.Equal(["AUTH", "SECRET", "SQL"], incidents.Select(i => i.GetProperty("family").GetString()).Distinct().Order(StringComparer.Ordinal));
        foreach (var name in new[] { "severity", "confidence", "endpoint", "message", "evidence", "remediation_strategy", "verification_strategy" })
        {
            Assert.All(incidents, i => Assert.True(i.TryGetProperty(name, out _), "an incident has no " + name));
        }

        // Nine fixes in eight files (CustomersController.cs gets two); every patch carries its hashes, diff and plan.
        var patches = card.GetProperty("patches").EnumerateArray().ToArray();
        Assert.Equal(8, patches.Length);
        Assert.All(patches, p =>
        {
            Assert.StartsWith("Aegis.Sample/", p.GetProperty("file").GetString(), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{64}$", p.GetProperty("original_sha256").GetString());
            Assert.Matches("^[0-9a-f]{64}$", p.GetProperty("patched_sha256").GetString());
            Assert.Contains("@@ ", p.GetProperty("diff").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(p.GetProperty("plan").GetString()));
            Assert.Contains(p.GetProperty("validation_status").GetString(), new[] { "unverified", "verified", "failed" });
        });

        var sandbox = card.GetProperty("sandbox");
        Assert.Equal(expectedSandbox, sandbox.GetProperty("mode").GetString());
        var commands = sandbox.GetProperty("commands").EnumerateArray().ToArray();
        Assert.NotEmpty(commands);
        Assert.All(commands, c =>
        {
            Assert.Equal(JsonValueKind.String, c.GetProperty("command").ValueKind);
            Assert.True(c.GetProperty("exit_code").TryGetInt32(out _));
            Assert.True(c.GetProperty("duration_ms").TryGetInt64(out _));
            Assert.Equal(JsonValueKind.String, c.GetProperty("output_tail").ValueKind);
        });

        Assert.InRange(card.GetProperty("health_score").GetDouble(), 0.0, 1.0);
    }
}
