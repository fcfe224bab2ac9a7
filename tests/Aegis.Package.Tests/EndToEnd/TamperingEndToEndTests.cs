using System.Text.Json;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 15's tampering gate through the engine exactly as the package ships it (tools/engine/), on a copy of the
/// sample in its own git repository: the same <c>.editorconfig</c> change that turns AEG001 off is blocked for an agent
/// (<c>claude-code</c>), scored and shown for a person (<c>alice</c>), and a harmless edit of the file is allowed.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class TamperingEndToEndTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string EditorConfig = "root = true\n\n[*.cs]\nindent_style = space\n";

    [Fact(Timeout = 3 * 60_000)]
    public async Task PackedCli_Propose_EditorconfigThatDisablesAeg001_BlockedForAnAgent_ScoredForAPerson_HarmlessAllowed()
    {
        await Task.Yield();
        var engine = environment.ExtractEngine("packed-engine-tampering");
        var sample = SampleRepository.Create(environment, "tampering-sample");
        sample.WriteFile(".editorconfig", EditorConfig);
        sample.Commit("An .editorconfig");
        var lowered = EditorConfig + "dotnet_diagnostic.AEG001.severity = none\n";

        var (agentExit, agent, agentOutput) = Propose(engine, sample, "agent", lowered, "claude-code");
        Assert.True(agentExit == 1, "claude-code: expected exit code 1: " + agentOutput);
        Assert.Equal("blocked", agent.GetProperty("status").GetString());
        var blocked = Assert.Single(agent.GetProperty("tampering").EnumerateArray());
        Assert.Equal("severity_lowered", blocked.GetProperty("kind").GetString());
        Assert.Equal(".editorconfig", blocked.GetProperty("file").GetString());
        Assert.Equal(5, blocked.GetProperty("line").GetInt32());
        Assert.Equal("blocked", blocked.GetProperty("verdict").GetString());
        Assert.Contains("check tampering failed: blocked for agent 'claude-code': lowered a security rule's severity in .editorconfig:5", agent.GetProperty("verdicts").GetProperty("code_reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("aegis: warning AEGB050: tampering (blocked)", agentOutput, StringComparison.Ordinal);
        Assert.Contains("aegis: error AEGB004", agentOutput, StringComparison.Ordinal);
        Assert.Contains("<section class=\"tampering\"><h2>Tampering (1)</h2>", File.ReadAllText(sample.PathOf(".aegis/propose/risk-card.html")), StringComparison.Ordinal);

        var (personExit, person, personOutput) = Propose(engine, sample, "person", lowered, "alice");
        Assert.True(personExit == 0, "alice: expected exit code 0: " + personOutput);
        Assert.Equal("allow", person.GetProperty("status").GetString());
        var scored = Assert.Single(person.GetProperty("tampering").EnumerateArray());
        Assert.Equal("scored", scored.GetProperty("verdict").GetString());
        Assert.Equal(10 + scored.GetProperty("weight").GetInt32(), person.GetProperty("risk_score").GetInt32());
        Assert.Contains("aegis: warning AEGB050: tampering (scored)", personOutput, StringComparison.Ordinal);
        Assert.Contains("### Tampering (1)", File.ReadAllText(sample.PathOf(".aegis/propose/risk-card.md")), StringComparison.Ordinal);

        var (harmlessExit, harmless, harmlessOutput) = Propose(engine, sample, "harmless", EditorConfig + "indent_size = 4\n", "claude-code");
        Assert.True(harmlessExit == 0, "harmless: expected exit code 0: " + harmlessOutput);
        Assert.Equal("allow", harmless.GetProperty("status").GetString());
        Assert.Empty(harmless.GetProperty("tampering").EnumerateArray());
        Assert.DoesNotContain("AEGB050", harmlessOutput, StringComparison.Ordinal);

        // propose never writes the working tree.
        Assert.Equal(EditorConfig, File.ReadAllText(sample.PathOf(".editorconfig")));
    }

    private (int Exit, JsonElement Card, string Output) Propose(string engine, SampleRepository sample, string name, string content, string actor)
    {
        var actionFile = Path.Combine(environment.Root, $"tampering-{name}.json");
        File.WriteAllText(actionFile, JsonSerializer.Serialize(new { file = ".editorconfig", content, intent = "tune the analyzers", actor }));
        var result = environment.Run(sample.Root, null, Path.Combine(engine, "Aegis.Cli.dll"), "propose", "--action", actionFile, "--repository-root", sample.Root, "--sandbox", "file");
        output.WriteLine(result.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(sample.PathOf(".aegis/propose/risk-card.json")));
        return (result.ExitCode, json.RootElement.Clone(), result.Output);
    }
}
