using System.CommandLine;
using System.Globalization;
using Aegis.Analyzers;
using Aegis.Engine;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.Repair;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;

namespace Aegis.Cli.Commands;

/// <summary>One verify-and-repair pass: the card it wrote and what happened to each patched file.</summary>
internal sealed record RepairPass(RiskCard Card, RiskCardFiles Files, IReadOnlyList<FileRepair> Repairs);

/// <summary>
/// <c>aegis fix [&lt;target&gt;] [--rule AEG00n] [--dry-run]</c>: the verify path (incidents → patches → sandbox → card;
/// writing the card records the sandbox's verdicts in the knowledge base), then the verified patches written to the working
/// tree where the policy and the file's hash allow (<see cref="WorkingTreeRepair"/>).
/// </summary>
internal static class FixCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var target = new Argument<string>("target") { Description = "A folder, .sln/.slnx or .csproj (default: the current folder).", DefaultValueFactory = _ => "." };
        var rules = new Option<string[]>("--rule") { Description = "Only this rule's incidents (repeatable), e.g. --rule AEG001.", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Verify and say what would be written; write nothing to the working tree." };
        var output = CommonOptions.Output();
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var sandbox = CommonOptions.Sandbox();
        var fix = new Command("fix", "Write verified patches to the working tree: only where the boosted confidence passes the policy and the file is unchanged since analysis. Exit 0 all written, 1 a patch was skipped.")
        {
            target, rules, dryRun, output, repositoryRoot, sandbox,
        };
        fix.SetAction(async (parse, ct) =>
        {
            var quiet = parse.GetValue(json);
            var pass = await RunAsync(context, quiet, parse.GetValue(target)!, parse.GetValue(rules), parse.GetValue(dryRun), parse.GetValue(output), parse.GetValue(repositoryRoot), parse.GetValue(sandbox), "fix", ct).ConfigureAwait(false);
            var exit = pass.Repairs.Any(r => r.Skipped) ? ExitCodes.GateFailed : ExitCodes.Success;
            if (quiet)
            {
                context.Stdout.Write(ToJson(pass, exit, parse.GetValue(dryRun), context.Warnings, compact: false));
            }
            else
            {
                Print(context, pass, parse.GetValue(dryRun));
            }

            return exit;
        });
        root.Subcommands.Add(fix);
    }

    /// <summary>Analyze, verify, write the card (under <c>.aegis/&lt;verb&gt;/</c>), then write or skip each patch.</summary>
    public static async Task<RepairPass> RunAsync(CliContext context, bool quiet, string target, string[]? rules, bool dryRun, string? output, string? repositoryRoot, string? sandbox, string verb, CancellationToken cancellationToken, IReadOnlySet<string>? fingerprints = null)
    {
        Verbs.Validate(sandbox, "never");
        var selected = ValidRules(rules);
        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(target));
        var policy = AegisPolicy.Load(root); // AEGB005 before any work when the policy is corrupt.
        // fix remembers what it writes in the knowledge base: a corrupt one stops it before anything is written.
        Aegis.Engine.Knowledge.KnowledgeBase.Read(root);
        var mode = sandbox ?? SandboxModes.Default(context.Environment);
        var projects = MsBuildInputs.DiscoverProjects(target);
        if (projects.Count == 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "no C# projects under " + target);
        }

        var options = Verbs.Options(context, root, mode, buildTarget: null, policy: policy, rules: selected, fingerprints: fingerprints);
        var engine = new AegisEngine(options);
        var analyses = await Verbs.AnalyzeProjectsAsync(context, quiet, engine, root, projects, verb, cancellationToken).ConfigureAwait(false);
        var action = Verbs.ScanAction(verb, root, target, analyses, mode, "never");
        if (selected is not null)
        {
            action.Add(new("rules", selected.Order(StringComparer.Ordinal).ToList()));
        }

        action.Add(new("dry_run", dryRun));
        var card = await engine.EvaluateAsync(analyses, action, cancellationToken).ConfigureAwait(false);
        // From here on nothing is cancelled: the card, the knowledge base and each file are written whole or not at all.
        var files = RiskCardOutput.Write(card, card.Masker, Path.GetFullPath(output ?? Path.Combine(root, ".aegis", verb)), root, context.Environment, policy.History);
        Verbs.WarnOfCard(context, files);
        var repairs = WorkingTreeRepair.Apply(root, card, policy, dryRun, DateTimeOffset.UtcNow);
        foreach (var skipped in repairs.Where(r => r.Outcome == FileRepairOutcomes.SkippedChanged))
        {
            context.Warn(ErrorCodes.RepairFileChanged, skipped.File + ": " + skipped.Reason + "; not written");
        }

        return new RepairPass(card, files, repairs);
    }

    public static string ToJson(RepairPass pass, int exitCode, bool dryRun, IReadOnlyList<(string Code, string Message)> warnings, bool compact)
    {
        var masker = pass.Card.Masker;
        var json = new JsonText().BeginObject()
            .Property("exit_code", exitCode)
            .Property("dry_run", dryRun)
            .Property("card", pass.Files.Json)
            .Property("status", pass.Card.Status)
            .Property("recommendation", pass.Card.Recommendation)
            .Property("incidents", pass.Card.Incidents.Count)
            .Property("written", pass.Repairs.Count(r => r.Outcome == FileRepairOutcomes.Written))
            .Property("skipped", pass.Repairs.Count(r => r.Skipped))
            .Name("files").BeginArray();
        foreach (var repair in pass.Repairs)
        {
            json.BeginObject()
                .Property("file", masker.Mask(repair.File))
                .Property("outcome", repair.Outcome)
                .Property("reason", masker.Mask(repair.Reason))
                .Name("incidents").BeginArray();
            foreach (var incident in repair.Incidents)
            {
                json.BeginObject()
                    .Property("rule", incident.Rule)
                    .Property("line", incident.Line)
                    .Property("fingerprint", incident.Fingerprint)
                    .Name("confidence").Number(incident.Confidence, "0.00")
                    .Name("boosted_confidence").Number(incident.BoostedConfidence, "0.00")
                    .EndObject();
            }

            json.EndArray().EndObject();
        }

        json.EndArray().Name("warnings").BeginArray();
        foreach (var (code, message) in warnings)
        {
            json.BeginObject().Property("code", code).Property("message", masker.Mask(message)).EndObject();
        }

        var text = json.EndArray().EndObject().ToString();
        return compact ? JsonLine(text) : text;
    }

    /// <summary>The same object on one line (JSON Lines: a reader acts on each as it arrives).</summary>
    public static string JsonLine(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return System.Text.Json.JsonSerializer.Serialize(document.RootElement) + "\n";
    }

    public static void Print(CliContext context, RepairPass pass, bool dryRun)
    {
        var masker = pass.Card.Masker;
        foreach (var repair in pass.Repairs)
        {
            var what = string.Join(", ", repair.Incidents.Select(i => i.Rule + " line " + i.Line.ToString(CultureInfo.InvariantCulture)));
            var verb = repair.Outcome switch
            {
                FileRepairOutcomes.Written => "fixed",
                FileRepairOutcomes.WouldWrite => "would fix",
                _ => "skipped",
            };
            context.Stdout.WriteLine(masker.Mask("aegis: " + verb + " " + repair.File + " (" + what + ")" + (repair.Skipped ? ": " + repair.Reason : "")));
        }

        var written = pass.Repairs.Count(r => r.Outcome is FileRepairOutcomes.Written or FileRepairOutcomes.WouldWrite);
        var unpatched = pass.Card.Incidents.Count(i => !pass.Card.Patches.Any(p => p.Fixes.Contains(i.Fingerprint)));
        context.Stdout.WriteLine("aegis fix: " + (dryRun ? "would write " : "wrote ") + Count(written, "file") + ", skipped " + Count(pass.Repairs.Count(r => r.Skipped), "file")
            + (unpatched > 0 ? ", " + Count(unpatched, "incident") + " without a safe patch (a person's to fix)" : "") + "; card: " + pass.Files.Json);
    }

    /// <summary><c>--rule</c> values must name catalog rules: a typo would otherwise fix nothing and say nothing.</summary>
    private static IReadOnlySet<string>? ValidRules(string[]? rules)
    {
        if (rules is null || rules.Length == 0)
        {
            return null;
        }

        var known = DiagnosticRules.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var normalized = rules.Select(r => r.Trim().ToUpperInvariant()).ToList();
        if (normalized.FirstOrDefault(r => !known.Contains(r)) is { } unknown)
        {
            throw new AegisException(ErrorCodes.BadArguments, "--rule must name a rule (" + string.Join(", ", known.Order(StringComparer.Ordinal)) + "); got '" + unknown + "'");
        }

        return normalized.ToHashSet(StringComparer.Ordinal);
    }

    private static string Count(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
