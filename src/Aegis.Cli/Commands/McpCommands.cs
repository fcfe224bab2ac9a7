using System.CommandLine;
using System.Reflection;
using Aegis.Engine.Infrastructure;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis mcp</c>: a stdio Model Context Protocol server whose tools are the seatbelt (<see cref="McpTools"/>).</summary>
internal static class McpCommands
{
    private const string Instructions =
        "Aegis judges changes to this .NET repository for security (SQL injection AEG001, hard-coded secrets AEG002, " +
        "missing authorization AEG003) and writes a Risk Card. Call propose_change before you write or edit a file and " +
        "only make the change when it returns allowed=true; when it is blocked, read the reasons, change your approach and " +
        "propose again. Use scan to list the incidents already in the code, fix_suggestion for an incident's verified " +
        "patch, and explain_card to read a card. Secrets are always masked.";

    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        _ = json; // stdout is the protocol.
        var repositoryRoot = new Option<string>("--repository-root") { Description = "Repository root (default: the nearest folder with .git above the current folder)." };
        var sandbox = new Option<string>("--sandbox") { Description = "The sandbox propose_change uses: none | file | repository (default: as aegis propose)." };
        var mcp = new Command("mcp", "Run a Model Context Protocol server on stdin/stdout (tools: propose_change, scan, explain_card, fix_suggestion). Logs go to stderr.")
        {
            repositoryRoot, sandbox,
        };
        mcp.SetAction((parse, ct) => RunAsync(context, parse.GetValue(repositoryRoot), parse.GetValue(sandbox), ct));
        root.Subcommands.Add(mcp);
    }

    private static async Task<int> RunAsync(CliContext context, string? repositoryRoot, string? sandbox, CancellationToken cancellationToken)
    {
        Verbs.Validate(sandbox, "never");

        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        var tools = new McpTools(context, root, sandbox);
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "aegis", Version = typeof(McpCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0" },
            ServerInstructions = Instructions,
            ToolCollection = new McpServerPrimitiveCollection<McpServerTool>(),
        };
        foreach (var tool in tools.Create())
        {
            options.ToolCollection.Add(tool);
        }

        // Nothing but the transport writes to stdout: the engine's progress and errors go to stderr.
        context.Stderr.WriteLine("aegis mcp: serving " + root + " on stdio");
        await using var transport = new StdioServerTransport("aegis");
        await using var server = McpServer.Create(transport, options);
        try
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a clean stop.
        }

        return ExitCodes.Success;
    }
}
