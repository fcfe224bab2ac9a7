using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Containment;

/// <summary>
/// The kill-switch flags, one per contained endpoint, off: the endpoint is disabled until someone turns it back on,
/// and an app that does not find the flag treats it as off too (the safe default). Two formats: Microsoft
/// .FeatureManagement's <c>feature_management</c> schema and OpenFeature flagd's flag definitions.
/// (The release flow writes the same two formats; this small writer stays in one file so one writer can replace it.)
/// </summary>
public static class KillSwitchFlags
{
    public const string FlagdSchema = "https://flagd.dev/schema/v0/flags.json";

    public static string WriteFeatureManagement(IReadOnlyList<ContainedEndpoint> endpoints)
    {
        var json = new JsonText().BeginObject().Name("feature_management").BeginObject().Name("feature_flags").BeginArray();
        foreach (var endpoint in endpoints)
        {
            json.BeginObject()
                .Property("id", endpoint.FlagName)
                .Property("description", Description(endpoint))
                .Property("enabled", false)
                .EndObject();
        }

        return json.EndArray().EndObject().EndObject().ToString();
    }

    public static string WriteFlagd(IReadOnlyList<ContainedEndpoint> endpoints)
    {
        var json = new JsonText().BeginObject().Property("$schema", FlagdSchema).Name("flags").BeginObject();
        foreach (var endpoint in endpoints)
        {
            json.Name(endpoint.FlagName).BeginObject()
                .Property("state", "ENABLED")
                .Name("variants").BeginObject().Property("on", true).Property("off", false).EndObject()
                .Property("defaultVariant", "off")
                .EndObject();
        }

        return json.EndObject().EndObject().ToString();
    }

    private static string Description(ContainedEndpoint endpoint)
        => "Aegis kill switch for " + endpoint.Route.ToDisplay() + " (" + endpoint.IncidentList + "): off disables the endpoint; turn it on once the fix is live.";
}
