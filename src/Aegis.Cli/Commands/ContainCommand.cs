using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Containment;
using Aegis.Engine.Infrastructure;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis contain</c>: a runtime containment plan for a card's incidents (and an advisory event).</summary>
internal static class ContainCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var card = new Option<string>("--card") { Description = "risk-card.json (default: the newest card in .aegis/history/)." };
        var advisory = new Option<string>("--event") { Description = "An advisory event: {\"kind\": \"advisory\", \"payload\": {\"package\", \"vulnerable_range\", \"fixed_version\"}}." };
        var output = new Option<string>("--output") { Description = "Folder for plan.json and its artifacts (default: .aegis/containment/<id>/)." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var upstream = new Option<string>("--upstream") { Description = "The nginx upstream the generated locations pass allowed requests to (default aegis_app)." };
        var credentialHeaders = new Option<string[]>("--credential-header") { Description = "A header that carries credentials for the AEG003 WAF rule (repeatable; default Authorization).", AllowMultipleArgumentsPerToken = false };
        var contain = new Command("contain", "Plan runtime containment (WAF rules, gateway blocks, kill-switch flags, dependency pins) first and the code rollout second.")
        {
            card, advisory, output, repositoryRoot, upstream, credentialHeaders,
        };
        contain.SetAction(parse => Run(
            context,
            parse.GetValue(json),
            new ContainmentArguments(
                Path.GetFullPath(parse.GetValue(repositoryRoot) ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory())),
                parse.GetValue(card) is { } c ? Path.GetFullPath(c) : null,
                parse.GetValue(advisory) is { } e ? Path.GetFullPath(e) : null,
                parse.GetValue(output),
                parse.GetValue(upstream),
                parse.GetValue(credentialHeaders) ?? Array.Empty<string>())));
        root.Subcommands.Add(contain);
    }

    private static int Run(CliContext context, bool json, ContainmentArguments arguments)
    {
        ContainmentResult result;
        try
        {
            result = ContainmentRun.Run(arguments);
        }
        catch (AegisException exception) when (exception.Code is ErrorCodes.BadContainmentCard or ErrorCodes.BadContainmentEvent or ErrorCodes.NothingToContain or ErrorCodes.BadContainmentOption or ErrorCodes.ContainmentTooLarge)
        {
            // Bad input is a usage error (exit 2), as a bad action file is for propose.
            context.Stderr.WriteLine(exception.ToErrorLine());
            if (json)
            {
                context.Stdout.Write(new JsonText().BeginObject()
                    .Property("exit_code", ExitCodes.UsageError)
                    .Name("error").BeginObject().Property("code", exception.Code).Property("message", exception.Message).EndObject()
                    .EndObject().ToString());
            }

            return ExitCodes.UsageError;
        }

        var plan = result.Plan;
        var planJson = File.ReadAllText(result.Files.Plan);
        if (json)
        {
            var text = new JsonText().BeginObject()
                .Property("exit_code", ExitCodes.Success)
                .Property("id", plan.Id)
                .Property("plan", result.Files.Plan)
                .Property("directory", result.Files.Directory)
                .Name("card_views").BeginArray();
            foreach (var view in result.Files.CardViews)
            {
                text.String(view);
            }

            var head = text.EndArray().EndObject().ToString().TrimEnd('\n');
            context.Stdout.Write(head[..^1].TrimEnd() + ",\n  \"containment_plan\": " + planJson.TrimEnd('\n').Replace("\n", "\n  ", StringComparison.Ordinal) + "\n}\n");
            return ExitCodes.Success;
        }

        context.Stdout.WriteLine("aegis: containment plan " + plan.Id + ": " + result.Files.Plan);
        var order = 0;
        foreach (var step in plan.Steps)
        {
            order++;
            context.Stdout.WriteLine("  " + order.ToString(CultureInfo.InvariantCulture) + ". " + step.Phase + " " + step.Kind + (step.Artifact is null ? "" : " " + step.Artifact) + ": " + step.Blocks);
        }

        foreach (var none in plan.Incidents.Where(i => i.Route is null))
        {
            context.Stdout.WriteLine("  " + none.Incident.Rule + " " + ConfigText.OneLine(none.Incident.File) + ":" + none.Incident.Line.ToString(CultureInfo.InvariantCulture) + ": " + none.Note);
        }

        foreach (var view in result.Files.CardViews)
        {
            context.Stdout.WriteLine("  linked from " + view);
        }

        return ExitCodes.Success;
    }
}
