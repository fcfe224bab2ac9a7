using System.CommandLine;
using System.Globalization;
using System.Text;
using Aegis.Engine.Events;
using Aegis.Engine.Infrastructure;

namespace Aegis.Cli.Commands;

/// <summary>
/// The event intake (docs/events.md): <c>aegis process-event &lt;file&gt;</c>, <c>aegis process-event-queue &lt;file&gt;</c>
/// and <c>aegis process-inbox</c>. Each parses and prints; <see cref="EventProcessor"/> and <see cref="EventInbox"/> decide.
/// </summary>
internal static class EventCommands
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var eventFile = new Argument<string>("file") { Description = "An event: {\"id\", \"kind\", \"source\", \"received_at\", \"repository\", \"ref\", \"files\", \"payload\"} (docs/event.schema.json)." };
        var eventRoot = CommonOptions.RepositoryRoot();
        var eventSandbox = CommonOptions.Sandbox("each kind's own: scan and push none, propose " + CommonOptions.CiDependentSandbox);
        var processEvent = new Command("process-event", "Route one event to the engine (scan, push, propose, alert, advisory); its result goes to .aegis/inbox/results/<id>.json.")
        {
            eventFile, eventRoot, eventSandbox,
        };
        processEvent.SetAction((parse, ct) => ProcessEventAsync(context, parse.GetValue(json), parse.GetRequiredValue(eventFile), parse.GetValue(eventRoot), parse.GetValue(eventSandbox), ct));
        root.Subcommands.Add(processEvent);

        var queueFile = new Argument<string>("file") { Description = "A JSON array of events, processed in order." };
        var queueRoot = CommonOptions.RepositoryRoot();
        var queueSandbox = CommonOptions.Sandbox("each kind's own: scan and push none, propose " + CommonOptions.CiDependentSandbox);
        var processQueue = new Command("process-event-queue", "Route each event of a JSON array in order, one result each; a bad element gets its coded error and the rest go on.")
        {
            queueFile, queueRoot, queueSandbox,
        };
        processQueue.SetAction((parse, ct) => ProcessQueueAsync(context, parse.GetValue(json), parse.GetRequiredValue(queueFile), parse.GetValue(queueRoot), parse.GetValue(queueSandbox), ct));
        root.Subcommands.Add(processQueue);

        var once = new Option<bool>("--once") { Description = "One pass over .aegis/inbox/events/, then exit (default: poll until Ctrl+C)." };
        var interval = new Option<int>("--interval") { Description = "Seconds between passes when the inbox was empty (default 2).", DefaultValueFactory = _ => 2 };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                result.AddError("--interval must be a whole number of seconds from 1 to 3600");
            }
        });
        var lease = new Option<int>("--lease") { Description = "Minutes after which a claim is taken again even if its process seems alive (default " + ((int)EventInbox.DefaultLease.TotalMinutes).ToString(CultureInfo.InvariantCulture) + ").", DefaultValueFactory = _ => (int)EventInbox.DefaultLease.TotalMinutes };
        lease.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--lease must be a whole number of minutes greater than 0");
            }
        });
        var inboxRoot = CommonOptions.RepositoryRoot();
        var inboxSandbox = CommonOptions.Sandbox("each kind's own: scan and push none, propose " + CommonOptions.CiDependentSandbox);
        var processInbox = new Command("process-inbox", "Process the event files in .aegis/inbox/events/: each claimed by an atomic rename (two processors never take the same one), its result in .aegis/inbox/results/.")
        {
            once, interval, lease, inboxRoot, inboxSandbox,
        };
        processInbox.SetAction((parse, ct) => ProcessInboxAsync(context, parse.GetValue(json), parse.GetValue(once), parse.GetValue(interval), parse.GetValue(lease), parse.GetValue(inboxRoot), parse.GetValue(inboxSandbox), ct));
        root.Subcommands.Add(processInbox);
    }

    private static async Task<int> ProcessEventAsync(CliContext context, bool json, string file, string? repositoryRoot, string? sandbox, CancellationToken cancellationToken)
    {
        var (options, text) = Prepare(context, file, repositoryRoot, sandbox);
        var result = await new EventProcessor(options).ProcessTextAsync(text, file, "cli", cancellationToken).ConfigureAwait(false);
        var exit = ExitCodeOf(result);
        Print(context, json, exit, new[] { result }, single: true);
        return exit;
    }

    private static async Task<int> ProcessQueueAsync(CliContext context, bool json, string file, string? repositoryRoot, string? sandbox, CancellationToken cancellationToken)
    {
        var (options, text) = Prepare(context, file, repositoryRoot, sandbox);
        var processor = new EventProcessor(options);
        var results = new List<EventResult>();
        foreach (var element in EventParser.ParseQueue(text, file, "cli", options.Clock))
        {
            results.Add(element.Event is null
                ? processor.Record(EventResult.ForBadInput(element.Error!, element.Origin, options.Clock(), element.Id, element.Kind))
                : await processor.ProcessAsync(element.Event, element.Origin, cancellationToken).ConfigureAwait(false));
        }

        var exit = results.Any(r => r.Status == EventStatuses.Failed) ? ExitCodes.GateFailed : ExitCodes.Success;
        Print(context, json, exit, results, single: false);
        return exit;
    }

    private static async Task<int> ProcessInboxAsync(CliContext context, bool json, bool once, int intervalSeconds, int leaseMinutes, string? repositoryRoot, string? sandbox, CancellationToken cancellationToken)
    {
        if (sandbox is not null)
        {
            Verbs.Validate(sandbox, "never");
        }

        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        var inbox = new EventInbox(Options(context, root, sandbox), TimeSpan.FromMinutes(leaseMinutes));
        // A loop prints one line per event, except in CI, where only failures are said (as warnings).
        var quiet = !once && context.Environment("CI") is not null;
        void OnResult(EventResult result)
        {
            if (result.Status == EventStatuses.Failed)
            {
                context.Warn(result.Error!.Code, (result.Origin ?? result.EventId ?? result.Id) + ": " + result.Error.Message);
            }

            if (!json && !quiet)
            {
                context.Stdout.WriteLine(Line(result));
            }
            else if (json && !once)
            {
                context.Stdout.Write(result.ToJson());
            }
        }

        if (once)
        {
            var pass = await inbox.ProcessOnceAsync(cancellationToken, OnResult).ConfigureAwait(false);
            if (json)
            {
                // Failures were said as warnings already: the pass itself succeeded.
                Print(context, json: true, ExitCodes.Success, pass.Results, single: false, extra: ("already_done", pass.AlreadyDone, "reclaimed", pass.Reclaimed), printErrors: false);
            }
            else
            {
                context.Stdout.WriteLine("aegis: inbox: " + Count(pass.Processed) + " processed, " + Count(pass.Failed) + " failed" + (pass.Reclaimed > 0 ? ", " + Count(pass.Reclaimed) + " taken over from a stopped processor" : "") + (pass.AlreadyDone > 0 ? ", " + Count(pass.AlreadyDone) + " had a result already" : ""));
            }

            return ExitCodes.Success;
        }

        try
        {
            while (true)
            {
                var pass = await inbox.ProcessOnceAsync(cancellationToken, OnResult).ConfigureAwait(false);
                if (pass.Results.Count == 0 && pass.AlreadyDone == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(intervalSeconds), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the event being processed keeps its claim and is taken again by the next run.
            return ExitCodes.Success;
        }
    }

    private static (EventProcessorOptions Options, string Text) Prepare(CliContext context, string file, string? repositoryRoot, string? sandbox)
    {
        if (sandbox is not null)
        {
            Verbs.Validate(sandbox, "never");
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.EventMalformed, "cannot read " + file + ": " + exception.Message, exception);
        }

        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        return (Options(context, root, sandbox), text);
    }

    private static EventProcessorOptions Options(CliContext context, string root, string? sandbox)
        => new()
        {
            RepositoryRoot = root,
            Sandbox = sandbox,
            Catalog = context.Catalog,
            VerifyCommands = AegisCommandLine.VerifyCommands(context.Args),
            KeepSandbox = SandboxCommands.Keep(context),
            Environment = context.Environment,
            Warn = context.Warn,
        };

    /// <summary>Bad input is a usage error (2), as a bad action file is for propose; an engine failure 1; else 0.</summary>
    private static int ExitCodeOf(EventResult result)
        => result.Error is null ? ExitCodes.Success
            : result.Error.Code is ErrorCodes.EventMalformed or ErrorCodes.EventInvalid or ErrorCodes.EventPayloadInvalid ? ExitCodes.UsageError
            : ExitCodes.GateFailed;

    private static void Print(CliContext context, bool json, int exit, IReadOnlyList<EventResult> results, bool single, (string, int, string, int)? extra = null, bool printErrors = true)
    {
        foreach (var failed in results.Where(r => printErrors && r.Error is not null))
        {
            context.Stderr.WriteLine("aegis: error " + failed.Error!.Code + ": " + failed.Error.Message);
        }

        if (!json)
        {
            foreach (var result in results)
            {
                context.Stdout.WriteLine(Line(result));
            }

            return;
        }

        var text = new StringBuilder("{\n  \"exit_code\": ").Append(exit.ToString(CultureInfo.InvariantCulture));
        if (extra is var (name1, value1, name2, value2))
        {
            text.Append(",\n  \"").Append(name1).Append("\": ").Append(value1.ToString(CultureInfo.InvariantCulture));
            text.Append(",\n  \"").Append(name2).Append("\": ").Append(value2.ToString(CultureInfo.InvariantCulture));
        }

        var warnings = new JsonText().BeginArray();
        foreach (var (code, message) in context.Warnings)
        {
            warnings.BeginObject().Property("code", code).Property("message", message).EndObject();
        }

        text.Append(",\n  \"warnings\": ").Append(Indent(warnings.EndArray().ToString()));
        if (single)
        {
            text.Append(",\n  \"result\": ").Append(Indent(results[0].ToJson()));
        }
        else
        {
            text.Append(",\n  \"results\": [");
            for (var i = 0; i < results.Count; i++)
            {
                text.Append(i == 0 ? "\n    " : ",\n    ").Append(Indent(results[i].ToJson(), "    "));
            }

            text.Append(results.Count == 0 ? "]" : "\n  ]");
        }

        context.Stdout.Write(text.Append("\n}\n").ToString());
    }

    private static string Indent(string json, string indent = "  ") => json.TrimEnd('\n').Replace("\n", "\n" + indent, StringComparison.Ordinal);

    /// <summary>One line per result: <c>aegis: event &lt;id&gt; (&lt;kind&gt;): &lt;status&gt;: …</c>.</summary>
    internal static string Line(EventResult result)
        => "aegis: event " + (result.EventId ?? "?") + " (" + (result.Kind ?? "?") + "): " + result.Status
            + (result.CardStatus is null ? "" : " " + result.CardStatus + " " + result.Recommendation)
            + ": " + (result.Error?.Code is { } code ? code + " " : "") + result.Message
            + (result.CardPath is null ? "" : " (card " + result.CardPath + ")")
            + (result.PlanPath is null ? "" : " (plan " + result.PlanPath + ")");

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
