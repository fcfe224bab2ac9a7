using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis drift</c>: the live state against the baseline (or a snapshot): incidents new / resolved / unchanged, files changed, health delta.</summary>
internal static class DriftCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var target = SnapshotVerbs.Target();
        var baseline = new Option<string>("--baseline") { Description = "Compare with: a snapshot id, 'latest' or a file (default: .aegis/baseline.json, else the latest snapshot)." };
        var failOnNew = new Option<int?>("--fail-on-new") { Description = "Exit 1 (AEGB062) when there are more than this many new incidents." };
        failOnNew.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && (!int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0))
            {
                result.AddError("--fail-on-new must be a whole number ≥ 0 (got '" + result.Tokens[0].Value + "')");
            }
        });
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var command = new Command("drift", "Compare the live state with the baseline or a snapshot: incidents new / resolved / unchanged (a moved line is not drift), files changed, health delta. Exit 1 when new > --fail-on-new.")
        {
            target, baseline, failOnNew, repositoryRoot,
        };
        command.SetAction((parse, ct) => SnapshotVerbs.RunAsync(context, parse.GetValue(json), async () =>
        {
            var quiet = parse.GetValue(json);
            var rootPath = SnapshotVerbs.Root(parse.GetValue(target)!, parse.GetValue(repositoryRoot));
            var report = await ComputeAsync(context, rootPath, parse.GetValue(target)!, parse.GetValue(baseline), quiet, ct).ConfigureAwait(false);
            var limit = parse.GetValue(failOnNew);
            var exit = limit is { } n && report.Incidents.New.Count > n ? ExitCodes.GateFailed : ExitCodes.Success;
            if (quiet)
            {
                context.Stdout.Write(report.ToJson(rootPath, limit, exit));
            }
            else
            {
                foreach (var line in report.ToText(rootPath))
                {
                    context.Stdout.WriteLine(line);
                }
            }

            if (exit != ExitCodes.Success)
            {
                context.Stderr.WriteLine($"aegis: error {ErrorCodes.TooManyNewIncidents}: {report.Incidents.New.Count.ToString(CultureInfo.InvariantCulture)} new incident(s) since {report.Baseline.Snapshot.Id}, more than --fail-on-new {limit!.Value.ToString(CultureInfo.InvariantCulture)}");
            }

            return exit;
        }));
        root.Subcommands.Add(command);
    }

    /// <summary>The baseline (checked first: missing AEGB060, corrupt AEGB005, foreign AEGB061), then the live scan.</summary>
    internal static async Task<DriftReport> ComputeAsync(CliContext context, string root, string target, string? baselineOption, bool quiet, CancellationToken cancellationToken)
    {
        var baseline = Baselines.Resolve(root, baselineOption)
            ?? (SnapshotStore.LatestPath(root) is { } latest ? new ResolvedBaseline(latest, SnapshotStore.Read(latest)) : null)
            ?? throw new AegisException(ErrorCodes.SnapshotNotFound, "nothing to compare with: no " + SnapshotStore.BaselinePath(root) + " and no snapshot; run 'aegis snapshot' (or 'aegis snapshot --baseline') first");
        Baselines.MustBeFromThisRepository(root, baseline);
        var live = await LiveState.ScanAsync(root, target, context.Catalog, name: null, SnapshotVerbs.Progress(context, quiet), cancellationToken).ConfigureAwait(false);
        return DriftReport.Compute(baseline, live);
    }
}
