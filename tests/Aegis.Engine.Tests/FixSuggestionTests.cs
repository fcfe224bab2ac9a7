using System.Text.Json.Nodes;
using Aegis.Engine.Agents;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// The MCP server's <c>fix_suggestion</c>: an incident's fingerprint answers with the patch that fixes that incident
/// (the card lists each patch's <c>fixes</c>), not any patch of the same file.
/// </summary>
public sealed class FixSuggestionTests
{
    private static readonly string Fixed = new('a', 64);

    private static readonly string LeftForAPerson = new('b', 64);

    private static string Card(bool listsFixes)
    {
        var patch = new JsonObject
        {
            ["file"] = "src/Shop/Orders.cs",
            ["diff"] = "--- a/src/Shop/Orders.cs\n+++ b/src/Shop/Orders.cs\n@@ -1 +1 @@\n-x\n+y\n",
            ["plan"] = "parameterize the query",
            ["validation_status"] = "verified",
        };
        if (listsFixes)
        {
            patch["fixes"] = new JsonArray(Fixed);
        }

        static JsonObject Incident(string fingerprint, int line, string strategy) => new()
        {
            ["rule"] = "AEG001",
            ["file"] = "src/Shop/Orders.cs",
            ["line"] = line,
            ["message"] = "SQL built from non-constant text",
            ["remediation_strategy"] = strategy,
            ["fingerprint"] = fingerprint,
        };

        return new JsonObject
        {
            ["schema"] = RiskCard.SchemaName,
            ["incidents"] = new JsonArray(Incident(Fixed, 10, "parameterize"), Incident(LeftForAPerson, 20, "needs-human-review")),
            ["patches"] = new JsonArray(patch),
        }.ToJsonString();
    }

    [Fact]
    public void Detect_TheIncidentThePatchFixes_GetsTheVerifiedPatch()
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/history/000000000000001-r1.json", Card(listsFixes: true));

        var answer = CardQueries.FixSuggestion(directory.Path, Fixed);

        Assert.True(answer["verified"]!.GetValue<bool>());
        Assert.Equal("src/Shop/Orders.cs", answer["patch"]!["file"]!.GetValue<string>());
    }

    [Fact]
    public void Safe_AnIncidentOfTheSameFileThePatchLeavesAlone_GetsNoPatch()
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/history/000000000000001-r1.json", Card(listsFixes: true));

        var answer = CardQueries.FixSuggestion(directory.Path, LeftForAPerson);

        Assert.False(answer["verified"]!.GetValue<bool>());
        Assert.Null(answer["patch"]);
        Assert.Equal("no patch for this incident (needs-human-review): a person has to fix it", answer["note"]!.GetValue<string>());
    }

    [Fact]
    public void ACardWithoutFixes_FallsBackToTheFilesPatch()
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/history/000000000000001-r1.json", Card(listsFixes: false));

        Assert.True(CardQueries.FixSuggestion(directory.Path, LeftForAPerson)["verified"]!.GetValue<bool>());
    }

    [Fact]
    public void AnUnknownFingerprint_IsAnAgentInputError()
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/history/000000000000001-r1.json", Card(listsFixes: true));

        var error = Assert.Throws<AegisException>(() => CardQueries.FixSuggestion(directory.Path, new string('c', 64)));
        Assert.Equal(ErrorCodes.AgentInputRejected, error.Code);
    }
}
