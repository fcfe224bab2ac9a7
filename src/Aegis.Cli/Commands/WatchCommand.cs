using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Repair;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary>
/// <c>aegis watch</c>: the outer loop. Each iteration hashes the files that matter; when they changed (and on the
/// first), it takes the live state, drifts it against the baseline, repairs the new incidents in the sandbox (writing
/// them only with <c>--apply</c>, through the same code as <c>aegis fix</c>), records the outcomes in the knowledge base
/// and ratchets the baseline. Cancellation (Ctrl+C) stops it between iterations: an iteration's reads can be
/// cancelled, its writes (card, knowledge base, files, baseline) come last and are not, so nothing is left half-written.
/// </summary>
internal static class WatchCommand
{
    public const int DefaultIntervalSeconds = 10;

    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var target = new Argument<string>("target") { Description = "A folder, .sln/.slnx or .csproj (default: the current folder).", DefaultValueFactory = _ => "." };
        var interval = new Option<int>("--interval") { Description = "Seconds between polls (default " + DefaultIntervalSeconds.ToString(CultureInfo.InvariantCulture) + ").", DefaultValueFactory = _ => DefaultIntervalSeconds };
        interval.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) { r.AddError("--interval must be 0 or more seconds"); } });
        var iterations = new Option<int>("--iterations") { Description = "Stop after this many polls (default 0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        iterations.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) { r.AddError("--iterations must be 0 (no limit) or more"); } });
        var apply = new Option<bool>("--apply") { Description = "Write verified repairs of new incidents to the working tree (default: repair in the sandbox only)." };
        var baseline = new Option<string>("--baseline") { Description = "The baseline to drift against: a snapshot id, latest, or a file (default .aegis/baseline.json; created from the first poll when missing)." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var sandbox = CommonOptions.Sandbox();
        var watch = new Command("watch", "Poll, drift against the baseline, repair new incidents in the sandbox (--apply writes them), record, ratchet the baseline. Exit 0 when stopped.")
        {
            target, interval, iterations, apply, baseline, repositoryRoot, sandbox,
        };
        watch.SetAction((parse, ct) => RunAsync(context, parse.GetValue(json), parse.GetValue(target)!, parse.GetValue(interval), parse.GetValue(iterations), parse.GetValue(apply), parse.GetValue(baseline), parse.GetValue(repositoryRoot), parse.GetValue(sandbox), ct));
        root.Subcommands.Add(watch);
    }

    private static async Task<int> RunAsync(CliContext context, bool json, string target, int intervalSeconds, int iterations, bool apply, string? baselineArgument, string? repositoryRoot, string? sandbox, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(target));
        IReadOnlyDictionary<string, string>? lastFiles = null;
        var done = 0;
        while (iterations == 0 || done < iterations)
        {
            if (done > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(intervalSeconds), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            string line;
            try
            {
                (line, lastFiles) = await IterateAsync(context, json, root, target, done + 1, lastFiles, apply, baselineArgument, sandbox, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled while reading: this iteration wrote nothing.
                break;
            }

            context.Stdout.Write(line);
            context.Stdout.Flush();
            done++;
        }

        if (!json)
        {
            context.Stdout.WriteLine("aegis watch: stopped after " + done.ToString(CultureInfo.InvariantCulture) + " iteration(s)" + (cancellationToken.IsCancellationRequested ? " (cancelled)" : ""));
        }

        return ExitCodes.Success;
    }

    private static async Task<(string Line, IReadOnlyDictionary<string, string> Files)> IterateAsync(CliContext context, bool json, string root, string target, int iteration, IReadOnlyDictionary<string, string>? lastFiles, bool apply, string? baselineArgument, string? sandbox, CancellationToken cancellationToken)
    {
        var files = RepositoryFiles.Hash(root, cancellationToken);
        var changed = lastFiles is null ? files.Count : RepositoryFiles.Compare(lastFiles, files).Count;
        if (lastFiles is not null && changed == 0)
        {
            Progress(context, json, "aegis watch: iteration " + iteration.ToString(CultureInfo.InvariantCulture) + ": no change");
            return (Report(json, iteration, changedFiles: 0, drift: null, pass: null, ratchet: null, baselinePath: null, regressed: 0, root), files);
        }

        Progress(context, json, "aegis watch: iteration " + iteration.ToString(CultureInfo.InvariantCulture) + ": " + changed.ToString(CultureInfo.InvariantCulture) + " file(s) to look at");
        var resolved = Baselines.Resolve(root, baselineArgument);
        if (resolved is not null)
        {
            Baselines.MustBeFromThisRepository(root, resolved);
        }

        var live = await LiveState.ScanAsync(root, target, context.Catalog, name: null, line => Progress(context, json, line), cancellationToken).ConfigureAwait(false);
        var drift = resolved is null ? null : DriftReport.Compute(resolved, live);
        var newFingerprints = drift?.Incidents.New.Select(i => i.Fingerprint).ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>(StringComparer.Ordinal);

        // The repair's reads (analysis, sandbox) may still be cancelled; then this iteration has written nothing.
        RepairPass? pass = null;
        if (newFingerprints.Count > 0)
        {
            pass = await FixCommand.RunAsync(context, quiet: true, target, rules: null, dryRun: !apply, output: null, root, sandbox, "watch", cancellationToken, newFingerprints).ConfigureAwait(false);
        }

        // Writes, none cancelled: regressions, then the ratchet over the state after the repairs.
        var now = DateTimeOffset.UtcNow;
        var regressed = KnowledgeBase.NoteSnapshot(root, live.Incidents.Where(i => pass is null || !pass.Repairs.Any(r => r.Outcome == FileRepairOutcomes.Written && r.Incidents.Any(x => x.Fingerprint == i.Fingerprint))), now);
        var afterFiles = RepositoryFiles.Hash(root, CancellationToken.None);
        var written = pass?.Repairs.Where(r => r.Outcome == FileRepairOutcomes.Written).SelectMany(r => r.Incidents).Select(i => i.Fingerprint).ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>(StringComparer.Ordinal);
        var current = live with { Files = afterFiles, Incidents = live.Incidents.Where(i => !written.Contains(i.Fingerprint)).ToList() };
        var ratchet = BaselineRatchet.Update(resolved?.Snapshot, current, acceptance: null);
        var baselinePath = resolved?.Path ?? SnapshotStore.BaselinePath(root);
        if (resolved is null || ratchet.Dropped > 0 || !SameFiles(resolved.Snapshot.Files, afterFiles))
        {
            baselinePath = resolved is null || resolved.Path == SnapshotStore.BaselinePath(root)
                ? SnapshotStore.WriteBaseline(root, ratchet.Baseline)
                : resolved.Path; // A named snapshot is a fixed point of comparison: it is read, never rewritten.
        }

        if (!json && pass is not null)
        {
            FixCommand.Print(context, pass, dryRun: !apply);
        }

        return (Report(json, iteration, changed, drift, pass, ratchet, baselinePath, regressed, root), afterFiles);
    }

    private static bool SameFiles(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
        => a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var hash) && hash == pair.Value);

    /// <summary>One iteration: a JSON line under <c>--json</c> (JSON Lines, flushed, so a script acts on each as it comes), else one text line.</summary>
    private static string Report(bool json, int iteration, int changedFiles, DriftReport? drift, RepairPass? pass, RatchetResult? ratchet, string? baselinePath, int regressed, string root)
    {
        var written = pass?.Repairs.Where(r => r.Outcome == FileRepairOutcomes.Written).Select(r => r.File).ToList() ?? new List<string>();
        var skipped = pass?.Repairs.Where(r => r.Skipped).Select(r => r.File).ToList() ?? new List<string>();
        if (json)
        {
            var text = new JsonText().BeginObject()
                .Property("iteration", iteration)
                .Property("changed", changedFiles > 0)
                .Property("files_changed", changedFiles)
                .Property("new", drift?.Incidents.New.Count ?? 0)
                .Property("resolved", drift?.Incidents.Resolved.Count ?? 0)
                .Property("unchanged", drift?.Incidents.Unchanged.Count ?? 0)
                .Property("regressed", regressed)
                .Property("card", pass?.Files.Json)
                .Name("written").BeginArray();
            written.ForEach(f => text.String(f));
            text.EndArray().Name("skipped").BeginArray();
            skipped.ForEach(f => text.String(f));
            text.EndArray()
                .Property("baseline", baselinePath is null ? null : RepositoryPaths.Relative(root, baselinePath))
                .Property("baseline_created", ratchet?.Created ?? false)
                .Property("baseline_dropped", ratchet?.Dropped ?? 0);
            if (drift is not null)
            {
                text.Name("health").Number(drift.HealthAfter, "0.00");
            }

            return FixCommand.JsonLine(text.EndObject().ToString());
        }

        var line = "aegis watch: iteration " + iteration.ToString(CultureInfo.InvariantCulture) + ": ";
        if (changedFiles == 0)
        {
            return line + "no change\n";
        }

        return line + (drift is null ? "no baseline: adopted the current state as " + RepositoryPaths.Relative(root, baselinePath!) : Plural(drift.Incidents.New.Count, "new incident") + ", " + drift.Incidents.Resolved.Count.ToString(CultureInfo.InvariantCulture) + " resolved")
            + (pass is null ? "" : "; repaired " + Plural(written.Count, "file") + (skipped.Count > 0 ? ", skipped " + Plural(skipped.Count, "file") : ""))
            + (regressed > 0 ? "; " + Plural(regressed, "earlier repair") + " regressed" : "")
            + (ratchet is { Created: false, Dropped: > 0 } ? "; baseline dropped " + ratchet.Dropped.ToString(CultureInfo.InvariantCulture) + " resolved" : "") + "\n";
    }

    private static void Progress(CliContext context, bool json, string line)
    {
        if (context.ShowsProgress(json))
        {
            context.Stderr.WriteLine(line);
        }
    }

    private static string Plural(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
