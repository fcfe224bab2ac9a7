using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Knowledge;

/// <summary>
/// The <c>knowledge</c> section of <c>.aegis/policy.json</c>: how many decided repairs a pattern needs before it
/// moves confidence at all, how far it may move it, and the boosted confidence an incident needs for automatic repair
/// (<c>aegis fix</c>, <c>aegis watch --apply</c>). A bad value is AEGB005.
/// </summary>
public sealed class KnowledgePolicy
{
    public const string SectionName = "knowledge";

    public const int DefaultMinSamples = 5;
    public const double DefaultMaxBoost = 0.15;
    public const double DefaultAutoRepairThreshold = 0.7;

    public static KnowledgePolicy Default { get; } = new();

    /// <summary>Verified plus failed repairs a pattern needs before it boosts (fewer: boost 0).</summary>
    public int MinSamples { get; init; } = DefaultMinSamples;

    /// <summary>The boost stays within ±this.</summary>
    public double MaxBoost { get; init; } = DefaultMaxBoost;

    /// <summary>Raw confidence + boost an incident needs before <c>aegis fix</c> writes its verified patch.</summary>
    public double AutoRepairThreshold { get; init; } = DefaultAutoRepairThreshold;

    /// <summary>Reads the section from the policy's root object; <paramref name="path"/> names the file in errors.</summary>
    public static KnowledgePolicy Parse(JsonElement policyRoot, string path)
    {
        if (!policyRoot.TryGetProperty(SectionName, out var section))
        {
            return Default;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(path, "'knowledge' must be an object with 'min_samples', 'max_boost' and/or 'auto_repair_threshold'");
        }

        foreach (var property in section.EnumerateObject().Where(p => p.Name is not ("min_samples" or "max_boost" or "auto_repair_threshold")))
        {
            throw Corrupt(path, $"'knowledge.{property.Name}' is not a knob (min_samples, max_boost, auto_repair_threshold)");
        }

        var minSamples = DefaultMinSamples;
        if (section.TryGetProperty("min_samples", out var samples) && (samples.ValueKind != JsonValueKind.Number || !samples.TryGetInt32(out minSamples) || minSamples < 1))
        {
            throw Corrupt(path, "'knowledge.min_samples' must be a whole number, 1 or more");
        }

        return new KnowledgePolicy
        {
            MinSamples = minSamples,
            MaxBoost = Fraction(section, "max_boost", DefaultMaxBoost, 0.5, path),
            AutoRepairThreshold = Fraction(section, "auto_repair_threshold", DefaultAutoRepairThreshold, 1.0, path),
        };
    }

    private static double Fraction(JsonElement section, string name, double defaultValue, double max, string path)
    {
        if (!section.TryGetProperty(name, out var value))
        {
            return defaultValue;
        }

        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= 0 && number <= max
            ? number
            : throw Corrupt(path, $"'knowledge.{name}' must be a number from 0 to {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static AegisException Corrupt(string path, string message)
        => new(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {message}; fix or delete it (it is not overwritten)");
}
