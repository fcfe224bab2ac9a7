using System.ComponentModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Engine;
using Aegis.Engine.Agents;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Aegis.Cli.Commands;

/// <summary>
/// The MCP server's tools: thin fronts that validate an agent's arguments (paths inside the repository, sizes), call
/// the engine exactly as the CLI verbs do, and answer JSON text. A bad call is a tool error (<c>isError</c>) naming
/// its AEGB code, never a crash; nothing a tool returns holds an unmasked secret.
/// </summary>
internal sealed class McpTools(CliContext context, string root, string? sandbox)
{
    private static readonly JsonSerializerOptions Output = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The tools, each with a description that tells an agent what it is for and when to call it.</summary>
    public IEnumerable<McpServerTool> Create()
    {
        yield return Tool(nameof(ProposeChangeAsync), "propose_change",
            "Judge a change BEFORE you make it: Aegis checks the repository policy, scans the proposed file inside its project " +
            "for new SQL injection (AEG001), hard-coded secrets (AEG002) and missing authorization (AEG003), runs the sandbox " +
            "and writes a Risk Card (the same card as `aegis propose`). Call it for every file you are about to create or edit; " +
            "make the change only when `allowed` is true. When it is false, read `reasons` and `failed_checks`, fix your " +
            "approach and propose again. Nothing is written to the file itself.",
            readOnly: false);
        yield return Tool(nameof(ScanAsync), "scan",
            "List the security incidents already in a project or folder of this repository (rule, file, line, message, " +
            "fingerprint; secrets masked) and write a repository card to .aegis/scan/. Call it to learn what is wrong before " +
            "you start fixing, or to check the state after a series of changes. The patches it finds are verified in the file " +
            "sandbox (fix_suggestion returns them). Takes seconds to minutes per project.",
            readOnly: false);
        yield return Tool(nameof(ExplainCard), "explain_card",
            "Explain a Risk Card (a risk-card.json path inside the repository, e.g. the `card` another tool returned): its " +
            "verdict, risk, plain-English explanation and every check with its message. Call it when you need to know why a " +
            "change or build was blocked.",
            readOnly: true);
        yield return Tool(nameof(FixSuggestion), "fix_suggestion",
            "Get the patch Aegis generated for an incident (by its fingerprint, from scan or a card): the unified diff, its plan " +
            "and whether the sandbox verified it, from the newest card in .aegis/history that lists the incident. Call it " +
            "before fixing an incident yourself; apply a verified diff as is.",
            readOnly: true);
    }

    public async Task<CallToolResult> ProposeChangeAsync(
        McpServer server,
        [Description("Required. The file to create or change, relative to the repository root (or absolute inside it).")] string? file = null,
        [Description("The complete new content of the file. Give this or `patch`.")] string? content = null,
        [Description("A unified diff against the current file. Give this or `content`.")] string? patch = null,
        [Description("One sentence: what the change is for.")] string? intent = null,
        [Description("Who proposes (recorded on the card); default mcp:<your client name>.")] string? actor = null,
        CancellationToken cancellationToken = default)
        => await Answer(async () =>
        {
            var full = CardQueries.InsideRepository(root, file, "file");
            if (full == root)
            {
                throw CardQueries.Rejected("'file' must name a file, not the repository root");
            }

            if ((content is null) == (patch is null))
            {
                throw CardQueries.Rejected("give exactly one of 'content' or 'patch'");
            }

            if ((content ?? patch)!.Length > HookJudge.MaxFileChars)
            {
                throw CardQueries.Rejected("the proposed content is larger than " + (HookJudge.MaxFileChars / 1024 / 1024) + " MiB");
            }

            var action = new ProposedAction
            {
                File = RepositoryPaths.Relative(root, full),
                Content = content,
                Patch = patch,
                Intent = intent ?? "",
                Actor = string.IsNullOrWhiteSpace(actor) ? "mcp" + (server.ClientInfo?.Name is { Length: > 0 } client ? ":" + client : "") : actor,
            };
            var outcome = await Proposals.RunAsync(Options(sandbox ?? SandboxModes.Default(context.Environment)), action, Proposals.DefaultOutput(root), context.Environment, cancellationToken).ConfigureAwait(false);
            Verbs.WarnOfCard(context, outcome.Files);
            var verdict = AgentVerdict.From(outcome);
            return new JsonObject
            {
                ["allowed"] = verdict.Allowed,
                ["status"] = verdict.Allowed ? RiskStatus.Allow : RiskStatus.Blocked,
                ["file"] = action.File,
                ["risk_score"] = verdict.RiskScore,
                ["risk_level"] = verdict.RiskLevel,
                ["recommendation"] = verdict.Recommendation,
                ["explanation"] = verdict.Explanation,
                ["reasons"] = new JsonArray(verdict.TopReasons.Select(r => (JsonNode?)r).ToArray()),
                ["failed_checks"] = new JsonArray(verdict.FailedChecks.Select(c => (JsonNode?)c).ToArray()),
                ["card"] = verdict.CardJson,
                ["card_html"] = verdict.CardHtml,
            };
        }).ConfigureAwait(false);

    public async Task<CallToolResult> ScanAsync(
        [Description("A project (.csproj), solution or folder inside the repository, relative to its root; default: the whole repository.")] string? target = null,
        CancellationToken cancellationToken = default)
        => await Answer(async () =>
        {
            var full = CardQueries.InsideRepository(root, string.IsNullOrWhiteSpace(target) ? "." : target, "target");
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                throw CardQueries.Rejected("'target' " + target + " does not exist");
            }

            var projects = MsBuildInputs.DiscoverProjects(full);
            if (projects.Count == 0)
            {
                throw CardQueries.Rejected("no C# projects under " + RepositoryPaths.Relative(root, full));
            }

            // The file sandbox at least: fix_suggestion answers with patches it verified.
            var mode = sandbox is null or SandboxModes.None ? SandboxModes.File : sandbox;
            var options = Options(mode);
            var engine = new AegisEngine(options);
            var analyses = await Verbs.AnalyzeProjectsAsync(context, quiet: true, engine, root, projects, "scan", cancellationToken).ConfigureAwait(false);
            var card = await engine.EvaluateAsync(analyses, Verbs.ScanAction("scan", root, full, analyses, mode, "never"), cancellationToken).ConfigureAwait(false);
            var files = RiskCardOutput.Write(card, card.Masker, Path.Combine(root, ".aegis", "scan"), root, context.Environment, options.Policy?.History ?? HistoryRetention.Default);
            Verbs.WarnOfCard(context, files);
            return CardQueries.Incidents(files);
        }).ConfigureAwait(false);

    public Task<CallToolResult> ExplainCard(
        [Description("Required. The card: a risk-card.json path inside the repository (relative to its root, or absolute), e.g. .aegis/propose/risk-card.json.")] string? card = null)
        => Answer(() => Task.FromResult(CardQueries.Explain(root, card)));

    public Task<CallToolResult> FixSuggestion(
        [Description("Required. The incident's fingerprint: 64 hex characters, as scan and the card list it.")] string? fingerprint = null)
        => Answer(() => Task.FromResult(CardQueries.FixSuggestion(root, fingerprint)));

    private McpServerTool Tool(string method, string name, string description, bool readOnly)
        => McpServerTool.Create(typeof(McpTools).GetMethod(method)!, this, new McpServerToolCreateOptions
        {
            Name = name,
            Description = description,
            ReadOnly = readOnly,
            Destructive = false,
            OpenWorld = false,
        });

    /// <summary>The engine's options as the CLI verbs build them: the policy is read again for every call.</summary>
    private EngineOptions Options(string mode) => Verbs.Options(context, root, mode, buildTarget: null);

    /// <summary>The tool's JSON, or a tool error naming the code; the server keeps serving either way.</summary>
    private async Task<CallToolResult> Answer(Func<Task<JsonObject>> run)
    {
        try
        {
            var result = await run().ConfigureAwait(false);
            return new CallToolResult { Content = [new TextContentBlock { Text = result.ToJsonString(Output) }] };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var line = exception is AegisException coded
                ? "aegis: error " + coded.Code + ": " + coded.Message
                : "aegis: error " + ErrorCodes.EngineCrashed + ": engine crashed: " + exception.GetType().Name + ": " + exception.Message;
            var masked = SecretMasker.None.Mask(line);
            context.Stderr.WriteLine(masked);
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = masked }] };
        }
    }
}
