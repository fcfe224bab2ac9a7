using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.Releases;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis release</c>: create, approve, advance, reject, roll back, list, show and gate release candidates.</summary>
internal static class ReleaseCommands
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var release = new Command("release", "Release candidates from Risk Cards: candidate → approved → canary → staged → broad → full, exported as feature flags and a promotion gate.");

        Option<string> Actor() => new("--actor") { Description = "Who does this (default: $AEGIS_ACTOR, else $USER)." };
        Option<string> Reason() => new("--reason") { Description = "Why, recorded with the transition." };
        Argument<string> Id() => new("id") { Description = "The release id (rel-0001)." };

        var card = new Option<string>("--card") { Description = "The Risk Card (risk-card.json) the release carries.", Required = true };
        var name = new Option<string>("--name") { Description = "The release's name, also its feature flag's name (default: the id)." };
        var force = new Option<bool>("--force") { Description = "Create it even though the card does not recommend approved_for_rollout (recorded)." };
        var createActor = Actor();
        var createReason = Reason();
        var createRoot = CommonOptions.RepositoryRoot();
        var create = new Command("create", "Create a release candidate from a Risk Card.") { card, name, force, createActor, createReason, createRoot };
        create.SetAction(parse => Run(context, parse.GetValue(json), () =>
        {
            var store = Store(context, parse.GetValue(createRoot));
            var created = store.Create(parse.GetRequiredValue(card), parse.GetValue(name), ActorOf(context, parse.GetValue(createActor)), parse.GetValue(createReason), parse.GetValue(force));
            return Print(context, parse.GetValue(json), store, created);
        }));
        release.Subcommands.Add(create);

        foreach (var (action, description) in new[]
        {
            (ReleaseStates.Approve, "Approve a candidate (a person's review)."),
            (ReleaseStates.Advance, "Move to the next stage: approved → canary → staged → broad → full."),
            (ReleaseStates.Reject, "Reject the release (from any open state)."),
            (ReleaseStates.Rollback, "Roll the release back: its flag turns off for everyone (from any open state)."),
        })
        {
            var id = Id();
            var actor = Actor();
            var reason = Reason();
            var repositoryRoot = CommonOptions.RepositoryRoot();
            var from = new Option<string>("--from") { Description = "Apply only if the release is in this state (AEGB021 otherwise): a pipeline's guard against moving twice." };
            var command = new Command(action, description) { id, actor, reason, from, repositoryRoot };
            command.SetAction(parse => Run(context, parse.GetValue(json), () =>
            {
                var store = Store(context, parse.GetValue(repositoryRoot));
                var moved = store.Apply(parse.GetRequiredValue(id), action, ActorOf(context, parse.GetValue(actor)), parse.GetValue(reason), parse.GetValue(from));
                return Print(context, parse.GetValue(json), store, moved);
            }));
            release.Subcommands.Add(command);
        }

        var listRoot = CommonOptions.RepositoryRoot();
        var list = new Command("list", "List the releases with their state and weight.") { listRoot };
        list.SetAction(parse => Run(context, parse.GetValue(json), () =>
        {
            var store = Store(context, parse.GetValue(listRoot));
            var releases = store.List();
            if (parse.GetValue(json))
            {
                var text = new JsonText().BeginObject().Name("releases").BeginArray();
                foreach (var item in releases)
                {
                    item.WriteTo(text, store.ExportPaths(item));
                }

                context.Stdout.Write(text.EndArray().EndObject().ToString());
            }
            else if (releases.Count == 0)
            {
                context.Stdout.WriteLine("aegis: no releases under " + store.Folder);
            }
            else
            {
                foreach (var item in releases)
                {
                    context.Stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}  {1,-12} {2,3} %  {3}  {4}", item.Id, item.State, item.Weight, item.Last.At, item.Name));
                }
            }

            return ExitCodes.Success;
        }));
        release.Subcommands.Add(list);

        var showId = Id();
        var showRoot = CommonOptions.RepositoryRoot();
        var show = new Command("show", "Show a release and every transition (who, when, why, from, to, weight).") { showId, showRoot };
        show.SetAction(parse => Run(context, parse.GetValue(json), () =>
        {
            var store = Store(context, parse.GetValue(showRoot));
            var shown = store.Load(parse.GetRequiredValue(showId));
            if (parse.GetValue(json))
            {
                context.Stdout.Write(shown.ToJson(store.ExportPaths(shown)));
                return ExitCodes.Success;
            }

            context.Stdout.WriteLine($"{shown.Id} {shown.Name}: {shown.State} at {shown.Weight.ToString(CultureInfo.InvariantCulture)} % (card {shown.Definition.Card.Path}: {shown.Definition.Card.Recommendation}{(shown.Definition.Forced ? "; " + shown.Definition.ForceNote : "")})");
            foreach (var t in shown.Transitions)
            {
                context.Stdout.WriteLine($"  {t.Sequence.ToString(CultureInfo.InvariantCulture)}. {t.At} {t.Actor}: {t.Action} {t.From ?? "-"} → {t.To} ({t.Weight.ToString(CultureInfo.InvariantCulture)} %){(t.Reason.Length > 0 ? ": " + t.Reason : "")}");
            }

            foreach (var (export, path) in store.ExportPaths(shown))
            {
                context.Stdout.WriteLine($"  {export}: {path}");
            }

            return ExitCodes.Success;
        }));
        release.Subcommands.Add(show);

        var gateId = Id();
        var gateRoot = CommonOptions.RepositoryRoot();
        var gate = new Command("gate", "The promotion gate: prints the answer as JSON; exit 0 Successful, 1 Failed (rollback), 4 Inconclusive (needs review).") { gateId, gateRoot };
        gate.SetAction(parse => Run(context, parse.GetValue(json), () =>
        {
            var answer = Store(context, parse.GetValue(gateRoot)).Gate(parse.GetRequiredValue(gateId));
            context.Stdout.Write(answer.ToJson());
            if (!answer.Passed)
            {
                context.Stderr.WriteLine($"aegis: error {ErrorCodes.ReleaseGateNotPassed}: release {answer.Release} gate {answer.Verdict.Phase} ({answer.Verdict.Name}): {answer.Reason}");
            }

            return answer.Verdict.ExitCode;
        }));
        release.Subcommands.Add(gate);

        root.Subcommands.Add(release);
    }

    private static ReleaseStore Store(CliContext context, string? repositoryRoot)
    {
        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        return new ReleaseStore(root, AegisPolicy.Load(root));
    }

    private static string ActorOf(CliContext context, string? actor)
        => !string.IsNullOrWhiteSpace(actor) ? actor : context.Environment("AEGIS_ACTOR") ?? context.Environment("USER") ?? context.Environment("USERNAME") ?? "unknown";

    private static int Print(CliContext context, bool json, ReleaseStore store, Release release)
    {
        var exports = store.ExportPaths(release);
        if (json)
        {
            context.Stdout.Write(release.ToJson(exports));
        }
        else
        {
            var last = release.Last;
            context.Stdout.WriteLine($"aegis: release {release.Id} ({release.Name}): {last.From ?? "created"} → {last.To} by {last.Actor}, flag at {release.Weight.ToString(CultureInfo.InvariantCulture)} %{(release.Definition.Forced && last.Sequence == 1 ? " (" + release.Definition.ForceNote + ")" : "")}");
            context.Stdout.WriteLine("  exports: " + string.Join(", ", exports.Values));
        }

        return ExitCodes.Success;
    }

    /// <summary>Release errors are the user's to fix (exit 2), except an output that cannot be written (exit 3).</summary>
    private static int Run(CliContext context, bool json, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (AegisException exception)
        {
            var exit = exception.Code == ErrorCodes.OutputNotWritable ? ExitCodes.InternalError : ExitCodes.UsageError;
            return AegisCommandLine.Fail(context.Args, context.Stdout, context.Stderr, exit, exception.Code, exception.Message);
        }
    }
}
