using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// <c>aegis hook &lt;agent&gt;</c> fed payloads shaped as the agents document them (Claude Code's PreToolUse hook input
/// for Write, Edit and MultiEdit; the generic form), answered on stdout in the agent's format with the exit code it
/// reads: the exact JSON is asserted, the allowed edit as carefully as the blocked one.
/// </summary>
public sealed class AgentHookTests
{
    private const string ControllerFile = "src/Shop/Controllers/ProductsController.cs";

    private const string ParameterizedQuery = "connection.Query<string>(\"SELECT Name FROM Products WHERE Name = @name\", new { name })";

    private const string InterpolatedQuery = "connection.Query<string>($\"SELECT Name FROM Products WHERE Name = '{name}'\")";

    private const string ProductsController = ShopSources.DapperProductsController;

    private static TempDirectory ShopRepository()
    {
        var directory = new TempDirectory();
        var packages = PackageStubs.Write(directory, ("Dapper", PackageStubs.Dapper));
        var files = new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            [ControllerFile] = ProductsController,
        };
        TestProjects.WriteBuiltProject(directory, "src/Shop/Shop.csproj", files, packages);
        return directory;
    }

    /// <summary>Claude Code's PreToolUse input: the common fields, the tool's name and its input (absolute paths).</summary>
    private static string ClaudeCodePayload(TempDirectory directory, string tool, object toolInput)
        => JsonSerializer.Serialize(new
        {
            session_id = "6f1c2a4e-0d3b-4c55-9a8e-2b7f0c9d1e3a",
            transcript_path = "/home/dev/.claude/projects/-work-shop/6f1c2a4e-0d3b-4c55-9a8e-2b7f0c9d1e3a.jsonl",
            cwd = directory.Path,
            permission_mode = "default",
            hook_event_name = "PreToolUse",
            tool_name = tool,
            tool_input = toolInput,
            tool_use_id = "toolu_01VnD6m3jWq8kXyZ5aBcDeFg",
        });

    private static async Task<(int Exit, string Stdout, string Stderr)> HookAsync(TempDirectory directory, string agent, string payload, params string[] extra)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(
            new[] { "hook", agent, "--repository-root", directory.Path }.Concat(extra).ToArray(),
            stdout, stderr, _ => null, TestProjects.Catalog, stdin: new StringReader(payload));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement Card(TempDirectory directory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, ".aegis", "propose", "risk-card.json")));
        return document.RootElement.Clone();
    }

    private static string ClaudeCodeAnswer(string decision, string reason)
        => JsonSerializer.Serialize(new { hookSpecificOutput = new { hookEventName = "PreToolUse", permissionDecision = decision, permissionDecisionReason = reason } }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static string CardHtml(TempDirectory directory) => Path.Combine(directory.Path, ".aegis", "propose", "risk-card.html");

    [Fact]
    public async Task Safe_ClaudeCodeEdit_Allow_Exit0_ExactJson_AndTheFileIsNotWritten()
    {
        using var directory = ShopRepository();
        var payload = ClaudeCodePayload(directory, "Edit", new { file_path = Path.Combine(directory.Path, ControllerFile), old_string = "SELECT Name FROM Products", new_string = "SELECT Name FROM dbo.Products", replace_all = false });

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        var card = Card(directory);
        Assert.Equal("allow", card.GetProperty("status").GetString());
        Assert.Equal("claude-code", card.GetProperty("action").GetProperty("actor").GetString());
        Assert.Equal(ControllerFile, card.GetProperty("action").GetProperty("file").GetString());
        Assert.Contains("+    public IActionResult Find([FromQuery] string name) => Ok(connection.Query<string>(\"SELECT Name FROM dbo.Products WHERE Name = @name\", new { name }));", card.GetProperty("diff").GetString(), StringComparison.Ordinal);
        var reason = $"Aegis allowed this edit of {ControllerFile} (risk {card.GetProperty("risk_score").GetInt32()} {card.GetProperty("risk_level").GetString()}). Card: {CardHtml(directory)}";
        Assert.Equal(ClaudeCodeAnswer("allow", reason), stdout);
        Assert.Equal(ProductsController, File.ReadAllText(Path.Combine(directory.Path, ControllerFile))); // judged, never written
    }

    [Fact]
    public async Task Detect_ClaudeCodeEditAddingSqlInjection_Deny_Exit0_ExactJson()
    {
        using var directory = ShopRepository();
        var payload = ClaudeCodePayload(directory, "Edit", new { file_path = Path.Combine(directory.Path, ControllerFile), old_string = ParameterizedQuery, new_string = InterpolatedQuery });

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

        // Exit 0: Claude Code reads the JSON only then; the deny is in it (exit 1 would let the edit through).
        Assert.Equal(0, exit);
        var card = Card(directory);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.Equal(new[] { "AEG001" }, card.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("rule").GetString()).ToArray());
        var failed = card.GetProperty("checks").EnumerateArray().Where(c => !c[1].GetBoolean()).Select(c => c[0].GetString() + ": " + c[2].GetString()).ToArray();
        Assert.Contains(failed, f => f.StartsWith("incidents: the change adds 1 incident(s)", StringComparison.Ordinal));
        var reason = $"Aegis blocked this edit of {ControllerFile} (risk {card.GetProperty("risk_score").GetInt32()} {card.GetProperty("risk_level").GetString()}, {card.GetProperty("recommendation").GetString()}): "
            + card.GetProperty("explanation").GetString() + " Failed checks: " + string.Join("; ", failed) + ". Card: " + CardHtml(directory);
        Assert.Equal(ClaudeCodeAnswer("deny", reason), stdout);
    }

    [Fact]
    public async Task Detect_ClaudeCodeMultiEditAddingSqlInjection_Deny_AndWriteOfTheSameContentToo()
    {
        using var directory = ShopRepository();
        var multi = ClaudeCodePayload(directory, "MultiEdit", new
        {
            file_path = Path.Combine(directory.Path, ControllerFile),
            edits = new object[]
            {
                new { old_string = "[HttpGet]", new_string = "[HttpGet(\"search\")]" },
                new { old_string = ParameterizedQuery, new_string = InterpolatedQuery, replace_all = true },
            },
        });
        var write = ClaudeCodePayload(directory, "Write", new { file_path = Path.Combine(directory.Path, ControllerFile), content = ProductsController.Replace(ParameterizedQuery, InterpolatedQuery, StringComparison.Ordinal) });

        foreach (var payload in new[] { multi, write })
        {
            var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

            Assert.Equal(0, exit);
            Assert.StartsWith("{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"Aegis blocked this edit of " + ControllerFile, stdout, StringComparison.Ordinal);
            Assert.Equal("AEG001", Card(directory).GetProperty("incidents")[0].GetProperty("rule").GetString());
        }
    }

    [Theory]
    [InlineData("{\"tool_name\": \"Edit\", \"tool_input\": {\"file_path\": \"src/a.cs\"", "malformed hook payload: the payload is not JSON: ")]
    [InlineData("[1, 2]", "malformed hook payload: the payload is not a JSON object")]
    [InlineData("{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Edit\", \"tool_input\": {\"file_path\": \"src/a.cs\", \"new_string\": \"x\"}}", "malformed hook payload: tool_input has no 'old_string'")]
    [InlineData("{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Write\"}", "malformed hook payload: the payload has no 'tool_input' object")]
    public async Task MalformedPayload_Ask_Exit0_NeverASilentAllow(string payload, string problem)
    {
        using var directory = ShopRepository();

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        using var answer = JsonDocument.Parse(stdout);
        var output = answer.RootElement.GetProperty("hookSpecificOutput");
        Assert.Equal("ask", output.GetProperty("permissionDecision").GetString());
        var reason = output.GetProperty("permissionDecisionReason").GetString()!;
        Assert.Contains("(AEGB040: " + problem, reason, StringComparison.Ordinal);
        Assert.EndsWith("; the policy's hooks.on_error says ask.", reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, ".aegis", "propose")));
    }

    [Fact]
    public async Task MalformedPayload_ExactJson_AndThePolicyCanSayDeny()
    {
        using var directory = ShopRepository();
        const string Payload = "{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Write\"}";

        var (_, asked, _) = await HookAsync(directory, "claude-code", Payload);
        directory.Write(".aegis/policy.json", "{ \"hooks\": { \"on_error\": \"deny\" } }\n");
        var (exit, denied, _) = await HookAsync(directory, "claude-code", Payload);

        Assert.Equal(ClaudeCodeAnswer("ask", "Aegis could not judge this edit (AEGB040: malformed hook payload: the payload has no 'tool_input' object); the policy's hooks.on_error says ask."), asked);
        Assert.Equal(0, exit);
        Assert.Equal(ClaudeCodeAnswer("deny", "Aegis could not judge this edit (AEGB040: malformed hook payload: the payload has no 'tool_input' object); the policy's hooks.on_error says deny."), denied);
    }

    [Fact]
    public async Task CorruptPolicy_Ask_NamingTheFile()
    {
        using var directory = ShopRepository();
        directory.Write(".aegis/policy.json", "{ \"hooks\": { \"on_error\": \"sometimes\" } }\n");
        var payload = ClaudeCodePayload(directory, "Edit", new { file_path = Path.Combine(directory.Path, ControllerFile), old_string = "[HttpGet]", new_string = "[HttpGet(\"find\")]" });

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        Assert.StartsWith("{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"ask\",\"permissionDecisionReason\":\"Aegis could not judge this edit (AEGB005: corrupt state file ", stdout, StringComparison.Ordinal);
        Assert.Contains("'hooks.on_error' must be \\\"ask\\\", \\\"deny\\\" or \\\"allow\\\"", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/aegis-outside.cs")]
    [InlineData("../outside.cs")]
    public async Task EditOutsideTheRepository_Deny_Exit0_ExactJson(string path)
    {
        using var directory = ShopRepository();
        var payload = ClaudeCodePayload(directory, "Write", new { file_path = path, content = "class Outside {}\n" });

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        Assert.Equal(ClaudeCodeAnswer("deny", $"Aegis denies this edit: {path} is outside the repository {directory.Path}; an agent's edits stay inside it."), stdout);
        Assert.False(File.Exists(Path.Combine(directory.Path, "..", "outside.cs")));
    }

    [Fact]
    public async Task EditWhoseOldStringIsNotInTheFile_Deny_WithTheReason()
    {
        using var directory = ShopRepository();
        var payload = ClaudeCodePayload(directory, "Edit", new { file_path = Path.Combine(directory.Path, ControllerFile), old_string = "SELECT * FROM Nowhere", new_string = "x" });

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        Assert.Equal(ClaudeCodeAnswer("deny", $"Aegis cannot judge this Edit of {ControllerFile}: old_string was not found in the current file. Read the file again and retry the edit."), stdout);
    }

    [Fact]
    public async Task Safe_OtherTools_NoDecision_Exit0_EmptyStdout_SoClaudeCodesOwnPermissionsApply()
    {
        using var directory = ShopRepository();
        var payload = ClaudeCodePayload(directory, "Bash", new { command = "rm -rf bin", description = "Clean" });

        var (exit, stdout, stderr) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Aegis does not judge this: the Bash tool does not edit a file (Aegis judges Write, Edit and MultiEdit).", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generic_SafeAndBlocked_ExactJson_Exit0And1_ActorFromTheAgentField()
    {
        using var directory = ShopRepository();
        var safe = JsonSerializer.Serialize(new { agent = "cursor", file = ControllerFile, edits = new[] { new { old_string = "[HttpGet]", new_string = "[HttpGet(\"find\")]" } }, intent = "name the route" });
        var blocked = JsonSerializer.Serialize(new { file = ControllerFile, content = ProductsController.Replace(ParameterizedQuery, InterpolatedQuery, StringComparison.Ordinal) });

        var (safeExit, safeOut, _) = await HookAsync(directory, "generic", safe);
        var safeCard = Card(directory);
        var (blockedExit, blockedOut, _) = await HookAsync(directory, "generic", blocked);
        var blockedCard = Card(directory);

        Assert.Equal(0, safeExit);
        Assert.Equal("cursor", safeCard.GetProperty("action").GetProperty("actor").GetString());
        var cardJson = Path.Combine(directory.Path, ".aegis", "propose", "risk-card.json");
        Assert.Equal(
            $"{{\"decision\":\"allow\",\"reason\":\"Aegis allowed this edit of {ControllerFile} (risk {safeCard.GetProperty("risk_score").GetInt32()} LOW). Card: {CardHtml(directory)}\",\"file\":\"{ControllerFile}\",\"risk_score\":{safeCard.GetProperty("risk_score").GetInt32()},\"risk_level\":\"LOW\",\"card\":\"{cardJson}\"}}\n",
            safeOut);
        Assert.Equal(1, blockedExit);
        Assert.Equal("agent", blockedCard.GetProperty("action").GetProperty("actor").GetString());
        using var answer = JsonDocument.Parse(blockedOut);
        Assert.Equal(new[] { "decision", "reason", "file", "risk_score", "risk_level", "card" }, answer.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("deny", answer.RootElement.GetProperty("decision").GetString());
        Assert.Equal(blockedCard.GetProperty("risk_score").GetInt32(), answer.RootElement.GetProperty("risk_score").GetInt32());
        Assert.StartsWith("Aegis blocked this edit of " + ControllerFile, answer.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_HardCodedKey_Deny_AndTheReasonHoldsNoSecret()
    {
        using var directory = ShopRepository();
        const string Key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
        var content = "namespace Shop;\n\npublic static class PaymentKeys\n{\n    public const string Live = \"" + Key + "\";\n}\n";
        var payload = ClaudeCodePayload(directory, "Write", new { file_path = Path.Combine(directory.Path, "src/Shop/PaymentKeys.cs"), content });

        var (exit, stdout, stderr) = await HookAsync(directory, "claude-code", payload);

        Assert.Equal(0, exit);
        Assert.Contains("\"permissionDecision\":\"deny\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswerWithinTheTimeout_Ask_AEGB041_BeforeTheEngineIsDone()
    {
        // A project its build never left compile inputs for: judging the file starts MSBuild, which takes seconds.
        using var directory = new TempDirectory();
        directory.Write("src/Cold/Cold.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        directory.Write("src/Cold/Greeter.cs", "namespace Cold;\n\npublic static class Greeter\n{\n    public static string Hi() => \"hi\";\n}\n");
        var payload = ClaudeCodePayload(directory, "Edit", new { file_path = Path.Combine(directory.Path, "src/Cold/Greeter.cs"), old_string = "\"hi\"", new_string = "\"hello\"" });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (exit, stdout, _) = await HookAsync(directory, "claude-code", payload, "--timeout", "1");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the hook waited for the engine: " + clock.Elapsed);
        Assert.Equal(0, exit);
        Assert.Equal(ClaudeCodeAnswer("ask", "Aegis could not judge this Edit of src/Cold/Greeter.cs (AEGB041: no answer within 1 s (aegis hook --timeout)); the policy's hooks.on_error says ask."), stdout);
    }

    [Fact]
    public async Task UnknownAgent_UsageError_Exit2_NamingTheKnownOnes()
    {
        using var directory = ShopRepository();

        var (exit, stdout, stderr) = await HookAsync(directory, "vim", "{}");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("aegis: error AEGB043: unknown agent 'vim' (known: claude-code, generic)", stderr, StringComparison.Ordinal);
    }
}
