using System.CommandLine;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis baseline update</c>: the ratchet — resolved incidents leave the baseline, new ones enter only with <c>--accept-new</c>.</summary>
internal static class BaselineCommands
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var baseline = new Command("baseline", "The baseline (.aegis/baseline.json): incidents a build accepts as existing debt, so it fails only on new ones.");
        var target = SnapshotVerbs.Target();
        var acceptNew = new Option<bool>("--accept-new") { Description = "Also take the new incidents into the baseline (a person's decision, recorded in 'accepted' with --by, --why and the time)." };
        var by = new Option<string>("--by") { Description = "Who accepts (default: git config user.name, else $USER)." };
        var why = new Option<string>("--why") { Description = "Why the new incidents are accepted (required with --accept-new)." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var update = new Command("update", "Ratchet the baseline to the live state: drop resolved incidents; add new ones only with --accept-new --why <text>.")
        {
            target, acceptNew, by, why, repositoryRoot,
        };
        update.SetAction((parse, ct) => SnapshotVerbs.RunAsync(context, parse.GetValue(json), async () =>
        {
            var quiet = parse.GetValue(json);
            var rootPath = SnapshotVerbs.Root(parse.GetValue(target)!, parse.GetValue(repositoryRoot));
            var acceptance = parse.GetValue(acceptNew)
                ? new Acceptance(SnapshotVerbs.Who(context, rootPath, parse.GetValue(by)), parse.GetValue(why) ?? "", LiveState.Timestamp(DateTimeOffset.UtcNow))
                : null;
            if (acceptance is not null && (string.IsNullOrWhiteSpace(acceptance.Why) || string.IsNullOrWhiteSpace(acceptance.By)))
            {
                // Checked before any work; the ratchet checks again for other callers.
                BaselineRatchet.Update(null, new Snapshot(), acceptance);
            }

            var existing = SnapshotVerbs.UsableBaseline(rootPath);
            var live = await LiveState.ScanAsync(rootPath, parse.GetValue(target)!, context.Catalog, name: null, SnapshotVerbs.Progress(context, quiet), ct).ConfigureAwait(false);
            var ratchet = BaselineRatchet.Update(existing?.Snapshot, live, acceptance);
            var path = SnapshotStore.WriteBaseline(rootPath, ratchet.Baseline);
            SnapshotVerbs.WarnOfNotAdded(context, ratchet);
            if (quiet)
            {
                var text = new JsonText().BeginObject().Property("exit_code", ExitCodes.Success).Name("baseline");
                SnapshotVerbs.WriteRatchet(text, rootPath, path, ratchet);
                SnapshotVerbs.WriteWarnings(text, context);
                context.Stdout.Write(text.EndObject().ToString());
            }
            else
            {
                context.Stdout.WriteLine(SnapshotVerbs.DescribeRatchet(rootPath, path, ratchet));
            }

            return ExitCodes.Success;
        }));
        baseline.Subcommands.Add(update);
        root.Subcommands.Add(baseline);
    }
}
