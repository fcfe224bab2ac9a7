using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis snapshot</c>: the repository's security state now, in <c>.aegis/snapshots/&lt;id&gt;.json</c> (and the baseline with <c>--baseline</c>).</summary>
internal static class SnapshotCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var target = SnapshotVerbs.Target();
        var name = new Option<string>("--name") { Description = "A name kept with the snapshot (e.g. a release or a ticket)." };
        var baseline = new Option<bool>("--baseline") { Description = "Also update .aegis/baseline.json by the ratchet rule (created from this snapshot when there is none; drops resolved incidents, never adds new ones: see aegis baseline update --accept-new)." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var command = new Command("snapshot", "Record the security state: every incident with its fingerprint, the health score, the profile and the hashes of the files that matter, in .aegis/snapshots/<id>.json.")
        {
            target, name, baseline, repositoryRoot,
        };
        command.SetAction((parse, ct) => SnapshotVerbs.RunAsync(context, parse.GetValue(json), async () =>
        {
            var quiet = parse.GetValue(json);
            var rootPath = SnapshotVerbs.Root(parse.GetValue(target)!, parse.GetValue(repositoryRoot));
            // A corrupt or foreign baseline stops the verb before any work, and is never overwritten.
            var existing = parse.GetValue(baseline) ? SnapshotVerbs.UsableBaseline(rootPath) : null;
            var live = await LiveState.ScanAsync(rootPath, parse.GetValue(target)!, context.Catalog, parse.GetValue(name), SnapshotVerbs.Progress(context, quiet), ct).ConfigureAwait(false);
            var path = SnapshotStore.Write(rootPath, live);
            RatchetResult? ratchet = null;
            string? baselinePath = null;
            if (parse.GetValue(baseline))
            {
                ratchet = BaselineRatchet.Update(existing?.Snapshot, live, acceptance: null);
                baselinePath = SnapshotStore.WriteBaseline(rootPath, ratchet.Baseline);
                SnapshotVerbs.WarnOfNotAdded(context, ratchet);
            }

            if (quiet)
            {
                var text = new JsonText().BeginObject().Property("exit_code", ExitCodes.Success).Name("snapshot");
                SnapshotVerbs.WriteSummary(text, rootPath, path, live);
                text.Name("baseline");
                SnapshotVerbs.WriteRatchet(text, rootPath, baselinePath, ratchet);
                SnapshotVerbs.WriteWarnings(text, context);
                context.Stdout.Write(text.EndObject().ToString());
            }
            else
            {
                context.Stdout.WriteLine($"aegis: snapshot {live.Id} → {RepositoryPaths.Relative(rootPath, path)}: {live.Incidents.Count.ToString(CultureInfo.InvariantCulture)} incident(s), health {live.HealthScore.ToString("0.00", CultureInfo.InvariantCulture)}, {live.Files.Count.ToString(CultureInfo.InvariantCulture)} file(s), {live.LinesOfCode.ToString(CultureInfo.InvariantCulture)} lines of C#");
                if (ratchet is not null)
                {
                    context.Stdout.WriteLine(SnapshotVerbs.DescribeRatchet(rootPath, baselinePath!, ratchet));
                }
            }

            return ExitCodes.Success;
        }));
        root.Subcommands.Add(command);
    }
}
