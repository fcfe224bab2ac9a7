using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>How this repository reads configuration and secrets.</summary>
public sealed class ConfigurationProfile
{
    public static readonly ConfigurationProfile Empty = new("environment", 0, 0, 0);

    public ConfigurationProfile(string style, int configurationUsages, int optionsUsages, int environmentUsages)
    {
        Style = style;
        ConfigurationUsages = configurationUsages;
        OptionsUsages = optionsUsages;
        EnvironmentUsages = environmentUsages;
    }

    /// <summary>The dominant style: <c>configuration</c>, <c>options</c> or <c>environment</c> (also when nothing is read yet).</summary>
    public string Style { get; }

    /// <summary>Reads through <c>IConfiguration</c> (indexers, GetValue, GetSection, GetConnectionString).</summary>
    public int ConfigurationUsages { get; }

    /// <summary>Reads through <c>IOptions&lt;T&gt;</c>/<c>IOptionsSnapshot</c>/<c>IOptionsMonitor</c>.</summary>
    public int OptionsUsages { get; }

    /// <summary>Reads through <c>Environment.GetEnvironmentVariable</c>.</summary>
    public int EnvironmentUsages { get; }

    internal object ToJson() => new[]
    {
        Field("style", Style),
        Field("configuration_usages", ConfigurationUsages),
        Field("options_usages", OptionsUsages),
        Field("environment_usages", EnvironmentUsages),
    };

    internal static ConfigurationProfile FromJson(Dictionary<string, object?> json) => new(
        String(json, "style") ?? "environment",
        Int(json, "configuration_usages"),
        Int(json, "options_usages"),
        Int(json, "environment_usages"));
}
