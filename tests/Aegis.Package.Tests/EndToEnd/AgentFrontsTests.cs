using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 15's agent fronts through the engine exactly as the package ships it (tools/engine/), on a copy of the sample
/// in its own git repository: the official MCP client drives <c>aegis mcp</c> over stdio, and Claude Code's PreToolUse
/// payloads go through <c>aegis hook claude-code</c>. Safe changes are allowed; a new SQL injection and a hard-coded
/// key are blocked; bad calls are tool errors and the server keeps serving.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class AgentFrontsTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string Suppliers = "Aegis.Sample/Suppliers/SuppliersController.cs";

    private const string SafeBefore = "OrderBy(supplier => supplier.Name)";

    private const string SafeAfter = "OrderBy(supplier => supplier.City).ThenBy(supplier => supplier.Name)";

    private const string ParameterizedSearch = "FromSql($\"SELECT * FROM Suppliers WHERE Name LIKE {\"%\" + name + \"%\"} AND Active = 1\")";

    private const string InjectedSearch = "FromSqlRaw($\"SELECT * FROM Suppliers WHERE Name LIKE '%{name}%' AND Active = 1\")";

    private const string NewLiveKey = "sk_live_51QmZ8rTbX2vYp9KdLw3NcH7f";

    // A root .editorconfig that switches AEG001 off (tampering an agent may not do) and one that only sets indentation.
    private const string EditorConfigDisablingAeg001 = "root = true\n\n[*.cs]\ndotnet_diagnostic.AEG001.severity = none\n";

    private const string HarmlessEditorConfig = "root = true\n\n[*.cs]\nindent_style = space\nindent_size = 4\n";

    private static readonly string[] ToolNames = ["explain_card", "fix_suggestion", "propose_change", "scan"];

    [RequiresEngineFact(Timeout = 15 * 60_000)]
    public async Task Mcp_ListsTools_AllowsASafeChange_BlocksSqlInjectionAndAKey_ToolErrorsForBadCalls_AndKeepsServing()
    {
        var sample = SampleRepository.Create(environment, "sample-mcp");
        var engine = environment.ExtractEngine("mcp-engine");
        var stderr = new StringBuilder();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "aegis",
            Command = DotNet.HostPath,
            Arguments = [Path.Combine(engine, "Aegis.Cli.dll"), "mcp", "--repository-root", sample.Root, "--sandbox", "file"],
            WorkingDirectory = sample.Root,
            InheritEnvironmentVariables = false,
            EnvironmentVariables = CleanEnvironment(),
            StandardErrorLines = line => { lock (stderr) { stderr.AppendLine(line); } },
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ClientInfo = new Implementation { Name = "aegis-tests", Version = "1.0.0" } });
        try
        {
            // The tools, each described for an agent.
            var tools = await client.ListToolsAsync();
            Assert.Equal(ToolNames, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.All(tools, t => Assert.True(t.Description.Length > 150, t.Name + "'s description does not say what it is for and when to call it"));
            Assert.Contains("before", tools.Single(t => t.Name == "propose_change").Description, StringComparison.OrdinalIgnoreCase);

            var original = File.ReadAllText(sample.PathOf(Suppliers));

            // A safe change: allowed, on the card `aegis propose` writes, with the client's name as the actor.
            var safe = await CallAsync(client, "propose_change", new() { ["file"] = Suppliers, ["content"] = original.Replace(SafeBefore, SafeAfter, StringComparison.Ordinal), ["intent"] = "list suppliers by city" });
            Assert.True(safe.GetProperty("allowed").GetBoolean(), "the safe change was blocked: " + safe);
            Assert.Equal("allow", safe.GetProperty("status").GetString());
            Assert.Equal("approved_for_rollout", safe.GetProperty("recommendation").GetString());
            var cardPath = safe.GetProperty("card").GetString()!;
            Assert.Equal(sample.PathOf(".aegis/propose/risk-card.json"), cardPath);
            using (var card = JsonDocument.Parse(File.ReadAllText(cardPath)))
            {
                Assert.Equal("propose", card.RootElement.GetProperty("action").GetProperty("kind").GetString());
                Assert.Equal("mcp:aegis-tests", card.RootElement.GetProperty("action").GetProperty("actor").GetString());
                Assert.Contains("judged in Aegis.Sample/Aegis.Sample.csproj", card.RootElement.GetProperty("checks").EnumerateArray().Single(c => c[0].GetString() == "incidents")[2].GetString(), StringComparison.Ordinal);
            }

            // A new SQL injection: blocked, with the reasons.
            var injection = await CallAsync(client, "propose_change", new() { ["file"] = Suppliers, ["patch"] = Patch(Suppliers, original, original.Replace(ParameterizedSearch, InjectedSearch, StringComparison.Ordinal)), ["intent"] = "simpler supplier search" });
            Assert.False(injection.GetProperty("allowed").GetBoolean(), "the SQL injection was allowed: " + injection);
            Assert.Equal("blocked", injection.GetProperty("status").GetString());
            Assert.Contains(injection.GetProperty("failed_checks").EnumerateArray(), c => c.GetString()!.StartsWith("incidents: the change adds 1 incident(s)", StringComparison.Ordinal));
            Assert.NotEmpty(injection.GetProperty("reasons").EnumerateArray());
            Assert.Contains(injection.GetProperty("risk_level").GetString(), new[] { "MEDIUM", "HIGH", "CRITICAL" });

            // A hard-coded key in a new file: blocked, and the key is in no tool result.
            var keyFile = "Aegis.Sample/Payments/PayoutKeys.cs";
            var keyResult = await client.CallToolAsync("propose_change", new Dictionary<string, object?> { ["file"] = keyFile, ["content"] = "namespace Aegis.Sample.Payments;\n\npublic static class PayoutKeys\n{\n    public const string Live = \"" + NewLiveKey + "\";\n}\n", ["intent"] = "payouts" });
            Assert.NotEqual(true, keyResult.IsError);
            var keyText = Text(keyResult);
            Assert.DoesNotContain(NewLiveKey, keyText, StringComparison.Ordinal);
            using (var key = JsonDocument.Parse(keyText))
            {
                Assert.False(key.RootElement.GetProperty("allowed").GetBoolean(), "the hard-coded key was allowed: " + keyText);
            }

            Assert.False(File.Exists(sample.PathOf(keyFile)));
            Assert.Equal(original, File.ReadAllText(sample.PathOf(Suppliers))); // judged, never written

            // Bad calls: tool errors naming the code, nothing written outside the repository.
            await AssertToolErrorAsync(client, "propose_change", new() { ["content"] = "class A {}", ["intent"] = "no file" }, "AEGB042: 'file' is required");
            await AssertToolErrorAsync(client, "propose_change", new() { ["file"] = "../outside.cs", ["content"] = "class Outside {}", ["intent"] = "escape" }, "AEGB042: 'file' ../outside.cs is outside the repository");
            await AssertToolErrorAsync(client, "propose_change", new() { ["file"] = Suppliers, ["intent"] = "neither" }, "AEGB042: give exactly one of 'content' or 'patch'");
            await AssertToolErrorAsync(client, "explain_card", new() { ["card"] = "/etc/passwd" }, "AEGB042: 'card' /etc/passwd is outside the repository");
            await AssertToolErrorAsync(client, "fix_suggestion", new() { ["fingerprint"] = "not-a-fingerprint" }, "AEGB042: 'fingerprint' must be");
            Assert.False(File.Exists(Path.Combine(environment.Root, "outside.cs")));

            // Still serving: the blocked card explained.
            var explained = await CallAsync(client, "explain_card", new() { ["card"] = ".aegis/propose/risk-card.json" });
            Assert.Equal("blocked", explained.GetProperty("status").GetString());
            Assert.Contains(explained.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "policy" && c.GetProperty("passed").GetBoolean());

            // Switching AEG001 off in .editorconfig: tampering, blocked for an agent; indentation settings: allowed.
            var disabling = await CallAsync(client, "propose_change", new() { ["file"] = ".editorconfig", ["content"] = EditorConfigDisablingAeg001, ["intent"] = "quieter build" });
            Assert.False(disabling.GetProperty("allowed").GetBoolean(), "disabling AEG001 was allowed: " + disabling);
            Assert.Contains(disabling.GetProperty("failed_checks").EnumerateArray(), c => c.GetString()!.StartsWith("tampering: blocked for agent 'mcp:aegis-tests'", StringComparison.Ordinal));
            var indentation = await CallAsync(client, "propose_change", new() { ["file"] = ".editorconfig", ["content"] = HarmlessEditorConfig, ["intent"] = "indentation" });
            Assert.True(indentation.GetProperty("allowed").GetBoolean(), "a harmless .editorconfig was blocked: " + indentation);
            Assert.False(File.Exists(sample.PathOf(".editorconfig")));

            // The incidents already there, masked, and a verified patch for one of them.
            var scanned = await CallAsync(client, "scan", new() { ["target"] = "Aegis.Sample" });
            var incidents = scanned.GetProperty("incidents").EnumerateArray().ToArray();
            Assert.Equal(sample.PlantedFindings().Count, incidents.Length);
            var scanText = scanned.GetRawText();
            Assert.All(sample.PlantedSecrets(), secret => Assert.DoesNotContain(secret, scanText, StringComparison.Ordinal));
            var search = incidents.First(i => i.GetProperty("rule").GetString() == "AEG001" && i.GetProperty("file").GetString() == "Aegis.Sample/Catalog/ProductsController.cs" && i.GetProperty("remediation_strategy").GetString() != "needs-human-review");
            var fix = await CallAsync(client, "fix_suggestion", new() { ["fingerprint"] = search.GetProperty("fingerprint").GetString() });
            Assert.True(fix.GetProperty("verified").GetBoolean(), "no verified patch: " + fix);
            Assert.Contains("@@ ", fix.GetProperty("patch").GetProperty("diff").GetString(), StringComparison.Ordinal);
            Assert.Equal("Aegis.Sample/Catalog/ProductsController.cs", fix.GetProperty("patch").GetProperty("file").GetString());
        }
        finally
        {
            lock (stderr)
            {
                output.WriteLine("aegis mcp stderr:\n" + stderr);
            }
        }
    }

    [RequiresEngineFact(Timeout = 10 * 60_000)]
    public async Task Hook_ClaudeCodePayloads_OnTheSample_AllowTheSafeEdit_DenyTheSqlInjection_AndTheEditOutside()
    {
        var sample = SampleRepository.Create(environment, "sample-hook");
        var engine = environment.ExtractEngine("hook-engine");
        var file = sample.PathOf(Suppliers);

        // The first judgement evaluates the project (a restore): a generous --timeout, as a cold repository needs.
        var safe = await HookAsync(engine, sample, Payload(sample, "Edit", new { file_path = file, old_string = SafeBefore, new_string = SafeAfter }));
        var injected = await HookAsync(engine, sample, Payload(sample, "Edit", new { file_path = file, old_string = ParameterizedSearch, new_string = InjectedSearch, replace_all = false }));
        var outside = await HookAsync(engine, sample, Payload(sample, "Write", new { file_path = Path.Combine(environment.Root, "outside.cs"), content = "class Outside {}\n" }));
        var disabling = await HookAsync(engine, sample, Payload(sample, "Write", new { file_path = sample.PathOf(".editorconfig"), content = EditorConfigDisablingAeg001 }));
        var indentation = await HookAsync(engine, sample, Payload(sample, "Write", new { file_path = sample.PathOf(".editorconfig"), content = HarmlessEditorConfig }));

        Assert.Equal(0, safe.Exit);
        Assert.Equal("allow", Decision(safe.Stdout));
        Assert.Equal(0, injected.Exit);
        Assert.Equal("deny", Decision(injected.Stdout));
        Assert.Contains("Aegis blocked this edit of " + Suppliers, injected.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, outside.Exit);
        Assert.Equal(
            "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"Aegis denies this edit: " + Path.Combine(environment.Root, "outside.cs") + " is outside the repository " + sample.Root + "; an agent's edits stay inside it.\"}}\n",
            outside.Stdout);
        Assert.False(File.Exists(Path.Combine(environment.Root, "outside.cs")));

        // Tampering: an agent switching AEG001 off is denied with the reason; indentation settings are allowed.
        Assert.Equal(0, disabling.Exit);
        Assert.Equal("deny", Decision(disabling.Stdout));
        Assert.Contains("blocked for agent 'claude-code'", disabling.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, indentation.Exit);
        Assert.Equal("allow", Decision(indentation.Stdout));
        Assert.False(File.Exists(sample.PathOf(".editorconfig")));
    }

    private static string Decision(string stdout)
    {
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.GetProperty("hookSpecificOutput").GetProperty("permissionDecision").GetString()!;
    }

    /// <summary>Claude Code's PreToolUse hook input, as its hooks reference documents it.</summary>
    private static string Payload(SampleRepository sample, string tool, object toolInput)
        => JsonSerializer.Serialize(new
        {
            session_id = "0b6f7c1e-2d4a-4e8b-9c3f-5a1d2e3f4b5c",
            transcript_path = "/home/dev/.claude/projects/sample/0b6f7c1e-2d4a-4e8b-9c3f-5a1d2e3f4b5c.jsonl",
            cwd = sample.Root,
            permission_mode = "default",
            hook_event_name = "PreToolUse",
            tool_name = tool,
            tool_input = toolInput,
            tool_use_id = "toolu_01HkQ9wXz3aBcDeFgHiJkLmN",
        });

    private async Task<(int Exit, string Stdout)> HookAsync(string engine, SampleRepository sample, string payload)
    {
        var start = new ProcessStartInfo(DotNet.HostPath)
        {
            WorkingDirectory = sample.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(engine, "Aegis.Cli.dll"), "hook", "claude-code", "--timeout", "300" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in CleanEnvironment())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(payload);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(6));
        output.WriteLine($"aegis hook: exit {process.ExitCode}\n{await stdout}{await stderr}");
        return (process.ExitCode, await stdout);
    }

    /// <summary>This process's environment without what `dotnet test` and CI put into it (as <see cref="DotNet"/> runs builds), and the private packages folder.</summary>
    private Dictionary<string, string?> CleanEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!(name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name is "CI" or "TF_BUILD" or "ContinuousIntegrationBuild"
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || name.StartsWith("FAKE_AEGIS", StringComparison.Ordinal)))
            {
                variables[name] = (string?)entry.Value;
            }
        }

        variables["NUGET_PACKAGES"] = environment.Packages;
        variables["MSBUILDDISABLENODEREUSE"] = "1";
        variables["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        variables["DOTNET_NOLOGO"] = "1";
        return variables;
    }

    /// <summary>A one-hunk unified diff replacing the file's changed line(s).</summary>
    private static string Patch(string file, string before, string after)
    {
        var oldLines = before.Split('\n');
        var newLines = after.Split('\n');
        var index = Enumerable.Range(0, oldLines.Length).First(i => oldLines[i] != newLines[i]);
        var number = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"--- a/{file}\n+++ b/{file}\n@@ -{number},1 +{number},1 @@\n-{oldLines[index]}\n+{newLines[index]}\n";
    }

    private static async Task<JsonElement> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        var text = Text(result);
        Assert.True(result.IsError != true, tool + " failed: " + text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static async Task AssertToolErrorAsync(McpClient client, string tool, Dictionary<string, object?> arguments, string expected)
    {
        var result = await client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError, tool + " should have been a tool error: " + Text(result));
        Assert.Contains("aegis: error " + expected, Text(result), StringComparison.Ordinal);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
