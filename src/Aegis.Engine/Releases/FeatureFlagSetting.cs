namespace Aegis.Engine.Releases;

/// <summary>
/// One boolean feature flag as the flag writers render it: on for <paramref name="Percentage"/> % of evaluations
/// when <paramref name="Enabled"/>, off for everyone when not (the safe default).
/// </summary>
public sealed record FeatureFlagSetting(string Name, bool Enabled, int Percentage)
{
    /// <summary>What the flag is for, written where the format has a place for it (FeatureManagement's <c>description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>Whether anyone gets the feature: enabled with a weight above zero.</summary>
    public bool ServesAnyone => Enabled && Percentage > 0;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("A flag needs a name.", nameof(Name));
        }

        if (Percentage is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Percentage), Percentage, "A flag's percentage is 0 to 100.");
        }
    }
}
