using System.Globalization;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// What a CI build hands to code scanning: the compiler's SARIF log (<c>-p:ErrorLog=…</c>) from a consumer of the
/// packed package, with the real engine, read back as GitHub reads it.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class CodeScanningTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Cwe = new()
    {
        ["AEG001"] = "external/cwe/cwe-89",
        ["AEG002"] = "external/cwe/cwe-798",
        ["AEG003"] = "external/cwe/cwe-862",
    };

    private Consumer SqlAndSecretConsumer(string name)
    {
        var consumer = environment.NewConsumer(name).WriteLibrary(name);
        // A planted AEG001 finding beside WriteLibrary's AEG002 one.
        consumer.WriteFile($"{name}/Orders.cs", $$"""
            namespace {{name}};

            public static class Orders
            {
                public static void Find(System.Data.IDbCommand command, string customer)
                {
                    command.CommandText = "SELECT * FROM Orders WHERE Customer = '" + customer + "'";
                }
            }
            """);
        return consumer;
    }

    private DotNet.RunResult Succeeds(DotNet.RunResult result)
    {
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, "The build failed: " + result);
        return result;
    }

    [RequiresEngineFact]
    public void ErrorLogVersion21_AegisRulesCarryCweTagsAndSecuritySeverity_ResultsKeepTheirProperties()
    {
        var consumer = SqlAndSecretConsumer("Sarif21");

        Succeeds(consumer.Build("Sarif21", null, "-p:ErrorLog=build.sarif%2Cversion=2.1", "-p:AegisSandbox=none", "-p:AegisFailOn=never"));

        var log = JsonNode.Parse(File.ReadAllText(consumer.PathOf("Sarif21/build.sarif")))!;
        Assert.Equal("2.1.0", (string?)log["version"]);
        var run = log["runs"]![0]!;
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
        // 2.1 lists every rule of every analyzer, reported or not.
        AssertAegisRules(rules, "AEG001", "AEG002", "AEG003");

        // Another analyzer's rule (the SDK's) is as the compiler wrote it: no properties of ours.
        Assert.All(rules.Where(r => !((string)r["id"]!).StartsWith("AEG", StringComparison.Ordinal)), r => Assert.Null(r["properties"]?["security-severity"]));

        // Results keep the incident's properties, which the compiler writes under customProperties.
        var results = run["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
        foreach (var rule in new[] { "AEG001", "AEG002" })
        {
            var result = Assert.Single(results, r => (string?)r["ruleId"] == rule);
            var properties = result["properties"]!["customProperties"]!;
            Assert.Contains((string?)properties["severity"], new[] { "LOW", "MEDIUM", "HIGH", "CRITICAL" });
            Assert.NotNull((string?)properties["confidence"]);
            Assert.NotNull((string?)properties["remediation_strategy"]);
        }

        // Never the secret itself: the compiler's message and our properties name its kind and length only.
        Assert.DoesNotContain("Xk9mP2vLq7", File.ReadAllText(consumer.PathOf("Sarif21/build.sarif")), StringComparison.Ordinal);
    }

    [RequiresEngineFact]
    public void ErrorLogVersion10_TheCompilersDefault_AegisRulesCarryTheSameProperties()
    {
        var consumer = SqlAndSecretConsumer("Sarif10");

        Succeeds(consumer.Build("Sarif10", null, "-p:ErrorLog=build.sarif", "-p:AegisSandbox=none", "-p:AegisFailOn=never"));

        var log = JsonNode.Parse(File.ReadAllText(consumer.PathOf("Sarif10/build.sarif")))!;
        Assert.Equal("1.0.0", (string?)log["version"]);
        // 1.0 lists the rules that were reported.
        AssertAegisRules(log["runs"]![0]!["rules"]!.AsObject().Select(p => p.Value!.AsObject()).ToList(), "AEG001", "AEG002");
    }

    [RequiresEngineFact]
    public void RiskCardOff_TheLogStillGetsTheProperties_AndAnUnchangedBuildDoesNotStartTheEngine()
    {
        var consumer = SqlAndSecretConsumer("SarifNoCard");

        var first = Succeeds(consumer.Build("SarifNoCard", null, "-p:ErrorLog=build.sarif%2Cversion=2.1", "-p:AegisRiskCard=false"));

        Assert.Contains("Aegis.Cli.dll sarif @", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Aegis.Cli.dll build @", first.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(consumer.PathOf("SarifNoCard/bin/Debug/net10.0/aegis/risk-card.json")));
        Assert.DoesNotContain(first.Diagnostics, d => d.Code.StartsWith("AEGB", StringComparison.Ordinal));
        var log = consumer.PathOf("SarifNoCard/build.sarif");
        AssertAegisRules(JsonNode.Parse(File.ReadAllText(log))!["runs"]![0]!["tool"]!["driver"]!["rules"]!.AsArray().Select(r => r!.AsObject()).ToList(), "AEG001", "AEG002", "AEG003");

        var written = File.GetLastWriteTimeUtc(log);
        var second = Succeeds(consumer.Build("SarifNoCard", null, "-p:ErrorLog=build.sarif%2Cversion=2.1", "-p:AegisRiskCard=false"));
        Assert.DoesNotContain("Aegis.Cli.dll sarif @", second.Output, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(log));
    }

    private static void AssertAegisRules(List<JsonObject> rules, params string[] expected)
    {
        var aegis = rules.Where(r => Cwe.ContainsKey((string)r["id"]!)).ToList();
        Assert.Equal(expected, aegis.Select(r => (string)r["id"]!).Order(StringComparer.Ordinal));
        Assert.All(aegis, rule =>
        {
            var properties = rule["properties"]!;
            var tags = properties["tags"]!.AsArray().Select(t => (string?)t).ToList();
            Assert.Contains("security", tags);
            Assert.Contains(Cwe[(string)rule["id"]!], tags);
            var severity = double.Parse((string)properties["security-severity"]!, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.InRange(severity, 0.1, 10.0);
            Assert.Contains((string?)properties["precision"], new[] { "very-high", "high", "medium", "low" });
            Assert.Equal("warning", (string?)properties["problem.severity"]);
        });
    }

    [Fact]
    public void GateFailure_IsLocatedAtTheProjectFile_NotAtThePackagesTargets()
    {
        var consumer = environment.NewConsumer("gatelocation").WriteLibrary("GateLocation");

        var result = consumer.Build("GateLocation", new Dictionary<string, string?> { ["FAKE_AEGIS_MODE"] = "block" }, "-p:AegisEngineAssemblyFile=" + environment.FakeEngine, "-p:AegisFailOn=blocked");
        output.WriteLine(result.ToString());

        Assert.NotEqual(0, result.ExitCode);
        var gate = Assert.Single(result.Diagnostics, d => d.Code == "AEGB004");
        Assert.StartsWith(consumer.PathOf("GateLocation/GateLocation.csproj") + " : error AEGB004", gate.Line, StringComparison.Ordinal);
        Assert.DoesNotContain(".targets", gate.Line, StringComparison.Ordinal);
    }
}
