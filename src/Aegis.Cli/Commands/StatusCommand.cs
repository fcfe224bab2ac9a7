using System.CommandLine;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis status</c>: the accumulated state from the files under .aegis/, without compiling (unless <c>--scan</c>).</summary>
internal static class StatusCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var scan = new Option<bool>("--scan") { Description = "Also compile and compute the full drift against the baseline (else only file hashes are compared)." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var command = new Command("status", "The state so far: last snapshot and the files changed since, health trend, baseline, knowledge base, open releases, inbox counts. Fast: no compilation unless --scan.")
        {
            scan, repositoryRoot,
        };
        command.SetAction((parse, ct) => SnapshotVerbs.RunAsync(context, parse.GetValue(json), async () =>
        {
            var quiet = parse.GetValue(json);
            var rootPath = SnapshotVerbs.Root(".", parse.GetValue(repositoryRoot));
            var status = ControlStatus.Read(rootPath);
            if (status.BaselineFromAnotherRepository && status.Baseline is { } foreign)
            {
                context.Warn(Aegis.Engine.Infrastructure.ErrorCodes.BaselineFromAnotherRepository, Baselines.FromAnotherRepositoryMessage(rootPath, foreign));
            }

            if (parse.GetValue(scan))
            {
                status = status with { Drift = await DriftCommand.ComputeAsync(context, rootPath, rootPath, null, quiet, ct).ConfigureAwait(false) };
            }

            if (quiet)
            {
                context.Stdout.Write(status.ToJson(rootPath, ExitCodes.Success));
            }
            else
            {
                foreach (var line in status.ToText(rootPath))
                {
                    context.Stdout.WriteLine(line);
                }
            }

            return ExitCodes.Success;
        }));
        root.Subcommands.Add(command);
    }
}
