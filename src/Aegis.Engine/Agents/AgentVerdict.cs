using System.Globalization;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Agents;

/// <summary>What an agent needs from a proposal's card, every string masked: the verdict, the risk, why, and where the card is.</summary>
public sealed record AgentVerdict(
    bool Allowed,
    int RiskScore,
    string RiskLevel,
    string Recommendation,
    string Explanation,
    IReadOnlyList<string> TopReasons,
    IReadOnlyList<string> FailedChecks,
    string CardJson,
    string CardHtml)
{
    /// <summary>How many scoring reasons an agent is shown (the card has them all).</summary>
    public const int ReasonCount = 5;

    /// <summary>A failed check's message is cut here: an agent's reason should stay readable.</summary>
    private const int CheckMessageLength = 300;

    public static AgentVerdict From(ProposalOutcome outcome)
    {
        var card = outcome.Card;
        var masker = card.Masker;
        return new AgentVerdict(
            card.Status == RiskStatus.Allow,
            card.RiskScore,
            card.RiskLevel,
            card.Recommendation,
            masker.Mask(card.Explanation),
            card.Reasons.Take(ReasonCount).Select(r => "+" + r.Points.ToString(CultureInfo.InvariantCulture) + " " + masker.Mask(r.Text)).ToList(),
            card.Checks.Where(c => !c.Passed).Select(c => c.Name + ": " + Shorten(masker.Mask(c.Message))).ToList(),
            outcome.Files.Json,
            outcome.Files.Html);
    }

    /// <summary>One paragraph for an agent's hook: what was decided about <paramref name="file"/> and why.</summary>
    public string Describe(string file)
    {
        var risk = "risk " + RiskScore.ToString(CultureInfo.InvariantCulture) + " " + RiskLevel;
        if (Allowed)
        {
            return "Aegis allowed this edit of " + file + " (" + risk + "). Card: " + CardHtml;
        }

        return "Aegis blocked this edit of " + file + " (" + risk + ", " + Recommendation + "): " + Explanation
            + " Failed checks: " + string.Join("; ", FailedChecks) + "." + " Card: " + CardHtml;
    }

    private static string Shorten(string text) => text.Length <= CheckMessageLength ? text : text[..(CheckMessageLength - 1)] + "…";
}
