using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Agents;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis hook &lt;agent&gt;</c>: an agent's pre-edit hook payload on stdin, the agent's answer on stdout.</summary>
internal static class HookCommands
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        _ = json; // The answer's format is the agent's, not --json's.
        var agent = new Argument<string>("agent") { Description = "The agent whose hook format to read and answer: " + string.Join(", ", HookAgents.All.Select(a => a.Name + " (" + a.Description + ")")) + "." };
        var repositoryRoot = new Option<string>("--repository-root") { Description = "Repository root (default: the nearest folder with .git above the current folder)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds before an edit that is still being judged gets the policy's hooks.on_error answer (default " + HookJudge.DefaultTimeoutSeconds.ToString(CultureInfo.InvariantCulture) + ", under Claude Code's 60 s hook limit).", DefaultValueFactory = _ => HookJudge.DefaultTimeoutSeconds };
        var sandbox = new Option<string>("--sandbox") { Description = "none | file | repository (default file: a hook must answer quickly).", DefaultValueFactory = _ => SandboxModes.File };
        var output = new Option<string>("--output") { Description = "Folder for the card (default .aegis/propose, as aegis propose)." };
        var hook = new Command("hook", "Judge an agent's pre-edit hook payload (stdin) with propose; answer allow, deny or ask on stdout in the agent's format.")
        {
            agent, repositoryRoot, timeout, sandbox, output,
        };
        hook.SetAction((parse, ct) => RunAsync(context, parse.GetRequiredValue(agent), parse.GetValue(repositoryRoot), parse.GetValue(timeout), parse.GetValue(sandbox)!, parse.GetValue(output), ct));
        root.Subcommands.Add(hook);
    }

    private static async Task<int> RunAsync(CliContext context, string agentName, string? repositoryRoot, int timeoutSeconds, string sandbox, string? output, CancellationToken cancellationToken)
    {
        if (HookAgents.Find(agentName) is not { } agent)
        {
            // Exit 2: Claude Code blocks the edit and shows this line, should a hook be set up with a wrong name.
            context.Stderr.WriteLine("aegis: error " + ErrorCodes.UnknownHookAgent + ": unknown agent '" + agentName + "' (known: " + string.Join(", ", HookAgents.All.Select(a => a.Name)) + ")");
            return ExitCodes.UsageError;
        }

        Verbs.Validate(sandbox, "never");

        if (timeoutSeconds <= 0)
        {
            context.Stderr.WriteLine("aegis: error: --timeout must be a positive number of seconds");
            return ExitCodes.UsageError;
        }

        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        var payload = await ReadPayloadAsync(context.Stdin, cancellationToken).ConfigureAwait(false);
        var decision = await HookJudge.JudgeAsync(
            agent,
            payload,
            root,
            () => Verbs.Options(context, root, sandbox, buildTarget: null),
            Path.GetFullPath(output ?? Proposals.DefaultOutput(root)),
            context.Environment,
            TimeSpan.FromSeconds(timeoutSeconds),
            cancellationToken).ConfigureAwait(false);
        var answer = agent.Answer(decision);
        context.Stdout.Write(answer.Stdout);
        context.Stderr.WriteLine("aegis hook: " + decision.Decision + ": " + decision.Reason);
        return answer.ExitCode;
    }

    /// <summary>Reads at most one chunk past the limit, so an endless stdin is refused rather than buffered.</summary>
    private static async Task<string> ReadPayloadAsync(TextReader stdin, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        var chunk = new char[64 * 1024];
        int read;
        while (text.Length <= HookRequest.MaxPayloadChars && (read = await stdin.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            text.Append(chunk, 0, read);
        }

        return text.ToString();
    }
}
