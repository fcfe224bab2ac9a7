using System.Globalization;
using System.Text.Json;
using Aegis.Analyzers.Profile;
using Aegis.Engine;
using Aegis.Engine.Agents;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Server;
using Aegis.Engine.Verification;

namespace Aegis.Cli;

/// <summary>What each verb does: parse its input, run the engine, write the card, print, return the exit code.</summary>
internal static class Verbs
{
    public static async Task<int> BuildAsync(CliContext context, bool json, string inputsPath, string? output, string? repositoryRoot, string? sandbox, Gate gate, string? errorLog, string? baseline, CancellationToken cancellationToken)
    {
        var failOn = gate.FailOn;
        Validate(sandbox, failOn);
        if (errorLog is not null)
        {
            AddCodeScanningProperties(context, json, errorLog);
        }

        var inputs = CompileInputs.Load(inputsPath);
        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(inputs.ProjectPath));
        var outputDirectory = Path.GetFullPath(output ?? Path.Combine(Path.GetDirectoryName(inputsPath) ?? ".", "..", "aegis"));
        var mode = sandbox ?? SandboxModes.Default(context.Environment);
        // A build takes the baseline MSBuild resolved (AegisBaseline), never one of its own, so the card and the
        // compiler's suppressor judge by the same file.
        var options = Options(context, root, mode, RepositoryPaths.Relative(root, inputs.ProjectPath), BuildBaseline.Resolve(root, baseline, defaultWhenAbsent: false, context.Warn));
        // The target passes the package's default sandbox (file, locally), under which a project's verify commands
        // wait for CI: said at low importance, since a coded warning would fail local builds under -warnaserror.
        if (SandboxModes.VerifyCommandsNotRun(mode, proposal: false, options.VerifyCommands) is { } notRun)
        {
            context.Stdout.WriteLine("aegis: note: AegisVerifyCommand " + notRun + "; it runs with AegisSandbox=repository, the CI default");
        }

        var engine = new AegisEngine(options);
        EngineTrace.WriteSinceProcessStart("startup");
        // What the warm server prepared while the compiler ran (awaited if it still runs), taken before loading: the
        // load below then tells whether the sources are still the ones it analyzed.
        ProjectAnalysis? prepared = null;
        if (context.Served is { } served)
        {
            using (EngineTrace.Measure("prepared"))
            {
                prepared = await served.Prepared.TakeAsync(PreparedBuilds.Key(inputsPath, root, mode), context.Catalog, cancellationToken).ConfigureAwait(false);
            }
        }

        LoadedProject project;
        using (EngineTrace.Measure("load"))
        {
            project = context.ProjectCache is { } cache ? cache.Load(inputs, cancellationToken) : LoadedProject.Load(inputs, cancellationToken);
        }

        ProjectAnalysis analysis;
        if (prepared is not null && ReferenceEquals(prepared.Project.Compilation, project.Compilation))
        {
            // The cache returned the very compilation the preparation analyzed: nothing it read has changed.
            context.Served!.Outcome = "prepared while the compiler ran";
            EngineTrace.Note("analyze, fixes: prepared while the compiler ran");
            analysis = prepared;
        }
        else
        {
            if (prepared is not null)
            {
                context.Served!.Outcome = "prepared analysis not used: the compilation changed since";
            }

            analysis = await engine.AnalyzeAsync(project, cancellationToken).ConfigureAwait(false);
        }

        var action = new List<KeyValuePair<string, object?>>
        {
            new("kind", "build"),
            new("project", RepositoryPaths.Relative(root, inputs.ProjectPath)),
            new("assembly", inputs.AssemblyName),
            new("sources", inputs.Sources.Count),
            new("sandbox", mode),
            new("fail_on", failOn),
        };
        AddBaselineAction(action, options, gate);
        var card = await engine.EvaluateAsync(new[] { analysis }, action, cancellationToken).ConfigureAwait(false);
        if (errorLog is not null && File.Exists(errorLog))
        {
            MarkBaselineStates(context, errorLog, card, root);
        }

        return Report(context, json, card, outputDirectory, root, gate);
    }

    /// <summary>
    /// The number of Aegis rules given their properties, or null with warning AEGB012 when the log cannot be updated:
    /// the build's own result does not depend on it. The build verb does it first, so that a failed gate or a crash
    /// later on still leaves a complete log.
    /// </summary>
    internal static int? AddCodeScanningProperties(CliContext context, bool json, string errorLog)
    {
        if (!File.Exists(errorLog))
        {
            context.Warn(ErrorCodes.ErrorLogNotUpdated, "the SARIF log " + errorLog + " (ErrorLog) was not written by the compiler; its Aegis rules have no code-scanning properties");
            return null;
        }

        try
        {
            var rules = Aegis.Engine.Sarif.ErrorLogRuleProperties.AddTo(errorLog);
            if (!json)
            {
                context.Stdout.WriteLine("aegis: SARIF log " + errorLog + ": code-scanning properties on " + rules.ToString(CultureInfo.InvariantCulture) + " Aegis rule(s)");
            }

            return rules;
        }
        catch (AegisException exception)
        {
            context.Warn(exception.Code, exception.Message);
            return null;
        }
    }

    /// <summary>A profile that does not parse is a corrupt state file: named, never overwritten.</summary>
    private static void ExistingProfileMustParse(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            RepositoryProfile.Empty().OverriddenBy(File.ReadAllText(path));
        }
        catch (FormatException exception)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {exception.Message}; fix or delete it (it is not overwritten)");
        }
    }

    public static async Task<int> ScanAsync(CliContext context, bool json, string target, string? output, string? repositoryRoot, string? sandbox, Gate gate, string? baseline, bool checkProfile, string verb, CancellationToken cancellationToken, bool writeProfile = false)
    {
        var failOn = gate.FailOn;
        Validate(sandbox, failOn);
        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(target));
        var policy = AegisPolicy.Load(root); // AEGB005 before any work when the policy is corrupt.
        var appliedBaseline = BuildBaseline.Resolve(root, baseline, defaultWhenAbsent: true, context.Warn); // AEGB005 before any work too.
        var profilePath = Path.Combine(root, ".aegis", RepositoryProfileCache.ProfileFileName);
        if (checkProfile)
        {
            ExistingProfileMustParse(profilePath);
        }

        var mode = sandbox ?? SandboxModes.Default(context.Environment);
        var projects = MsBuildInputs.DiscoverProjects(target);
        if (projects.Count == 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "no C# projects under " + target);
        }

        var options = Options(context, root, mode, buildTarget: null, appliedBaseline);
        var engine = new AegisEngine(options);
        WarnOfVerifyCommandsNotRun(context, mode, proposal: false);
        var analyses = await AnalyzeProjectsAsync(context, json, engine, root, projects, verb, cancellationToken).ConfigureAwait(false);

        if (writeProfile)
        {
            WriteProfile(context, root, profilePath, analyses, cancellationToken);
        }
        else if (checkProfile && File.Exists(profilePath))
        {
            Progress(context, json, "aegis: kept " + RepositoryPaths.Relative(root, profilePath) + " (--write-profile rewrites it)");
        }

        var action = ScanAction(verb, root, target, analyses, mode, failOn);
        if (writeProfile)
        {
            action.Add(new("profile", RepositoryPaths.Relative(root, profilePath)));
        }

        AddBaselineAction(action, options, gate);
        var card = await engine.EvaluateAsync(analyses, action, cancellationToken).ConfigureAwait(false);
        var outputDirectory = Path.GetFullPath(output ?? Path.Combine(root, ".aegis", verb));
        return Report(context, json, card, outputDirectory, root, gate);
    }

    /// <summary>Each project's compile inputs read, loaded and analyzed, in order (a progress line each on a terminal).</summary>
    internal static async Task<List<ProjectAnalysis>> AnalyzeProjectsAsync(CliContext context, bool quiet, AegisEngine engine, string root, IReadOnlyList<string> projects, string verb, CancellationToken cancellationToken)
    {
        var analyses = new List<ProjectAnalysis>();
        foreach (var projectPath in projects)
        {
            Progress(context, quiet, "aegis: " + verb + " " + RepositoryPaths.Relative(root, projectPath));
            CompileInputs inputs;
            using (EngineTrace.Measure("inputs"))
            {
                inputs = await MsBuildInputs.ReadAsync(projectPath, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            }

            LoadedProject project;
            using (EngineTrace.Measure("load"))
            {
                project = LoadedProject.Load(inputs, cancellationToken);
            }

            analyses.Add(await engine.AnalyzeAsync(project, cancellationToken).ConfigureAwait(false));
        }

        return analyses;
    }

    internal static List<KeyValuePair<string, object?>> ScanAction(string verb, string root, string target, IReadOnlyList<ProjectAnalysis> analyses, string mode, string failOn)
        => new()
        {
            new("kind", verb),
            new("target", RepositoryPaths.Relative(root, Path.GetFullPath(target)) is var t && t.Length > 0 ? t : "."),
            new("projects", analyses.Select(a => RepositoryPaths.Relative(root, a.Project.Inputs.ProjectPath)).ToList()),
            new("sandbox", mode),
            new("fail_on", failOn),
        };

    /// <summary>
    /// <c>--write-profile</c>: every scanned project's conventions in its own section, keyed by assembly name, so each
    /// later build reads its own and never another project's (the largest project once spoke for all, and weakened a
    /// smaller project's stronger convention). Said on stderr whatever the output mode: it changes every later build.
    /// </summary>
    private static void WriteProfile(CliContext context, string root, string profilePath, IReadOnlyList<ProjectAnalysis> analyses, CancellationToken cancellationToken)
    {
        // The name the analyzers select by: the compilation's assembly name.
        static string Name(ProjectAnalysis analysis) => analysis.Project.Compilation.AssemblyName ?? analysis.Project.Inputs.AssemblyName;
        var byAssembly = analyses.GroupBy(Name, StringComparer.Ordinal).ToList();
        var written = byAssembly.Where(g => g.Count() == 1).Select(g => g.Single()).OrderBy(Name, StringComparer.Ordinal).ToList();
        var profiles = written.Select(a => KeyValuePair.Create(Name(a), RepositoryProfileBuilder.Build(a.Project.Compilation, cancellationToken)));
        AtomicFile.WriteAllText(profilePath, RepositoryProfile.ToJson(profiles));

        var relative = RepositoryPaths.Relative(root, profilePath);
        var projects = string.Join(", ", written.Select(a => Name(a) + " (" + RepositoryPaths.Relative(root, a.Project.Inputs.ProjectPath) + ")"));
        context.Stderr.WriteLine($"aegis: wrote {relative}: the conventions of {written.Count.ToString(CultureInfo.InvariantCulture)} project(s), one section each: {projects}");
        context.Stderr.WriteLine($"aegis: every build that passes {relative} (the Aegis.Analyzers package does, for projects below {root}) now reads its own project's section instead of its code; delete the file to go back");
        foreach (var shared in byAssembly.Where(g => g.Count() > 1))
        {
            context.Stderr.WriteLine($"aegis: no section for assembly {shared.Key}: {string.Join(", ", shared.Select(a => RepositoryPaths.Relative(root, a.Project.Inputs.ProjectPath)))} share the name; each is judged by its own code");
        }
    }

    public static async Task<int> ProposeAsync(CliContext context, bool json, string actionPath, string? output, string? repositoryRoot, string? sandbox, CancellationToken cancellationToken)
    {
        Validate(sandbox, "never");
        ProposedAction proposed;
        try
        {
            proposed = ProposedAction.Parse(File.ReadAllText(actionPath));
        }
        catch (Exception exception) when (exception is IOException or JsonException or FormatException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "bad action file " + actionPath + ": " + exception.Message, exception);
        }

        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        var mode = sandbox ?? SandboxModes.Default(context.Environment);
        WarnOfVerifyCommandsNotRun(context, mode, proposal: true);
        var outputDirectory = Path.GetFullPath(output ?? Proposals.DefaultOutput(root));
        var outcome = await Proposals.RunAsync(Options(context, root, mode, buildTarget: null), proposed, outputDirectory, context.Environment, cancellationToken).ConfigureAwait(false);
        return Print(context, json, outcome.Card, outcome.Files, new Gate("blocked", NewOnly: false));
    }

    /// <summary>
    /// The engine's options from the command line; <paramref name="policy"/> when the verb already loaded it,
    /// <paramref name="rules"/> and <paramref name="fingerprints"/> when it works on a selection (<c>fix</c>, <c>watch</c>).
    /// </summary>
    internal static EngineOptions Options(CliContext context, string root, string mode, string? buildTarget, BuildBaseline? baseline = null, AegisPolicy? policy = null, IReadOnlySet<string>? rules = null, IReadOnlySet<string>? fingerprints = null)
        => new()
        {
            Baseline = baseline,
            RepositoryRoot = root,
            Sandbox = mode,
            Catalog = context.Catalog,
            VerifyCommands = AegisCommandLine.VerifyCommands(context.Args),
            BuildTarget = buildTarget,
            KeepSandbox = Commands.SandboxCommands.Keep(context),
            Policy = policy ?? AegisPolicy.Load(root),
            Warn = context.Warn,
            Rules = rules,
            Fingerprints = fingerprints,
        };

    /// <summary>Values the parser cannot check alone: AEGB010, exit code 2, before any work.</summary>
    internal static void Validate(string? sandbox, string failOn)
    {
        if (sandbox is not null && !SandboxModes.IsValid(sandbox))
        {
            throw new AegisException(ErrorCodes.BadArguments, "--sandbox must be none, file or repository (got '" + sandbox + "')");
        }

        if (!RiskGate.IsValid(failOn))
        {
            throw new AegisException(ErrorCodes.BadArguments, "--fail-on must be never, blocked, LOW, MEDIUM, HIGH or CRITICAL (got '" + failOn + "')");
        }
    }

    /// <summary>A verify command the chosen sandbox leaves out would pass unseen: a warning (the card is still written).</summary>
    private static void WarnOfVerifyCommandsNotRun(CliContext context, string mode, bool proposal)
    {
        if (SandboxModes.VerifyCommandsNotRun(mode, proposal, AegisCommandLine.VerifyCommands(context.Args)) is { } notRun)
        {
            context.Warn(ErrorCodes.VerifyCommandsNotRun, "--verify-command " + notRun + "; use --sandbox repository to run it");
        }
    }

    private static void Progress(CliContext context, bool json, string line)
    {
        if (context.ShowsProgress(json))
        {
            context.Stderr.WriteLine(line);
        }
    }

    /// <summary>The card's action says whether the gate counted only new incidents (only when a baseline applies).</summary>
    private static void AddBaselineAction(List<KeyValuePair<string, object?>> action, EngineOptions options, Gate gate)
    {
        if (options.Baseline is not null)
        {
            action.Add(new("fail_on_new_only", gate.NewOnly));
        }
    }

    /// <summary>
    /// The compiler's SARIF log gets each Aegis result's <c>baselineState</c>, and the baselined ones a suppression
    /// (the suppressor's own, or an external one when the compiler ran without it): a warning (AEGB012) when it cannot.
    /// </summary>
    private static void MarkBaselineStates(CliContext context, string errorLog, RiskCard card, string root)
    {
        if (card.Baseline is null)
        {
            return;
        }

        try
        {
            Aegis.Engine.Sarif.ErrorLogBaselineStates.AddTo(errorLog, card, root);
        }
        catch (AegisException exception)
        {
            context.Warn(exception.Code, exception.Message);
        }
    }

    /// <summary>Writes the card, prints the summary (and the gate error), returns 0 or 1.</summary>
    private static int Report(CliContext context, bool json, RiskCard card, string outputDirectory, string root, Gate gate)
    {
        RiskCardFiles files;
        using (EngineTrace.Measure("card write"))
        {
            files = RiskCardOutput.Write(card, card.Masker, outputDirectory, root, context.Environment, AegisPolicy.Load(root).History);
        }

        return Print(context, json, card, files, gate);
    }

    /// <summary>An AI explanation that fell back or a webhook not delivered: warnings, never a failure (the card is written).</summary>
    internal static void WarnOfCard(CliContext context, RiskCardFiles files)
    {
        foreach (var warning in files.Warnings)
        {
            context.Warn(warning.Code, warning.Message);
        }
    }

    /// <summary>Prints a written card's summary (and the gate error), returns 0 or 1.</summary>
    private static int Print(CliContext context, bool json, RiskCard card, RiskCardFiles files, Gate gateOptions)
    {
        WarnOfCard(context, files);
        var masker = card.Masker;
        EngineTrace.WriteJitTotals();

        var newOnly = gateOptions.NewOnly;
        var gate = RiskGate.Evaluate(card, gateOptions.FailOn, newOnly);
        var exitCode = gate is null ? ExitCodes.Success : ExitCodes.GateFailed;
        if (json)
        {
            var summary = new JsonText().BeginObject()
                .Property("exit_code", exitCode)
                .Property("card", files.Json)
                .Property("markdown", files.Markdown)
                .Property("html", files.Html)
                .Property("history", files.History)
                .Property("gate", gate is null ? null : masker.Mask(RiskGate.ErrorLine(card, gate, files.Json, masker, newOnly)))
                .Name("warnings").BeginArray();
            foreach (var (code, message) in context.Warnings)
            {
                summary.BeginObject().Property("code", code).Property("message", masker.Mask(message)).EndObject();
            }

            var text = summary.EndArray().EndObject().ToString().TrimEnd('\n');
            // The card itself is embedded as written (already masked).
            context.Stdout.Write(text[..^1].TrimEnd() + ",\n  \"risk_card\": " + files.JsonText.TrimEnd('\n') + "\n}\n");
        }
        else
        {
            context.Stdout.WriteLine(RiskGate.CardLinePrefix + files.SummaryText);
            foreach (var reason in card.Reasons.Take(5))
            {
                context.Stdout.WriteLine("  +" + reason.Points.ToString(CultureInfo.InvariantCulture) + " " + masker.Mask(reason.Text));
            }
        }

        // One coded warning per tampering finding, so a build log or an agent's transcript names each one.
        foreach (var tampering in card.Tampering)
        {
            context.Stderr.WriteLine(masker.Mask("aegis: warning " + ErrorCodes.TamperingFound + ": tampering (" + tampering.Verdict + "): " + tampering.Describe() + ": see " + files.Html));
        }

        if (gate is not null)
        {
            context.Stderr.WriteLine(RiskGate.ErrorLine(card, gate, files.Json, masker, newOnly));
        }

        return exitCode;
    }
}

/// <summary><c>--fail-on</c> and <c>--fail-on-new-only</c>: what fails the gate (<see cref="RiskGate.Evaluate"/>).</summary>
internal sealed record Gate(string FailOn, bool NewOnly);
