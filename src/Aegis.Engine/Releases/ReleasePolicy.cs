using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>
/// The <c>releases</c> section of <c>.aegis/policy.json</c>: the weight of each rollout stage and where each
/// release's exports are written. Weights must rise from stage to stage, within 0–100; a bad value is AEGB005.
/// </summary>
public sealed class ReleasePolicy
{
    public const string SectionName = "releases";

    public const string FeatureManagementExport = "feature_management";
    public const string FlagdExport = "flagd";
    public const string GateExport = "gate";

    public static readonly IReadOnlyDictionary<string, int> DefaultWeights = new Dictionary<string, int>
    {
        [ReleaseStates.Canary] = 5,
        [ReleaseStates.Staged] = 25,
        [ReleaseStates.Broad] = 50,
        [ReleaseStates.Full] = 100,
    };

    /// <summary>Repository-relative (or absolute) paths; <c>{id}</c> and <c>{name}</c> stand for the release's.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultExports = new Dictionary<string, string>
    {
        [FeatureManagementExport] = ".aegis/releases/{id}/feature-management.json",
        [FlagdExport] = ".aegis/releases/{id}/flagd.json",
        [GateExport] = ".aegis/releases/{id}/gate.json",
    };

    public static ReleasePolicy Default { get; } = new();

    public IReadOnlyDictionary<string, int> StageWeights { get; init; } = DefaultWeights;

    public IReadOnlyDictionary<string, string> Exports { get; init; } = DefaultExports;

    /// <summary>The share of traffic at <paramref name="state"/>: its stage weight, 0 before the first stage and once closed.</summary>
    public int WeightOf(string state) => StageWeights.TryGetValue(state, out var weight) ? weight : 0;

    public string ExportPath(string repositoryRoot, string export, string id, string name)
    {
        var pattern = Exports[export].Replace("{id}", id, StringComparison.Ordinal).Replace("{name}", name, StringComparison.Ordinal);
        return Path.GetFullPath(Path.Combine(repositoryRoot, pattern));
    }

    /// <summary>Reads the section from the policy's root object; <paramref name="path"/> names the file in errors.</summary>
    public static ReleasePolicy Parse(JsonElement policyRoot, string path)
    {
        if (!policyRoot.TryGetProperty(SectionName, out var section))
        {
            return Default;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(path, "'releases' must be an object");
        }

        var weights = new Dictionary<string, int>(DefaultWeights);
        if (section.TryGetProperty("stage_weights", out var stageWeights))
        {
            if (stageWeights.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(path, "'releases.stage_weights' must be an object of stage: percentage");
            }

            foreach (var property in stageWeights.EnumerateObject())
            {
                if (!ReleaseStates.Stages.Contains(property.Name))
                {
                    throw Corrupt(path, $"'releases.stage_weights' has an unknown stage '{property.Name}' (stages: {string.Join(", ", ReleaseStates.Stages)})");
                }

                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var weight) || weight < 0 || weight > 100)
                {
                    throw Corrupt(path, $"'releases.stage_weights.{property.Name}' must be a whole number from 0 to 100");
                }

                weights[property.Name] = weight;
            }

            for (var i = 1; i < ReleaseStates.Stages.Count; i++)
            {
                var (previous, current) = (ReleaseStates.Stages[i - 1], ReleaseStates.Stages[i]);
                if (weights[current] <= weights[previous])
                {
                    throw Corrupt(path, $"'releases.stage_weights' must increase from stage to stage: {previous} {weights[previous]} is not below {current} {weights[current]}");
                }
            }
        }

        var exports = new Dictionary<string, string>(DefaultExports);
        if (section.TryGetProperty("exports", out var exportPaths))
        {
            if (exportPaths.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(path, "'releases.exports' must be an object of export: path");
            }

            foreach (var property in exportPaths.EnumerateObject())
            {
                if (!DefaultExports.ContainsKey(property.Name))
                {
                    throw Corrupt(path, $"'releases.exports' has an unknown export '{property.Name}' (exports: {string.Join(", ", DefaultExports.Keys)})");
                }

                if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(property.Value.GetString()))
                {
                    throw Corrupt(path, $"'releases.exports.{property.Name}' must be a path");
                }

                exports[property.Name] = property.Value.GetString()!;
            }
        }

        return new ReleasePolicy { StageWeights = weights, Exports = exports };
    }

    private static AegisException Corrupt(string path, string message)
        => new(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {message}; fix or delete it (it is not overwritten)");
}
