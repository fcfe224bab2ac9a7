using System.Text.Json.Nodes;
using Aegis.Cli;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Sarif;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>The code-scanning properties added to the compiler's SARIF log, in the two versions the compiler writes.</summary>
public sealed class ErrorLogRulePropertiesTests
{
    // The shape `csc -errorlog:x.sarif,version=2.1` writes (trimmed): Aegis rules, another analyzer's rule, results.
    private const string Version21 = """
        {
          "$schema": "http://json.schemastore.org/sarif-2.1.0",
          "version": "2.1.0",
          "runs": [
            {
              "results": [
                { "ruleId": "AEG001", "ruleIndex": 0, "level": "warning", "message": { "text": "SQL passed to IDbCommand.CommandText is built from parameter 'n'" },
                  "properties": { "warningLevel": 1, "customProperties": { "confidence": "0.90", "severity": "HIGH" } } },
                { "ruleId": "CA1050", "ruleIndex": 2, "level": "note", "message": { "text": "Declare types in namespaces" }, "properties": { "warningLevel": 1 } }
              ],
              "tool": {
                "driver": {
                  "name": "Microsoft (R) Visual C# Compiler",
                  "rules": [
                    { "id": "AEG001", "shortDescription": { "text": "SQL built from non-constant text reaches a SQL sink" },
                      "properties": { "category": "Aegis.Security.Sql", "tags": [ "security", "external/cwe/cwe-89" ] } },
                    { "id": "AEG003-001", "shortDescription": { "text": "Confirm that this endpoint is public" },
                      "properties": { "category": "Aegis.Security.Authorization", "tags": [ "Security" ] } },
                    { "id": "CA1050", "shortDescription": { "text": "Declare types in namespaces" },
                      "properties": { "category": "Design", "tags": [ "PortedFromFxCop" ] } }
                  ]
                }
              }
            }
          ]
        }
        """;

    // The compiler's default, SARIF 1.0: runs[].rules is an object keyed by rule ID.
    private const string Version10 = """
        {
          "$schema": "http://json.schemastore.org/sarif-1.0.0",
          "version": "1.0.0",
          "runs": [
            {
              "tool": { "name": "Microsoft (R) Visual C# Compiler" },
              "results": [ { "ruleId": "AEG002", "level": "warning", "message": "Hard-coded password in field 'Password'", "properties": { "warningLevel": 1, "customProperties": { "severity": "MEDIUM" } } } ],
              "rules": {
                "AEG002": { "id": "AEG002", "shortDescription": "Hard-coded secret", "properties": { "category": "Aegis.Security.Secrets", "isEnabledByDefault": true } },
                "S2068": { "id": "S2068", "shortDescription": "Credentials should not be hard-coded", "properties": { "category": "Major Vulnerability", "tags": [ "C#" ] } }
              }
            }
          ]
        }
        """;

    [Fact]
    public void EveryRule_HasACodeScanningRow_AndItsDescriptorsCarryItsTags()
    {
        foreach (var descriptor in Aegis.Analyzers.DiagnosticRules.All.Concat(Aegis.Analyzers.DiagnosticRules.Variants))
        {
            var row = Aegis.Analyzers.RuleCodeScanning.For(descriptor.Id);
            Assert.NotNull(row);
            Assert.Equal(row.Tags, descriptor.CustomTags);
            Assert.InRange(double.Parse(row.SecuritySeverity, System.Globalization.CultureInfo.InvariantCulture), 0.0, 10.0);
            Assert.Contains(row.Precision, new[] { "very-high", "high", "medium", "low" });
        }
    }

    [Fact]
    public void Version21_AegisRules_GetSeverityPrecisionAndCweTags()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("build.sarif", Version21);

        Assert.Equal(2, ErrorLogRuleProperties.AddTo(path));

        var rules = JsonNode.Parse(File.ReadAllText(path))!["runs"]![0]!["tool"]!["driver"]!["rules"]!.AsArray();
        var sql = rules[0]!["properties"]!;
        Assert.Equal("8.8", (string?)sql["security-severity"]);
        Assert.Equal("high", (string?)sql["precision"]);
        Assert.Equal("warning", (string?)sql["problem.severity"]);
        Assert.Equal(["security", "external/cwe/cwe-89"], sql["tags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("Aegis.Security.Sql", (string?)sql["category"]);

        // A second descriptor of AEG003, written with a suffix: AEG003's row; the tags it had are kept.
        var confirm = rules[1]!["properties"]!;
        Assert.Equal("7.5", (string?)confirm["security-severity"]);
        Assert.Equal(["Security", "security", "external/cwe/cwe-862"], confirm["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public void Version21_OtherToolsRulesAndAllResults_AreUntouched()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("build.sarif", Version21);
        var before = JsonNode.Parse(Version21)!["runs"]![0]!;

        ErrorLogRuleProperties.AddTo(path);

        var after = JsonNode.Parse(File.ReadAllText(path))!["runs"]![0]!;
        Assert.True(JsonNode.DeepEquals(before["tool"]!["driver"]!["rules"]![2], after["tool"]!["driver"]!["rules"]![2]));
        Assert.True(JsonNode.DeepEquals(before["results"], after["results"]));
        Assert.Equal("0.90", (string?)after["results"]![0]!["properties"]!["customProperties"]!["confidence"]);
        // Messages keep their quotes as the compiler wrote them, not \u0027.
        Assert.Contains("parameter 'n'", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Version10_AegisRules_GetTheProperties_OthersUntouched()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("build.sarif", Version10);

        Assert.Equal(1, ErrorLogRuleProperties.AddTo(path));

        var rules = JsonNode.Parse(File.ReadAllText(path))!["runs"]![0]!["rules"]!;
        Assert.Equal("7.5", (string?)rules["AEG002"]!["properties"]!["security-severity"]);
        Assert.Equal("medium", (string?)rules["AEG002"]!["properties"]!["precision"]);
        Assert.Equal(["security", "external/cwe/cwe-798"], rules["AEG002"]!["properties"]!["tags"]!.AsArray().Select(t => (string?)t));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Version10)!["runs"]![0]!["rules"]!["S2068"], rules["S2068"]));
    }

    [Fact]
    public void SecondRun_ChangesNothing_AndALogWithoutAegisRules_IsNotRewritten()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("build.sarif", Version21);
        ErrorLogRuleProperties.AddTo(path);
        var once = File.ReadAllText(path);
        var other = directory.Write("other.sarif", """{ "version": "2.1.0", "runs": [ { "tool": { "driver": { "name": "x", "rules": [ { "id": "CA2100" } ] } }, "results": [] } ] }""");
        var otherText = File.ReadAllText(other);

        ErrorLogRuleProperties.AddTo(path);

        Assert.Equal(once, File.ReadAllText(path));
        Assert.Equal(0, ErrorLogRuleProperties.AddTo(other));
        Assert.Equal(otherText, File.ReadAllText(other));
    }

    [Theory]
    [InlineData("{ \"runs\": [ ")]
    [InlineData("[]")]
    public void NotALog_IsAEGB012_AndTheFileIsKept(string content)
    {
        using var directory = new TempDirectory();
        var path = directory.Write("build.sarif", content);

        var error = Assert.Throws<AegisException>(() => ErrorLogRuleProperties.AddTo(path));

        Assert.Equal(ErrorCodes.ErrorLogNotUpdated, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public async Task BuildVerb_ErrorLog_IsUpdated_BeforeTheCard()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var log = directory.Write("obj/build.sarif", Version21);
        var stdout = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(
            ["build", "--inputs", TestProjects.InputsPath(inputs), "--output", Path.Combine(directory.Path, "out"), "--repository-root", directory.Path, "--sandbox", "none", "--fail-on", "never", "--error-log", log],
            stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Equal("8.8", (string?)JsonNode.Parse(File.ReadAllText(log))!["runs"]![0]!["tool"]!["driver"]!["rules"]![0]!["properties"]!["security-severity"]);
        Assert.Contains("aegis: SARIF log " + log + ": code-scanning properties on 2 Aegis rule(s)", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{ not json")]
    public async Task BuildVerb_ErrorLogMissingOrBroken_IsWarningAEGB012_AndTheCardIsStillWritten(string? content)
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var log = content is null ? Path.Combine(directory.Path, "obj", "build.sarif") : directory.Write("obj/build.sarif", content);
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(
            ["build", "--inputs", TestProjects.InputsPath(inputs), "--output", Path.Combine(directory.Path, "out"), "--repository-root", directory.Path, "--sandbox", "none", "--fail-on", "never", "--error-log", log],
            new StringWriter(), stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Matches("aegis: warning AEGB012: .*" + System.Text.RegularExpressions.Regex.Escape(log), stderr.ToString());
        Assert.True(File.Exists(Path.Combine(directory.Path, "out", "risk-card.json")));
        Assert.Equal(content is not null, File.Exists(log));
    }

    [Fact]
    public async Task SarifVerb_UpdatesTheLog()
    {
        using var directory = new TempDirectory();
        var log = directory.Write("build.sarif", Version10);
        var stdout = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(["sarif", "--error-log", log, "--json"], stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Equal("7.5", (string?)JsonNode.Parse(File.ReadAllText(log))!["runs"]![0]!["rules"]!["AEG002"]!["properties"]!["security-severity"]);
        var output = JsonNode.Parse(stdout.ToString())!;
        Assert.Equal(1, (int)output["rules"]!);
        Assert.Empty(output["warnings"]!.AsArray());
    }

    [Fact]
    public async Task SarifVerb_MissingLog_IsWarningAEGB012_Exit0()
    {
        using var directory = new TempDirectory();
        var log = Path.Combine(directory.Path, "none.sarif");
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(["sarif", "--error-log", log], new StringWriter(), stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Contains("aegis: warning AEGB012: the SARIF log " + log, stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(log));
    }
}
