namespace Aegis.Engine.RiskCards;

/// <summary>
/// How much of <c>.aegis/history/</c> is kept (<c>history</c> in <c>.aegis/policy.json</c>): at most
/// <see cref="MaxRecords"/> records, none older than <see cref="MaxAgeDays"/> days; 0 turns that bound off.
/// A record younger than <see cref="Grace"/> is never removed, whatever the bounds.
/// </summary>
public sealed record HistoryRetention(int MaxRecords, int MaxAgeDays)
{
    public const int DefaultMaxRecords = 500;

    public const int DefaultMaxAgeDays = 90;

    /// <summary>Bounded by default: a year of builds would otherwise pile up thousands of cards.</summary>
    public static readonly HistoryRetention Default = new(DefaultMaxRecords, DefaultMaxAgeDays);

    /// <summary>
    /// Parallel builds write and prune at once, and a card's timestamp is when its run started, not when its record
    /// was written: a record that appeared this recently may be another writer's, just created, and is left alone.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
}
