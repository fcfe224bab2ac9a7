using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Agents;

/// <summary>A proposed change judged and its card written: what <c>aegis propose</c>, the hook and the MCP server share.</summary>
public sealed record ProposalOutcome(RiskCard Card, RiskCardFiles Files);

public static class Proposals
{
    /// <summary>Where a proposal's card goes unless a front says otherwise: <c>.aegis/propose/</c>.</summary>
    public static string DefaultOutput(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "propose");

    /// <summary>The one engine path for a proposed change: policy, scan, sandbox, card; the card is written (and recorded in the history).</summary>
    /// <param name="actionContext">Entries added to the card's <c>action</c> (the event intake's <c>event</c> id and <c>source</c>).</param>
    public static async Task<ProposalOutcome> RunAsync(EngineOptions options, ProposedAction action, string outputDirectory, Func<string, string?> environment, CancellationToken cancellationToken, IReadOnlyList<KeyValuePair<string, object?>>? actionContext = null)
    {
        var card = await new AegisEngine(options).ProposeAsync(action, cancellationToken).ConfigureAwait(false);
        if (actionContext is not null)
        {
            card.Action.AddRange(actionContext);
        }

        RiskCardFiles files;
        using (Infrastructure.EngineTrace.Measure("card write"))
        {
            files = RiskCardOutput.Write(card, card.Masker, outputDirectory, options.RepositoryRoot, environment, options.Policy?.History ?? HistoryRetention.Default);
        }

        return new ProposalOutcome(card, files);
    }
}
