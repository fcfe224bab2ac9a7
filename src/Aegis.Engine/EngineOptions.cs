using Aegis.Engine.Analysis;
using Aegis.Engine.Policy;
using Aegis.Engine.Verification;

namespace Aegis.Engine;

/// <summary>What every front passes to the engine.</summary>
public sealed class EngineOptions
{
    public required string RepositoryRoot { get; init; }

    /// <summary><c>none</c>, <c>file</c> or <c>repository</c>.</summary>
    public string Sandbox { get; init; } = SandboxModes.File;

    public IReadOnlyList<VerifyCommand> VerifyCommands { get; init; } = Array.Empty<VerifyCommand>();

    public AnalyzerCatalog Catalog { get; init; } = AnalyzerCatalog.Default;

    public AegisPolicy? Policy { get; init; }

    /// <summary>Run the test projects in the repository sandbox.</summary>
    public bool RunTests { get; init; } = true;

    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Keep the repository sandbox's copy for the next verification (docs/verification.md); the fronts default
    /// it to <see cref="SandboxModes.KeepsByDefault"/> (on locally, off in CI).</summary>
    public bool KeepSandbox { get; init; }

    /// <summary>The project (repository-relative) or solution the repository sandbox builds; null: the root's default.</summary>
    public string? BuildTarget { get; init; }

    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>Only these rules' incidents are kept (and patched); null: every rule (<c>aegis fix --rule</c>).</summary>
    public IReadOnlySet<string>? Rules { get; init; }

    /// <summary>Only the incidents with these fingerprints are kept (and patched); null: all (<c>aegis watch</c> repairs what is new).</summary>
    public IReadOnlySet<string>? Fingerprints { get; init; }

    /// <summary>Where the engine reports a coded problem that must not cost the card (a corrupt knowledge base); null: nowhere.</summary>
    public Action<string, string>? Warn { get; init; }

    /// <summary>The baseline the card marks incidents against (<see cref="Snapshots.BuildBaseline.Resolve"/>); null: none.</summary>
    public Snapshots.BuildBaseline? Baseline { get; init; }
}

/// <summary>A change an AI helper proposes (<c>aegis propose --action action.json</c>).</summary>
public sealed class ProposedAction
{
    public string File { get; init; } = "";

    /// <summary>The new contents of the file, or null when <see cref="Patch"/> is given or the file is deleted.</summary>
    public string? Content { get; init; }

    /// <summary>A unified diff against the current file, or null.</summary>
    public string? Patch { get; init; }

    /// <summary>The change deletes the file (<c>"delete": true</c>, with neither content nor patch).</summary>
    public bool Delete { get; init; }

    public string Intent { get; init; } = "";

    public string? Actor { get; init; }

    /// <summary>Parses an action file: <c>{"file", "content" | "patch" | "delete": true, "intent", "actor"?}</c>.</summary>
    public static ProposedAction Parse(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new FormatException("the action must be a JSON object");
        }

        string? Get(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        var action = new ProposedAction
        {
            File = Get("file") ?? Get("path") ?? throw new FormatException("the action has no 'file'"),
            Content = Get("content"),
            Patch = Get("patch"),
            Intent = Get("intent") ?? "",
            Actor = Get("actor"),
            Delete = root.TryGetProperty("delete", out var delete) && delete.ValueKind == System.Text.Json.JsonValueKind.True,
        };
        if (action.Delete && (action.Content is not null || action.Patch is not null))
        {
            throw new FormatException("the action deletes the file ('delete': true) and also gives 'content' or 'patch'");
        }

        if (!action.Delete && action.Content is null && action.Patch is null)
        {
            throw new FormatException("the action has neither 'content' nor 'patch' (nor 'delete': true)");
        }

        return action;
    }
}
