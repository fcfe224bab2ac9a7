using System.Text.RegularExpressions;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Containment;

/// <summary>What <c>aegis contain</c> was given, before any file is read.</summary>
public sealed record ContainmentArguments(string RepositoryRoot, string? CardPath, string? EventPath, string? Output, string? Upstream, IReadOnlyList<string> CredentialHeaders);

/// <summary>The result: the plan and where its files are.</summary>
public sealed record ContainmentResult(ContainmentPlan Plan, ContainmentFiles Files, string? CardPath);

/// <summary><c>aegis contain</c>: resolves the card (default: the newest in <c>.aegis/history/</c>), reads the event,
/// plans, writes under <c>.aegis/containment/&lt;id&gt;/</c> (or the output folder) and links the plan from the card.</summary>
public static partial class ContainmentRun
{
    /// <param name="advisory">An advisory already read (the event intake's <c>advisory</c> events); otherwise
    /// <see cref="ContainmentArguments.EventPath"/>'s.</param>
    public static ContainmentResult Run(ContainmentArguments arguments, AdvisoryEvent? advisory = null)
    {
        var upstream = arguments.Upstream ?? NginxLocations.DefaultUpstream;
        if (!UpstreamName().IsMatch(upstream))
        {
            throw new AegisException(ErrorCodes.BadContainmentOption, "--upstream must be an nginx upstream name ([A-Za-z0-9_.-], not starting with '.' or '-'): '" + ConfigText.OneLine(upstream) + "'");
        }

        var headers = arguments.CredentialHeaders.Count == 0 ? new[] { "Authorization" } : arguments.CredentialHeaders.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (headers.FirstOrDefault(h => !HeaderName().IsMatch(h)) is { } badHeader)
        {
            throw new AegisException(ErrorCodes.BadContainmentOption, "--credential-header must be an HTTP header name ([A-Za-z0-9_-]): '" + ConfigText.OneLine(badHeader) + "'");
        }

        var cardPath = arguments.CardPath;
        if (cardPath is null && arguments.EventPath is null && advisory is null)
        {
            cardPath = RiskHistory.List(arguments.RepositoryRoot).LastOrDefault()
                ?? throw new AegisException(ErrorCodes.NothingToContain, "nothing to contain: no --card or --event, and no card in " + RiskHistory.DirectoryFor(arguments.RepositoryRoot));
        }

        var card = cardPath is null ? null : ContainmentCard.Load(cardPath);
        advisory ??= arguments.EventPath is null ? null : AdvisoryEvent.Load(arguments.EventPath);
        var plan = ContainmentPlanner.Plan(new ContainmentRequest(arguments.RepositoryRoot, card, advisory, upstream, headers));
        var directory = Path.GetFullPath(arguments.Output ?? Path.Combine(ContainmentPlans.DirectoryFor(arguments.RepositoryRoot), plan.Id));
        var files = ContainmentWriter.Write(plan, directory, arguments.RepositoryRoot, cardPath, arguments.EventPath);
        return new ContainmentResult(plan, files, cardPath);
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex UpstreamName();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex HeaderName();
}
