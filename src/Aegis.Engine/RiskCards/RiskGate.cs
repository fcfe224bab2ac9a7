namespace Aegis.Engine.RiskCards;

/// <summary><c>--fail-on never|blocked|LOW|MEDIUM|HIGH|CRITICAL</c>: whether a card fails the build.</summary>
public static class RiskGate
{
    /// <summary>What every verb prints after writing the card, before <see cref="CardLineText"/>; the MSBuild task looks for it.</summary>
    public const string CardLinePrefix = "aegis: card ";

    public static readonly string[] Values = { "never", "blocked", RiskLevels.Low, RiskLevels.Medium, RiskLevels.High, RiskLevels.Critical };

    public static bool IsValid(string value) => Values.Contains(value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the gate passes, else the reason it failed.</summary>
    public static string? Evaluate(RiskCard card, string failOn)
    {
        if (failOn.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (failOn.Equals("blocked", StringComparison.OrdinalIgnoreCase))
        {
            return card.Status == RiskStatus.Blocked ? "status blocked" : null;
        }

        var threshold = RiskLevels.Rank(failOn);
        return RiskLevels.Rank(card.RiskLevel) >= threshold ? "risk level " + card.RiskLevel + " >= " + failOn.ToUpperInvariant() : null;
    }

    public static string ErrorLine(RiskCard card, string reason, string cardPath, SecretMasker masker)
    {
        var top = card.Reasons.Take(3).Select(r => r.Text).ToList();
        if (top.Count == 0)
        {
            top.Add(card.Explanation);
        }

        return masker.Mask("aegis: error AEGB004: Risk gate failed (" + reason + "): see " + cardPath + "; top reasons: " + string.Join("; ", top));
    }

    /// <summary>The line without its prefix: the HTML card a person opens, then the verdict on the code and on the
    /// patches. Also written to <c>risk-card.summary.txt</c>, which an up-to-date build logs again without the engine.</summary>
    public static string CardLineText(RiskCard card, string htmlPath, SecretMasker masker)
        => masker.Mask((htmlPath + ": " + CardVerdicts.For(card).Summary).Replace('\n', ' '));
}
