namespace Aegis.Engine.RiskCards;

/// <summary><c>--fail-on never|blocked|LOW|MEDIUM|HIGH|CRITICAL</c>: whether a card fails the build.</summary>
public static class RiskGate
{
    /// <summary>What every verb prints after writing the card, before <see cref="CardLineText"/>; the MSBuild task looks for it.</summary>
    public const string CardLinePrefix = "aegis: card ";

    public static readonly string[] Values = { "never", "blocked", RiskLevels.Low, RiskLevels.Medium, RiskLevels.High, RiskLevels.Critical };

    public static bool IsValid(string value) => Values.Contains(value, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Null when the gate passes, else the reason it failed. The one place a card passes or fails a gate. With
    /// <paramref name="newOnly"/> and a baseline on the card, it judges the card's new-only verdict: the status and
    /// risk level the card has when only the incidents the baseline does not hold count (<see cref="CardBaseline"/>).
    /// </summary>
    public static string? Evaluate(RiskCard card, string failOn, bool newOnly = false)
    {
        if (failOn.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var baseline = newOnly ? card.Baseline : null;
        var (status, level) = baseline is null ? (card.Status, card.RiskLevel) : (baseline.NewOnlyStatus, baseline.NewOnlyRiskLevel);
        var scope = baseline is null ? "" : " counting only the " + baseline.New.ToString(System.Globalization.CultureInfo.InvariantCulture) + " incident(s) not in baseline " + baseline.Id;
        if (failOn.Equals("blocked", StringComparison.OrdinalIgnoreCase))
        {
            return status == RiskStatus.Blocked ? "status blocked" + scope : null;
        }

        var threshold = RiskLevels.Rank(failOn);
        return RiskLevels.Rank(level) >= threshold ? "risk level " + level + " >= " + failOn.ToUpperInvariant() + scope : null;
    }

    public static string ErrorLine(RiskCard card, string reason, string cardPath, SecretMasker masker, bool newOnly = false)
    {
        var reasons = newOnly && card.Baseline is { } baseline ? baseline.NewOnlyReasons : card.Reasons;
        var top = reasons.Take(3).Select(r => r.Text).ToList();
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
