using System.Text.Encodings.Web;
using System.Text.Json;

namespace Aegis.Engine.Agents;

/// <summary>What a hook answers: allow, deny or ask, and the reason the agent shows (the model, or the person asked).</summary>
public sealed record HookDecision(string Decision, string Reason, AgentVerdict? Verdict = null, string? File = null)
{
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string Ask = "ask";

    /// <summary>No decision: the request is not an edit Aegis judges, so the agent's own permission flow goes on.</summary>
    public const string None = "none";
}

/// <summary>The hook's answer as the agent reads it: what to print on stdout, and the exit code.</summary>
public sealed record HookAnswer(string Stdout, int ExitCode);

/// <summary>An agent whose pre-edit hook Aegis answers: how its payload reads and how its answer is written.</summary>
public sealed record HookAgent(string Name, string Description, Func<JsonElement, HookRequest> Parse, Func<HookDecision, HookAnswer> Answer);

/// <summary>The agents <c>aegis hook &lt;agent&gt;</c> knows, as data: one row per payload and answer format.</summary>
public static class HookAgents
{
    /// <summary>Claude Code's Write/Edit/MultiEdit tool inputs, by tool name: how each becomes new text or edits.</summary>
    private static readonly (string Tool, Func<JsonElement, HookRequest> Read)[] ClaudeCodeTools =
    {
        ("Write", input => new HookRequest { Tool = "Write", FilePath = FilePath(input), Content = HookRequest.RequiredString(input, "content", "tool_input") }),
        ("Edit", input => new HookRequest { Tool = "Edit", FilePath = FilePath(input), Edits = HookRequest.Edit(input, "tool_input") }),
        ("MultiEdit", input => new HookRequest { Tool = "MultiEdit", FilePath = FilePath(input), Edits = HookRequest.EditList(input, "edits", "tool_input") }),
    };

    public const string ClaudeCodeActor = "claude-code";

    public const string GenericActor = "agent";

    public static IReadOnlyList<HookAgent> All { get; } = new[]
    {
        new HookAgent(ClaudeCodeActor, "Claude Code's PreToolUse hook for Write, Edit and MultiEdit", ParseClaudeCode, AnswerClaudeCode),
        new HookAgent("generic", "any agent: {\"agent\", \"file\", \"content\" | \"patch\" | \"edits\", \"intent\"} in, {\"decision\", \"reason\", …} out", ParseGeneric, AnswerGeneric),
    };

    public static HookAgent? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Claude Code (hooks reference, PreToolUse): <c>{hook_event_name, tool_name, tool_input: {file_path, content |
    /// old_string, new_string, replace_all | edits[]}, cwd, session_id, …}</c>.
    /// </summary>
    private static HookRequest ParseClaudeCode(JsonElement payload)
    {
        var hookEvent = HookRequest.String(payload, "hook_event_name");
        var tool = HookRequest.RequiredString(payload, "tool_name", "the payload");
        if (hookEvent is not null && hookEvent != "PreToolUse")
        {
            return new HookRequest { Actor = ClaudeCodeActor, Tool = tool, NotJudged = "the " + hookEvent + " event is not a pre-edit hook" };
        }

        var row = ClaudeCodeTools.FirstOrDefault(t => t.Tool == tool);
        if (row.Read is null)
        {
            return new HookRequest { Actor = ClaudeCodeActor, Tool = tool, NotJudged = "the " + tool + " tool does not edit a file (Aegis judges Write, Edit and MultiEdit)" };
        }

        if (!payload.TryGetProperty("tool_input", out var input) || input.ValueKind != JsonValueKind.Object)
        {
            throw HookRequest.Malformed("the payload has no 'tool_input' object");
        }

        var request = row.Read(input);
        return new HookRequest
        {
            Actor = ClaudeCodeActor,
            Tool = request.Tool,
            FilePath = request.FilePath,
            Content = request.Content,
            Edits = request.Edits,
            Intent = "Claude Code " + request.Tool + " (PreToolUse hook)",
        };
    }

    private static string FilePath(JsonElement input) => HookRequest.RequiredString(input, "file_path", "tool_input");

    /// <summary>
    /// Claude Code reads the JSON on stdout only when the hook exits 0; any other code but 2 is a non-blocking error
    /// that lets the edit through, so every decision is exit 0 with <c>hookSpecificOutput.permissionDecision</c>.
    /// No decision (another tool) is exit 0 with nothing on stdout: Claude Code's own permission flow goes on.
    /// </summary>
    private static HookAnswer AnswerClaudeCode(HookDecision decision)
    {
        if (decision.Decision == HookDecision.None)
        {
            return new HookAnswer("", 0);
        }

        return new HookAnswer(Json(writer =>
        {
            writer.WriteStartObject("hookSpecificOutput");
            writer.WriteString("hookEventName", "PreToolUse");
            writer.WriteString("permissionDecision", decision.Decision);
            writer.WriteString("permissionDecisionReason", decision.Reason);
            writer.WriteEndObject();
        }), 0);
    }

    /// <summary>The generic form: <c>{"agent"?, "file", "content" | "patch" | "edits": [{old_string, new_string, replace_all?}], "intent"?}</c>.</summary>
    private static HookRequest ParseGeneric(JsonElement payload)
    {
        var content = HookRequest.String(payload, "content");
        var patch = HookRequest.String(payload, "patch");
        var edits = payload.TryGetProperty("edits", out _) ? HookRequest.EditList(payload, "edits", "the payload") : null;
        if ((content is null ? 0 : 1) + (patch is null ? 0 : 1) + (edits is null ? 0 : 1) != 1)
        {
            throw HookRequest.Malformed("the payload needs exactly one of 'content', 'patch' or 'edits'");
        }

        var agent = HookRequest.String(payload, "agent") is { Length: > 0 } name ? name : GenericActor;
        return new HookRequest
        {
            Actor = agent,
            Tool = content is not null ? "write" : patch is not null ? "patch" : "edit",
            FilePath = HookRequest.RequiredString(payload, "file", "the payload"),
            Content = content,
            Patch = patch,
            Edits = edits,
            Intent = HookRequest.String(payload, "intent") ?? agent + " edit (pre-edit hook)",
        };
    }

    /// <summary>Exit 0 only for allow, so an agent that reads nothing but the exit code still stops on deny and ask.</summary>
    private static HookAnswer AnswerGeneric(HookDecision decision)
    {
        var verdict = decision.Verdict;
        var stdout = Json(writer =>
        {
            writer.WriteString("decision", decision.Decision == HookDecision.None ? HookDecision.Allow : decision.Decision);
            writer.WriteString("reason", decision.Reason);
            writer.WriteString("file", decision.File);
            if (verdict is null)
            {
                writer.WriteNull("risk_score");
                writer.WriteNull("risk_level");
                writer.WriteNull("card");
            }
            else
            {
                writer.WriteNumber("risk_score", verdict.RiskScore);
                writer.WriteString("risk_level", verdict.RiskLevel);
                writer.WriteString("card", verdict.CardJson);
            }
        });
        return new HookAnswer(stdout, decision.Decision is HookDecision.Allow or HookDecision.None ? 0 : 1);
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, CompactJson.Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}

/// <summary>One line, readable (no escaping of quotes or non-ASCII): what an agent shows. Its own type, so listing the
/// agents (every command line does) loads no encoder.</summary>
internal static class CompactJson
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
