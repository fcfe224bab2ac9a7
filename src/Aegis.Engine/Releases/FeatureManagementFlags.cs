using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>
/// Feature flags in Microsoft.FeatureManagement's configuration schema (<c>feature_management.feature_flags</c>,
/// read by <c>AddFeatureManagement()</c> from any configuration source, e.g. <c>AddJsonFile</c>): an enabled flag
/// carries the built-in <c>Microsoft.Percentage</c> client filter at its weight; a disabled one is off for everyone.
/// </summary>
public static class FeatureManagementFlags
{
    public const string PercentageFilter = "Microsoft.Percentage";

    public static string Render(string name, bool enabled, int percentage)
        => Render(new[] { new FeatureFlagSetting(name, enabled, percentage) });

    public static string Render(IEnumerable<FeatureFlagSetting> flags)
    {
        var json = new JsonText().BeginObject().Name("feature_management").BeginObject().Name("feature_flags").BeginArray();
        foreach (var flag in flags)
        {
            flag.Validate();
            json.BeginObject().Property("id", flag.Name);
            if (flag.Description is not null)
            {
                json.Property("description", flag.Description);
            }

            json.Property("enabled", flag.Enabled);
            if (flag.Enabled)
            {
                // The filter is kept at 100 too, so the file always says the weight; the filter passes every evaluation then.
                json.Name("conditions").BeginObject()
                    .Name("client_filters").BeginArray()
                    .BeginObject().Property("name", PercentageFilter).Name("parameters").BeginObject().Property("Value", flag.Percentage).EndObject().EndObject()
                    .EndArray()
                    .EndObject();
            }

            json.EndObject();
        }

        return json.EndArray().EndObject().EndObject().ToString();
    }

    /// <summary>Replaces <paramref name="path"/> atomically (a reader sees the old file or the new one, never half).</summary>
    public static void Write(string path, string name, bool enabled, int percentage)
        => AtomicFile.WriteAllText(path, Render(name, enabled, percentage));

    public static void Write(string path, IEnumerable<FeatureFlagSetting> flags)
        => AtomicFile.WriteAllText(path, Render(flags));
}
