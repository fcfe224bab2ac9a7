using System.Text.Json;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// Issue 15, "a gate that notices tampering": each pattern with a proposal that makes it (named in the card's
/// <c>tampering</c> array; blocked for an agent where the default policy says block) and one that touches the same file
/// harmlessly (no tampering finding). Through <c>aegis propose</c>, as an agent's front calls the engine.
/// </summary>
public sealed class TamperingTests
{
    private const string EditorConfig = "root = true\n\n[*.cs]\nindent_size = 4\ndotnet_diagnostic.AEG001.severity = error\ndotnet_diagnostic.IDE0005.severity = warning\n";

    private const string Greeter = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n";

    private const string Controller = "namespace App;\n\n[Authorize]\npublic sealed class OrdersController\n{\n    [AllowAnonymous]\n    public string Ping() => \"pong\";\n\n    public string List() => \"orders\";\n}\n\npublic sealed class AuthorizeAttribute : System.Attribute { }\n\npublic sealed class AllowAnonymousAttribute : System.Attribute { }\n";

    private const string GreeterTests = "namespace App.Tests;\n\npublic sealed class GreeterTests\n{\n    [Fact]\n    public void Greets_by_name() => Assert.Equal(\"Hello Ann\", Greeter.Greet(\"Ann\"));\n\n    [Fact]\n    public void Greets_the_empty_name()\n    {\n        Assert.Equal(\"Hello \", Greeter.Greet(\"\"));\n    }\n}\n";

    private const string Suppressions = "// Suppressions for the whole assembly.\nusing System.Diagnostics.CodeAnalysis;\n\n[assembly: SuppressMessage(\"Style\", \"IDE0060:Remove unused parameter\", Justification = \"Public API\")]\n";

    private const string BuildProps = "<Project>\n  <ItemGroup>\n    <AegisVerifyCommand Include=\"./scripts/contract-tests.sh\" />\n  </ItemGroup>\n</Project>\n";

    private const string Solution = "Microsoft Visual Studio Solution File, Format Version 12.00\nProject(\"{9A19103F-16F7-4668-BE54-9A1E7A4F7556}\") = \"App\", \"src\\App\\App.csproj\", \"{11111111-1111-1111-1111-111111111111}\"\nEndProject\nProject(\"{9A19103F-16F7-4668-BE54-9A1E7A4F7556}\") = \"App.Tests\", \"tests\\App.Tests\\App.Tests.csproj\", \"{22222222-2222-2222-2222-222222222222}\"\nEndProject\n";

    private const string Baseline = "{\n  \"incidents\": [\n    { \"fingerprint\": \"aaaa\", \"rule\": \"AEG001\" },\n    { \"fingerprint\": \"bbbb\", \"rule\": \"AEG002\" }\n  ]\n}\n";

    private static TempDirectory Repository()
    {
        var directory = new TempDirectory();
        directory.Write(".editorconfig", EditorConfig);
        directory.Write("src/App/Greeter.cs", Greeter);
        directory.Write("src/App/OrdersController.cs", Controller);
        directory.Write("src/App/GlobalSuppressions.cs", Suppressions);
        directory.Write("tests/App.Tests/GreeterTests.cs", GreeterTests);
        directory.Write("Directory.Build.props", BuildProps);
        directory.Write("App.sln", Solution);
        directory.Write(".aegis/baseline.json", Baseline);
        return directory;
    }

    private static async Task<(int Exit, JsonElement Card)> ProposeAsync(TempDirectory directory, string file, string? content, string actor, bool delete = false)
    {
        object action = delete
            ? new { file, delete = true, intent = "tidy up", actor }
            : new { file, content, intent = "tidy up", actor };
        var (exit, card, _, _) = await ProposeAndGateTests.ProposeAsync(directory, action);
        return (exit, card);
    }

    private static JsonElement[] Tampering(JsonElement card) => card.GetProperty("tampering").EnumerateArray().ToArray();

    private static string? Check(JsonElement card, string name)
        => card.GetProperty("checks").EnumerateArray().Where(c => c[0].GetString() == name).Select(c => (c[1].GetBoolean() ? "pass: " : "fail: ") + c[2].GetString()).FirstOrDefault();

    /// <summary>(name, file, harmful content, harmless content, kind, blocked for an agent by default).</summary>
    public static TheoryData<string, string, string, string, string, bool> Patterns()
    {
        var data = new TheoryData<string, string, string, string, string, bool>
        {
            {
                "severity", ".editorconfig",
                EditorConfig.Replace("AEG001.severity = error", "AEG001.severity = none", StringComparison.Ordinal),
                EditorConfig.Replace("indent_size = 4", "indent_size = 2", StringComparison.Ordinal).Replace("IDE0005.severity = warning", "IDE0005.severity = none", StringComparison.Ordinal),
                "severity_lowered", true
            },
            {
                "pragma", "src/App/Greeter.cs",
                Greeter.Replace("public static class", "#pragma warning disable AEG001\npublic static class", StringComparison.Ordinal),
                Greeter.Replace("public static class", "#pragma warning disable CS1591\npublic static class", StringComparison.Ordinal),
                "warning_disabled", true
            },
            {
                "suppress-message", "src/App/Greeter.cs",
                Greeter.Replace("    public static string Greet", "    [System.Diagnostics.CodeAnalysis.SuppressMessage(\"Aegis.Security.Sql\", \"AEG001:SQL\", Justification = \"later\")]\n    public static string Greet", StringComparison.Ordinal),
                Greeter.Replace("    public static string Greet", "    [System.Diagnostics.CodeAnalysis.SuppressMessage(\"Style\", \"IDE0060:Remove unused parameter\")]\n    public static string Greet", StringComparison.Ordinal),
                "suppress_message", true
            },
            {
                "global-suppressions", "src/App/GlobalSuppressions.cs",
                Suppressions + "[assembly: SuppressMessage(\"Aegis.Security.Authorization\", \"AEG003\", Scope = \"type\", Target = \"~T:App.OrdersController\")]\n",
                Suppressions.Replace("// Suppressions for the whole assembly.", "// Suppressions for the whole assembly (reviewed).", StringComparison.Ordinal),
                "global_suppression", true
            },
            {
                "allow-anonymous", "src/App/OrdersController.cs",
                Controller.Replace("    public string List()", "    [AllowAnonymous]\n    public string List()", StringComparison.Ordinal),
                Controller.Replace("\"orders\"", "\"all orders\"", StringComparison.Ordinal),
                "allow_anonymous_added", false
            },
            {
                "test-deleted", "tests/App.Tests/GreeterTests.cs",
                GreeterTests.Replace("    [Fact]\n    public void Greets_the_empty_name()\n    {\n        Assert.Equal(\"Hello \", Greeter.Greet(\"\"));\n    }\n", "", StringComparison.Ordinal),
                GreeterTests.Replace("Greets_the_empty_name()\n    {", "Greets_the_empty_name()\n    {\n        // The greeting keeps its trailing space.", StringComparison.Ordinal),
                "test_deleted", false
            },
            {
                "test-skipped", "tests/App.Tests/GreeterTests.cs",
                GreeterTests.Replace("    [Fact]\n    public void Greets_the_empty_name()", "    [Fact(Skip = \"flaky\")]\n    public void Greets_the_empty_name()", StringComparison.Ordinal),
                GreeterTests.Replace("    [Fact]\n    public void Greets_the_empty_name()", "    [Fact(DisplayName = \"empty name\")]\n    public void Greets_the_empty_name()", StringComparison.Ordinal),
                "test_skipped", false
            },
            {
                "assertion", "tests/App.Tests/GreeterTests.cs",
                GreeterTests.Replace("Assert.Equal(\"Hello \", Greeter.Greet(\"\"));", "Assert.True(true);", StringComparison.Ordinal),
                GreeterTests.Replace("Assert.Equal(\"Hello \", Greeter.Greet(\"\"));", "Assert.Equal(\"Hello  \", Greeter.Greet(\" \"));", StringComparison.Ordinal),
                "assertion_weakened", false
            },
            {
                "verify-command", "Directory.Build.props",
                "<Project>\n  <ItemGroup>\n  </ItemGroup>\n</Project>\n",
                BuildProps.Replace("  </ItemGroup>", "    <AegisVerifyCommand Include=\"./scripts/smoke.sh\" />\n  </ItemGroup>", StringComparison.Ordinal),
                "verification_removed", false
            },
            {
                "test-project", "App.sln",
                Solution[..Solution.IndexOf("Project(\"{9A19103F-16F7-4668-BE54-9A1E7A4F7556}\") = \"App.Tests\"", StringComparison.Ordinal)],
                Solution.Replace("Format Version 12.00", "Format Version 12.00\n# Visual Studio Version 17", StringComparison.Ordinal),
                "verification_removed", false
            },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public async Task Detect_ByAnAgent_IsNamed_AndBlockedWhereTheDefaultSaysBlock(string name, string file, string harmful, string harmless, string kind, bool blockedForAgents)
    {
        _ = harmless;
        using var directory = Repository();
        var (exit, card) = await ProposeAsync(directory, file, harmful, "claude-code");

        var finding = Assert.Single(Tampering(card), t => t.GetProperty("kind").GetString() == kind);
        Assert.Equal(file, finding.GetProperty("file").GetString());
        Assert.Equal(blockedForAgents ? "blocked" : "scored", finding.GetProperty("verdict").GetString());
        Assert.InRange(finding.GetProperty("weight").GetInt32(), 8, 15);
        Assert.False(string.IsNullOrEmpty(finding.GetProperty("evidence").GetString()), name);
        Assert.NotNull(Check(card, "tampering"));
        if (blockedForAgents)
        {
            Assert.Equal(1, exit);
            Assert.Equal("blocked", card.GetProperty("status").GetString());
            var reason = card.GetProperty("verdicts").GetProperty("code_reason").GetString()!;
            Assert.Contains("tampering", reason, StringComparison.Ordinal);
            Assert.Contains(file, reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("pass", Check(card, "tampering"), StringComparison.Ordinal);
        }

        // The scorer counts it: the reasons behind the score name it.
        Assert.Contains("tampering", card.GetProperty("explanation").GetString() + Check(card, "tampering"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public async Task Safe_TheSameFileTouchedHarmlessly_HasNoTampering(string name, string file, string harmful, string harmless, string kind, bool blockedForAgents)
    {
        _ = (harmful, kind, blockedForAgents);
        using var directory = Repository();
        var (exit, card) = await ProposeAsync(directory, file, harmless, "claude-code");

        Assert.Empty(Tampering(card));
        Assert.Null(Check(card, "tampering"));
        Assert.True(name != "allow-anonymous" || exit == 0, "a harmless edit of the controller is allowed");
    }

    [Fact]
    public async Task Detect_SeverityLoweredByAPerson_IsScoredAndShown_NotBlocked()
    {
        using var directory = Repository();
        var (exit, card) = await ProposeAsync(directory, ".editorconfig", EditorConfig.Replace("AEG001.severity = error", "AEG001.severity = none", StringComparison.Ordinal), "alice");

        Assert.Equal(0, exit);
        Assert.Equal("allow", card.GetProperty("status").GetString());
        var finding = Assert.Single(Tampering(card));
        Assert.Equal("severity_lowered", finding.GetProperty("kind").GetString());
        Assert.Equal("scored", finding.GetProperty("verdict").GetString());
        Assert.Equal(5, finding.GetProperty("line").GetInt32());
        Assert.Contains("AEG001", finding.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        // Base 10 for an allowed change plus the finding's weight.
        Assert.Equal(10 + finding.GetProperty("weight").GetInt32(), card.GetProperty("risk_score").GetInt32());
    }

    [Theory]
    [InlineData("dotnet_diagnostic.CA2100.severity = none", true)]
    [InlineData("dotnet_diagnostic.CA5350.severity = silent", true)]
    [InlineData("dotnet_diagnostic.S2068.severity = suggestion", true)]
    [InlineData("dotnet_diagnostic.SCS0002.severity = none", true)]
    [InlineData("dotnet_analyzer_diagnostic.category-Security.severity = none", true)]
    [InlineData("aegis.AEG001.high_confidence_severity = none", true)]
    [InlineData("dotnet_diagnostic.IDE0005.severity = none", false)]
    [InlineData("dotnet_diagnostic.CA1822.severity = none", false)]
    [InlineData("dotnet_diagnostic.CA2100.severity = error", false)]
    public async Task SecurityRuleTable_NewGlobalConfig(string line, bool tampering)
    {
        using var directory = Repository();
        var (_, card) = await ProposeAsync(directory, "src/App/.globalconfig", "is_global = true\n" + line + "\n", "alice");
        Assert.Equal(tampering ? 1 : 0, Tampering(card).Length);
    }

    [Fact]
    public async Task Detect_DeletedTestFile_IsTestDeleted_AndDeletionIsExpressible()
    {
        using var directory = Repository();
        var (_, card) = await ProposeAsync(directory, "tests/App.Tests/GreeterTests.cs", null, "codex", delete: true);

        Assert.Equal("delete", card.GetProperty("action").GetProperty("mode").GetString());
        var finding = Assert.Single(Tampering(card));
        Assert.Equal("test_deleted", finding.GetProperty("kind").GetString());
        Assert.Contains("-    public void Greets_by_name()", card.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory.Path, "tests/App.Tests/GreeterTests.cs")), "propose never writes the working tree");
    }

    [Fact]
    public async Task Safe_DeletedFileThatIsNoTest_HasNoTampering()
    {
        using var directory = Repository();
        var (exit, card) = await ProposeAsync(directory, "src/App/Greeter.cs", null, "codex", delete: true);
        Assert.Equal(0, exit);
        Assert.Empty(Tampering(card));
    }

    [Fact]
    public async Task Detect_BaselineEntryAdded_ByAnAgent_Blocked_AndReformattingIsNot()
    {
        using var directory = Repository();
        var added = Baseline.Replace("\"AEG002\" }", "\"AEG002\" },\n    { \"fingerprint\": \"cccc\", \"rule\": \"AEG001\" }", StringComparison.Ordinal);
        var (exit, card) = await ProposeAsync(directory, ".aegis/baseline.json", added, "mcp:cursor");
        Assert.Equal(1, exit);
        var finding = Assert.Single(Tampering(card));
        Assert.Equal("baseline_edited", finding.GetProperty("kind").GetString());
        Assert.Equal("blocked", finding.GetProperty("verdict").GetString());

        var (_, reformatted) = await ProposeAsync(directory, ".aegis/baseline.json", Baseline.Replace("\n    ", "\n      ", StringComparison.Ordinal), "mcp:cursor");
        Assert.Empty(Tampering(reformatted));
        var (_, removed) = await ProposeAsync(directory, ".aegis/baseline.json", Baseline.Replace("    { \"fingerprint\": \"aaaa\", \"rule\": \"AEG001\" },\n", "", StringComparison.Ordinal), "mcp:cursor");
        Assert.Empty(Tampering(removed));
    }

    [Fact]
    public async Task Detect_PolicyEdited_ByAnAgent_Blocked_ByAPerson_Scored()
    {
        using var directory = Repository();
        const string Policy = "{ \"min_confidence\": 0.2 }\n";
        var (_, agent) = await ProposeAsync(directory, ".aegis/policy.json", Policy, "copilot-swe");
        Assert.Equal("blocked", Assert.Single(Tampering(agent)).GetProperty("verdict").GetString());
        var (_, person) = await ProposeAsync(directory, ".aegis/policy.json", Policy, "alice");
        Assert.Equal("scored", Assert.Single(Tampering(person)).GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task PolicyFile_CanBlockAKindForPeople_AndNamesItsOwnAgents()
    {
        using var directory = Repository();
        directory.Write(".aegis/policy.json", "{ \"agent_actors\": [\"robo-*\"], \"tampering\": { \"person\": { \"test_deleted\": \"block\" }, \"agent\": { \"severity_lowered\": \"score\" } } }\n");
        var deleted = GreeterTests.Replace("    [Fact]\n    public void Greets_by_name() => Assert.Equal(\"Hello Ann\", Greeter.Greet(\"Ann\"));\n\n", "", StringComparison.Ordinal);

        var (exit, card) = await ProposeAsync(directory, "tests/App.Tests/GreeterTests.cs", deleted, "alice");
        Assert.Equal(1, exit);
        Assert.Equal("blocked", Assert.Single(Tampering(card)).GetProperty("verdict").GetString());

        var lowered = EditorConfig.Replace("AEG001.severity = error", "AEG001.severity = none", StringComparison.Ordinal);
        var (robotExit, robot) = await ProposeAsync(directory, ".editorconfig", lowered, "robo-7");
        Assert.Equal(0, robotExit);
        Assert.Equal("scored", Assert.Single(Tampering(robot)).GetProperty("verdict").GetString());

        // claude-code is not in this policy's agent list: a person, so scored.
        var (_, claude) = await ProposeAsync(directory, ".editorconfig", lowered, "claude-code");
        Assert.Equal("scored", Assert.Single(Tampering(claude)).GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task PolicyFile_WithAnUnknownTamperingValue_IsACorruptStateFile()
    {
        using var directory = Repository();
        directory.Write(".aegis/policy.json", "{ \"tampering\": { \"agent\": { \"severity_lowered\": \"maybe\" } } }\n");
        var actionPath = directory.Write("action.json", JsonSerializer.Serialize(new { file = ".editorconfig", content = EditorConfig, intent = "x", actor = "claude" }));
        var stderr = new StringWriter();
        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "propose", "--action", actionPath, "--repository-root", directory.Path, "--sandbox", "file" }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);
        Assert.Equal(2, exit);
        Assert.Contains("AEGB005", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("severity_lowered", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCardRendersTampering_InItsOwnSection()
    {
        using var directory = Repository();
        var output = Path.Combine(directory.Path, "out");
        var action = directory.Write("action.json", JsonSerializer.Serialize(new { file = ".editorconfig", content = EditorConfig.Replace("AEG001.severity = error", "AEG001.severity = none", StringComparison.Ordinal), intent = "quiet", actor = "claude-code" }));
        await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "propose", "--action", action, "--repository-root", directory.Path, "--sandbox", "file", "--output", output }, new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog);

        var html = File.ReadAllText(Path.Combine(output, "risk-card.html"));
        Assert.Contains("<section class=\"tampering\"><h2>Tampering (1)</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<code>.editorconfig:5</code>", html, StringComparison.Ordinal);
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "risk-card.schema.json")));
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "risk-card.json")));
        Assert.Empty(MiniSchema.Validate(schema.RootElement, written.RootElement));
        var markdown = File.ReadAllText(Path.Combine(output, "risk-card.md"));
        Assert.Contains("### Tampering (1)", markdown, StringComparison.Ordinal);
        Assert.Contains("| severity_lowered |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_EachFindingIsACodedWarning_OnStandardError()
    {
        using var directory = Repository();
        var lowered = EditorConfig.Replace("AEG001.severity = error", "AEG001.severity = none", StringComparison.Ordinal);
        var (_, _, _, stderr) = await ProposeAndGateTests.ProposeAsync(directory, new { file = ".editorconfig", content = lowered, intent = "quiet", actor = "claude-code" });
        Assert.Contains("aegis: warning AEGB050: tampering (blocked): lowered a security rule's severity in .editorconfig:5 (dotnet_diagnostic.AEG001.severity = none (was error))", stderr, StringComparison.Ordinal);

        var (_, _, _, harmless) = await ProposeAndGateTests.ProposeAsync(directory, new { file = ".editorconfig", content = EditorConfig + "# reviewed\n", intent = "note", actor = "claude-code" });
        Assert.DoesNotContain("AEGB050", harmless, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_EvidenceIsMasked_InTheCardAndOnStandardError()
    {
        using var directory = Repository();
        var token = "ghp_" + new string('Z', 36);
        var content = Suppressions + "[assembly: SuppressMessage(\"Aegis.Security.Secrets\", \"AEG002\", Justification = \"" + token + " is a test key\")]\n";
        var (_, card, stdout, stderr) = await ProposeAndGateTests.ProposeAsync(directory, new { file = "src/App/GlobalSuppressions.cs", content, intent = "quiet", actor = "gemini" });

        Assert.Equal("global_suppression", Assert.Single(Tampering(card)).GetProperty("kind").GetString());
        Assert.DoesNotContain(token, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, stderr, StringComparison.Ordinal);
        Assert.Contains("[secret", Assert.Single(Tampering(card)).GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteWithContent_IsABadActionFile_Exit2()
    {
        using var directory = Repository();
        var action = directory.Write("action.json", JsonSerializer.Serialize(new { file = "src/App/Greeter.cs", delete = true, content = "x", intent = "tidy" }));
        var stderr = new StringWriter();
        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "propose", "--action", action, "--repository-root", directory.Path }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);
        Assert.Equal(2, exit);
        Assert.Contains("'delete': true", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingAFileThatDoesNotExist_Blocked()
    {
        using var directory = Repository();
        var (exit, card) = await ProposeAsync(directory, "src/App/Missing.cs", null, "codex", delete: true);
        Assert.Equal(1, exit);
        Assert.StartsWith("fail: there is no src/App/Missing.cs", Check(card, "syntax"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-code", true)]
    [InlineData("Claude", true)]
    [InlineData("mcp:vscode", true)]
    [InlineData("copilot", true)]
    [InlineData("cursor-agent", true)]
    [InlineData("codex", true)]
    [InlineData("gemini-cli", true)]
    [InlineData("agent-smith", true)]
    [InlineData("renovate-bot", true)]
    [InlineData("dependabot[bot]", true)]
    [InlineData(null, true)]
    [InlineData("alice", false)]
    [InlineData("helper", false)]
    [InlineData("botanist", false)]
    [InlineData("mcpherson", false)]
    public void DefaultAgents_RecogniseAgentsByActorName(string? actor, bool agent)
        => Assert.Equal(agent, new Policy.AegisPolicy().IsAgent(actor));
}
