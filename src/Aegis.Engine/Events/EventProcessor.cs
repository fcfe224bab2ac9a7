using System.Globalization;
using Aegis.Engine.Agents;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Containment;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Events;

/// <summary>What every intake front (process-event, process-event-queue, process-inbox, <c>POST /events</c>) passes.</summary>
public sealed class EventProcessorOptions
{
    public required string RepositoryRoot { get; init; }

    /// <summary>The sandbox for every kind; null: each kind's own default, that of its verb (scan and push: none;
    /// propose: repository in CI, else file).</summary>
    public string? Sandbox { get; init; }

    public AnalyzerCatalog Catalog { get; init; } = AnalyzerCatalog.Default;

    public IReadOnlyList<VerifyCommand> VerifyCommands { get; init; } = Array.Empty<VerifyCommand>();

    /// <summary>Keep the repository sandbox's copy (<c>--keep-sandbox</c>); null: <see cref="SandboxModes.KeepsByDefault"/> of <see cref="Environment"/>.</summary>
    public bool? KeepSandbox { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>Write each result to <c>.aegis/inbox/results/&lt;event id&gt;.json</c> and index it (default).</summary>
    public bool RecordResults { get; init; } = true;

    /// <summary>Coded warnings (an index that could not be updated, AEGB079); the event is processed anyway.</summary>
    public Action<string, string>? Warn { get; init; }
}

/// <summary>
/// Routes each event kind to the engine (docs/events.md): scan → every project; push → only the projects that own the
/// changed files; propose → the seatbelt (<see cref="Proposals.RunAsync"/>, the path <c>aegis propose</c> takes);
/// alert → the alert's findings, correlated with Aegis's own incidents; advisory → a containment plan
/// (<see cref="ContainmentRun"/>, the path <c>aegis contain --event</c> takes). Each card goes to
/// <c>.aegis/events/&lt;event id&gt;/</c> and, like every card, into the history. Never throws for an event: bad input
/// and engine failures are results with one coded error; only cancellation escapes (the event stays unprocessed).
/// </summary>
public sealed class EventProcessor
{
    private readonly EventProcessorOptions options;

    private readonly IReadOnlyDictionary<string, Func<AegisEvent, string?, CancellationToken, Task<EventResult>>> routes;

    public EventProcessor(EventProcessorOptions options)
    {
        this.options = options;
        routes = new Dictionary<string, Func<AegisEvent, string?, CancellationToken, Task<EventResult>>>(StringComparer.Ordinal)
        {
            [EventKinds.Scan] = ScanAsync,
            [EventKinds.Push] = PushAsync,
            [EventKinds.Propose] = ProposeAsync,
            [EventKinds.Alert] = AlertAsync,
            [EventKinds.Advisory] = (e, origin, _) => Task.FromResult(Advisory(e, origin)),
        };
    }

    /// <summary>Where an event's card is written: <c>.aegis/events/&lt;event id&gt;/</c>.</summary>
    public static string CardDirectoryFor(string repositoryRoot, string eventId) => Path.Combine(repositoryRoot, ".aegis", "events", eventId);

    /// <summary>Parses and processes one event's text: malformed input is a result with its coded error (AEGB075–077).</summary>
    public async Task<EventResult> ProcessTextAsync(string json, string? origin, string defaultSource, CancellationToken cancellationToken)
    {
        AegisEvent parsed;
        try
        {
            parsed = EventParser.Parse(json, origin, defaultSource, options.Clock);
        }
        catch (AegisException exception)
        {
            var (id, kind) = json.Length <= EventParser.MaxEventBytes ? EventParser.Identify(json) : (null, null);
            return Record(EventResult.ForBadInput(exception, origin, options.Clock(), id, kind));
        }

        return await ProcessAsync(parsed, origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Processes one parsed event and records its result (unless <see cref="EventProcessorOptions.RecordResults"/> is off).</summary>
    public async Task<EventResult> ProcessAsync(AegisEvent e, string? origin, CancellationToken cancellationToken)
    {
        EventResult result;
        try
        {
            result = await routes[e.Kind](e, origin, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (AegisException exception)
        {
            result = Failed(e, origin, exception.Code, exception.Message);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            result = Failed(e, origin, ErrorCodes.EventNotProcessed, "the engine failed on event " + e.Id + " (" + e.Kind + "): " + exception.GetType().Name + ": " + exception.Message);
        }

        return Record(result with { Event = EventSummary.Of(e) });
    }

    /// <summary>Writes and indexes the result when asked to; the result itself either way.</summary>
    public EventResult Record(EventResult result)
    {
        if (options.RecordResults)
        {
            EventResults.Record(options.RepositoryRoot, result, createNew: false, options.Warn);
        }

        return result;
    }

    private async Task<EventResult> ScanAsync(AegisEvent e, string? origin, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(Path.Combine(options.RepositoryRoot, EventParser.OptionalString(e.Payload, "target") ?? "."));
        var projects = MsBuildInputs.DiscoverProjects(target);
        if (projects.Count == 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "no C# projects under " + RepositoryPaths.Relative(options.RepositoryRoot, target));
        }

        var inputs = new List<CompileInputs>();
        foreach (var project in projects)
        {
            inputs.Add(await MsBuildInputs.ReadAsync(project, options.BuildTimeout, cancellationToken).ConfigureAwait(false));
        }

        return await CardForProjectsAsync(e, origin, inputs, new() { new("target", RepositoryPaths.Relative(options.RepositoryRoot, target) is { Length: > 0 } t ? t : ".") }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Only the projects that own a changed file: a <c>.cs</c> file's owner (<see cref="OwningProject"/>), a
    /// changed <c>.csproj</c> itself. Other files change no compilation and are left out.</summary>
    private async Task<EventResult> PushAsync(AegisEvent e, string? origin, CancellationToken cancellationToken)
    {
        var owners = new List<CompileInputs>();
        var unowned = new List<string>();
        foreach (var file in e.Files)
        {
            var full = Path.GetFullPath(Path.Combine(options.RepositoryRoot, file));
            if (file.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            {
                if (File.Exists(full) && !owners.Any(o => SamePath(o.ProjectPath, full)))
                {
                    owners.Add(await MsBuildInputs.ReadAsync(full, options.BuildTimeout, cancellationToken).ConfigureAwait(false));
                }

                continue;
            }

            if (!file.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || RepositoryPaths.IsBuildOutput(file))
            {
                continue;
            }

            // Files of one project are usually pushed together: a project already read that lists the file owns it.
            if (owners.Any(o => o.Sources.Any(s => SamePath(s, full))))
            {
                continue;
            }

            var owner = await OwningProject.FindAsync(options.RepositoryRoot, full, options.BuildTimeout, cancellationToken).ConfigureAwait(false);
            if (owner.Inputs is null)
            {
                unowned.Add(file);
            }
            else if (!owners.Any(o => SamePath(o.ProjectPath, owner.Inputs.ProjectPath)))
            {
                owners.Add(owner.Inputs);
            }
        }

        if (owners.Count == 0)
        {
            var why = unowned.Count > 0 ? "no project owns " + string.Join(", ", unowned.Take(5)) : "none of the changed files is C# source or a project";
            return Result(e, origin, EventStatuses.Skipped, "nothing to scan: " + why);
        }

        return await CardForProjectsAsync(e, origin, owners, new() { new("ref", e.Ref), new("files", e.Files.ToList()) }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<EventResult> CardForProjectsAsync(AegisEvent e, string? origin, IReadOnlyList<CompileInputs> inputs, List<KeyValuePair<string, object?>> details, CancellationToken cancellationToken)
    {
        var mode = options.Sandbox ?? SandboxModes.None;
        var engine = new AegisEngine(EngineOptionsFor(mode));
        var analyses = new List<ProjectAnalysis>();
        foreach (var input in inputs)
        {
            analyses.Add(await engine.AnalyzeAsync(LoadedProject.Load(input, cancellationToken), cancellationToken).ConfigureAwait(false));
        }

        var projects = analyses.Select(a => RepositoryPaths.Relative(options.RepositoryRoot, a.Project.Inputs.ProjectPath)).ToList();
        var action = new List<KeyValuePair<string, object?>> { new("kind", e.Kind), new("event", e.Id), new("source", e.Source) };
        action.AddRange(details.Where(d => d.Value is not null));
        action.Add(new("projects", projects));
        action.Add(new("sandbox", mode));
        var card = await engine.EvaluateAsync(analyses, action, cancellationToken).ConfigureAwait(false);
        return WithCard(e, origin, card, WriteCard(card, e)) with { Projects = projects };
    }

    private async Task<EventResult> ProposeAsync(AegisEvent e, string? origin, CancellationToken cancellationToken)
    {
        var action = EventParser.ProposedActionOf(e);
        var mode = options.Sandbox ?? SandboxModes.Default(options.Environment);
        var outcome = await Proposals.RunAsync(EngineOptionsFor(mode), action, CardDirectoryFor(options.RepositoryRoot, e.Id), options.Environment, cancellationToken, EventContext(e)).ConfigureAwait(false);
        Forward(outcome.Files);
        return WithCard(e, origin, outcome.Card, outcome.Files);
    }

    /// <summary>The alert's findings become the card's incidents; the check that fails says what was found, and a
    /// second check names the Aegis incidents in the same file or endpoint (none: it passes).</summary>
    private Task<EventResult> AlertAsync(AegisEvent e, string? origin, CancellationToken cancellationToken)
    {
        var findings = AlertIncidents.Read(e);
        if (findings.Count == 0)
        {
            return Task.FromResult(Result(e, origin, EventStatuses.Skipped, "the alert holds no findings (a SARIF log without results)"));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var correlated = AlertIncidents.Correlate(options.RepositoryRoot, findings);
        var card = new RiskCard
        {
            Action = new()
            {
                new("kind", EventKinds.Alert),
                new("event", e.Id),
                new("source", e.Source),
                new("findings", findings.Count),
                new("correlated", correlated.Select(c => c.Fingerprint).ToList()),
            },
            Incidents = findings.ToList(),
            Sandbox = new SandboxSummary { Mode = SandboxModes.None },
        };
        var where = string.Join("; ", findings.Take(3).Select(f => f.Rule + (f.Endpoint is null ? "" : " on " + f.Endpoint) + (f.File.Length == 0 ? "" : " in " + f.File + (f.Line > 0 ? ":" + f.Line.ToString(CultureInfo.InvariantCulture) : ""))));
        card.Checks.Add(new Check("alert", false, findings.Count.ToString(CultureInfo.InvariantCulture) + " finding(s) from " + e.Source + ": " + where + (findings.Count > 3 ? "; …" : "")));
        card.Checks.Add(new Check("correlation", correlated.Count == 0, correlated.Count == 0
            ? "no Aegis incident in the same file or endpoint"
            : "Aegis found the same place too: " + string.Join("; ", correlated.Take(5).Select(c => c.Rule + " " + c.File + ":" + c.Line.ToString(CultureInfo.InvariantCulture) + (c.Endpoint is null ? "" : " (" + c.Endpoint + ")") + " fingerprint " + c.Fingerprint[..Math.Min(12, c.Fingerprint.Length)]))));
        var engine = new AegisEngine(EngineOptionsFor(SandboxModes.None));
        engine.Finish(card, Recommendations.NeedsHumanReview, SecretMasker.None);
        return Task.FromResult(WithCard(e, origin, card, WriteCard(card, e)) with { Correlated = correlated.Select(c => c.Fingerprint).ToList() });
    }

    /// <summary>The containment planner's dependency pin for the advisory: what <c>aegis contain --event</c> writes.</summary>
    private EventResult Advisory(AegisEvent e, string? origin)
    {
        var advisory = EventParser.AdvisoryOf(e, origin);
        var eventFile = origin is not null && File.Exists(origin) ? origin : null;
        var contained = ContainmentRun.Run(new ContainmentArguments(options.RepositoryRoot, null, eventFile, null, null, Array.Empty<string>()), advisory);
        var plan = RepositoryPaths.Relative(options.RepositoryRoot, contained.Files.Plan);
        return Result(e, origin, EventStatuses.Processed, "containment plan " + contained.Plan.Id + ": pin " + advisory.Package + " to " + advisory.FixedVersion + " (" + plan + ")") with { PlanPath = contained.Files.Plan };
    }

    private RiskCardFiles WriteCard(RiskCard card, AegisEvent e)
    {
        RiskCardFiles files;
        using (EngineTrace.Measure("card write"))
        {
            files = RiskCardOutput.Write(card, card.Masker, CardDirectoryFor(options.RepositoryRoot, e.Id), options.RepositoryRoot, options.Environment, AegisPolicy.Load(options.RepositoryRoot).History);
        }

        Forward(files);
        return files;
    }

    private void Forward(RiskCardFiles files)
    {
        foreach (var (code, message) in files.Warnings)
        {
            options.Warn?.Invoke(code, message);
        }
    }

    private EngineOptions EngineOptionsFor(string mode)
        => new()
        {
            RepositoryRoot = options.RepositoryRoot,
            Sandbox = mode,
            Catalog = options.Catalog,
            VerifyCommands = options.VerifyCommands,
            BuildTimeout = options.BuildTimeout,
            KeepSandbox = options.KeepSandbox ?? SandboxModes.KeepsByDefault(options.Environment),
            Policy = AegisPolicy.Load(options.RepositoryRoot),
            Clock = options.Clock,
        };

    private static List<KeyValuePair<string, object?>> EventContext(AegisEvent e) => new() { new("event", e.Id), new("source", e.Source) };

    private EventResult WithCard(AegisEvent e, string? origin, RiskCard card, RiskCardFiles files)
        => new(EventResult.NewId(), e.Id, e.Kind, EventStatuses.Processed, files.Json, card.RequestId, card.Status, card.Recommendation, null, card.Masker.Mask(card.Explanation), null, origin, options.Clock());

    private EventResult Result(AegisEvent e, string? origin, string status, string message)
        => new(EventResult.NewId(), e.Id, e.Kind, status, null, null, null, null, null, message, null, origin, options.Clock());

    private EventResult Failed(AegisEvent e, string? origin, string code, string message)
        => new(EventResult.NewId(), e.Id, e.Kind, EventStatuses.Failed, null, null, null, null, null, message, new EventError(code, message), origin, options.Clock()) { Event = EventSummary.Of(e) };

    private static bool SamePath(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
}
