using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

public sealed class ProposeAndGateTests
{
    internal static async Task<(int Exit, JsonElement Card, string Stdout, string Stderr)> ProposeAsync(TempDirectory directory, object action, params string[] extra)
    {
        var actionPath = Path.Combine(directory.Path, "action-" + Guid.NewGuid().ToString("N")[..6] + ".json");
        File.WriteAllText(actionPath, JsonSerializer.Serialize(action));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(
            new[] { "propose", "--action", actionPath, "--repository-root", directory.Path, "--sandbox", "file", "--json" }.Concat(extra).ToArray(),
            stdout, stderr, _ => null, TestProjects.Catalog);
        using var document = JsonDocument.Parse(stdout.ToString());
        return (exit, document.RootElement.GetProperty("risk_card").Clone(), stdout.ToString(), stderr.ToString());
    }

    private static TempDirectory Repository()
    {
        var directory = new TempDirectory();
        directory.Write("src/App/Greeter.cs", "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");
        return directory;
    }

    [Fact]
    public async Task GoodChange_Allow_Exit0()
    {
        using var directory = Repository();
        var (exit, card, _, _) = await ProposeAsync(directory, new { file = "src/App/Greeter.cs", content = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => $\"Hello {name}!\";\n}\n", intent = "add an exclamation mark", actor = "helper" });

        Assert.Equal(0, exit);
        Assert.Equal("allow", card.GetProperty("status").GetString());
        Assert.Equal("approved_for_rollout", card.GetProperty("recommendation").GetString());
        Assert.Contains("+++ b/src/App/Greeter.cs", card.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.Equal("propose", card.GetProperty("action").GetProperty("kind").GetString());
        Assert.Contains("Hello \" + name", File.ReadAllText(Path.Combine(directory.Path, "src/App/Greeter.cs")), StringComparison.Ordinal); // never written
    }

    [Fact]
    public async Task UnifiedPatch_IsApplied()
    {
        using var directory = Repository();
        var patch = "--- a/src/App/Greeter.cs\n+++ b/src/App/Greeter.cs\n@@ -3,4 +3,4 @@\n public static class Greeter\n {\n-    public static string Greet(string name) => \"Hello \" + name;\n+    public static string Greet(string name) => \"Hi \" + name;\n }\n";
        var (exit, card, _, _) = await ProposeAsync(directory, new { file = "src/App/Greeter.cs", patch, intent = "shorter greeting" });
        Assert.Equal(0, exit);
        Assert.Equal(1, card.GetProperty("diff_analysis").GetProperty("lines_added").GetInt32());
    }

    [Theory]
    [InlineData("../outside.cs")]
    [InlineData("src/../../outside.cs")]
    public async Task EscapingPath_Blocked_Exit1(string path)
    {
        using var directory = Repository();
        var (exit, card, _, stderr) = await ProposeAsync(directory, new { file = path, content = "class X {}", intent = "add a class" });

        Assert.Equal(1, exit);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.Contains("AEGB004", stderr, StringComparison.Ordinal);
        var policy = card.GetProperty("checks").EnumerateArray().First(c => c[0].GetString() == "policy");
        Assert.False(policy[1].GetBoolean());
        Assert.False(File.Exists(Path.Combine(directory.Path, "..", "outside.cs")));
        Assert.True(card.GetProperty("risk_score").GetInt32() >= 50 + 15 + 20);
    }

    [Fact]
    public async Task DestructiveIntent_Blocked()
    {
        using var directory = Repository();
        var (exit, card, _, _) = await ProposeAsync(directory, new { file = "src/App/Greeter.cs", content = "namespace App;\n", intent = "drop the greeter and delete tests" });
        Assert.Equal(1, exit);
        Assert.Contains("blocked word", card.GetProperty("checks")[0][2].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CSharpThatDoesNotParse_Blocked()
    {
        using var directory = Repository();
        var (exit, card, _, _) = await ProposeAsync(directory, new { file = "src/App/Greeter.cs", content = "namespace App; public class {", intent = "refactor" });
        Assert.Equal(1, exit);
        Assert.Contains(card.GetProperty("checks").EnumerateArray(), c => c[0].GetString() == "syntax" && !c[1].GetBoolean());
    }

    [Theory]
    [InlineData("config/app.json", "{ \"a\": ")]
    [InlineData("src/App/App.csproj", "<Project><PropertyGroup></Project>")]
    [InlineData(".github/ci.yml", "jobs:\n\tbuild: x\n")]
    public async Task OtherFormatsThatDoNotParse_Blocked(string file, string content)
    {
        using var directory = Repository();
        var (exit, _, _, _) = await ProposeAsync(directory, new { file, content, intent = "update config" });
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task AddedSecret_Blocked_AndMasked()
    {
        using var directory = Repository();
        var token = "ghp_" + new string('Q', 36);
        var (exit, card, stdout, _) = await ProposeAsync(directory, new { file = "src/App/Keys.cs", content = "namespace App;\npublic static class Keys\n{\n    public static string GithubToken = \"" + token + "\";\n}\n", intent = "add keys" });
        Assert.Equal(1, exit);
        Assert.Contains("added secret", card.GetProperty("diff_analysis").GetProperty("risky_patterns").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(token, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadActionFile_Exit2()
    {
        using var directory = Repository();
        var action = directory.Write("action.json", "{\"file\": 3}");
        var exit = await AegisCommandLine.RunAsync(new[] { "propose", "--action", action, "--repository-root", directory.Path }, new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog);
        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Json_OnErrors_PrintsTheCodedError()
    {
        using var directory = new TempDirectory();
        var stdout = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(new[] { "build", "--inputs", Path.Combine(directory.Path, "missing.txt"), "--json" }, stdout, new StringWriter(), _ => null, TestProjects.Catalog);
        Assert.Equal(2, exit);
        using var document = JsonDocument.Parse(stdout.ToString());
        Assert.Equal("AEGB003", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("build")]
    [InlineData("scan . --sandbox sometimes")]
    public async Task UsageErrors_Exit2(string commandLine)
        => Assert.Equal(2, await AegisCommandLine.RunAsync(commandLine.Split(' '), new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog));

    [Theory]
    [InlineData("never", "blocked", 95, false)]
    [InlineData("blocked", "blocked", 50, true)]
    [InlineData("blocked", "allow", 10, false)]
    [InlineData("LOW", "allow", 10, true)]
    [InlineData("MEDIUM", "allow", 19, false)]
    [InlineData("MEDIUM", "allow", 20, true)]
    [InlineData("HIGH", "blocked", 79, true)]
    [InlineData("HIGH", "blocked", 49, false)]
    [InlineData("CRITICAL", "blocked", 79, false)]
    [InlineData("CRITICAL", "blocked", 80, true)]
    public void Gate(string failOn, string status, int score, bool fails)
    {
        var card = new RiskCard { Status = status, RiskScore = score, RiskLevel = RiskLevels.For(score) };
        Assert.Equal(fails, RiskGate.Evaluate(card, failOn) is not null);
    }

    [Fact]
    public async Task BuildVerb_FromResponseFile_GateFails_Exit1_WithAEGB004Line()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var output = Path.Combine(directory.Path, "out") + "/";
        var rsp = directory.Write("obj/aegis/aegis.rsp", string.Join("\n", "--inputs", TestProjects.InputsPath(inputs), "--output", output, "--repository-root", directory.Path, "--sandbox", "file", "--fail-on", "MEDIUM") + "\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "build", "@" + rsp }, stdout, stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(1, exit);
        // The code is blocked, the patch that fixes it is approved: each half says what it judges, and where to look.
        Assert.Equal(
            "aegis: card " + Path.Combine(output, "risk-card.html") + ": Blocked (risk 69 HIGH): 1 incident in the code (top: AEG003 Endpoint lacks the authorization the repository's convention requires in src/Shop/Controllers/OrdersController.cs:7). "
                + "Patches: approved for rollout (1 of 1 incident fixed in 1 file, verified). Apply with: aegis fix src/Shop/Shop.csproj --rule AEG003",
            stdout.ToString().Split('\n')[0]);
        Assert.Equal(stdout.ToString().Split('\n')[0]["aegis: card ".Length..] + "\n", File.ReadAllText(Path.Combine(output, "risk-card.summary.txt")));
        Assert.Matches(@"aegis: error AEGB004: Risk gate failed \(risk level (HIGH|CRITICAL) >= MEDIUM\): see .*risk-card\.json; top reasons: ", stderr.ToString());
        Assert.True(File.Exists(Path.Combine(output, "risk-card.html")));
    }

    [Fact]
    public async Task BuildVerb_GateNever_Exit0()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var exit = await AegisCommandLine.RunAsync(
            new[] { "build", "--inputs", TestProjects.InputsPath(inputs), "--output", Path.Combine(directory.Path, "out"), "--repository-root", directory.Path, "--sandbox", "none", "--fail-on", "never" },
            new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task BuildVerb_BadInputs_Exit2_AEGB003()
    {
        using var directory = new TempDirectory();
        var bad = directory.Write("compile-inputs.txt", "nonsense\n");
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(new[] { "build", "--inputs", bad, "--output", directory.Path }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);
        Assert.Equal(2, exit);
        Assert.Contains("aegis: error AEGB003:", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyCommands_TimeoutsPairWithTheirCommand()
    {
        var commands = AegisCommandLine.VerifyCommands(new[] { "--verify-timeout", "60", "--verify-command", "a b", "--verify-command", "c", "--verify-timeout", "5" });
        Assert.Equal(new[] { ("a b", 60.0), ("c", 5.0) }, commands.Select(c => (c.CommandLine, c.Timeout.TotalSeconds)));
    }
}
