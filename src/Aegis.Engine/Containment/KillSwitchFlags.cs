using Aegis.Engine.Releases;

namespace Aegis.Engine.Containment;

/// <summary>
/// The kill-switch flags, one per contained endpoint, off: the endpoint is disabled until someone turns it back on,
/// and an app that does not find the flag treats it as off too (the safe default). Written by the release flow's own
/// writers, in its two formats: Microsoft.FeatureManagement's <c>feature_management</c> schema and OpenFeature flagd's
/// flag definitions (off for everyone).
/// </summary>
public static class KillSwitchFlags
{
    public static string WriteFeatureManagement(IReadOnlyList<ContainedEndpoint> endpoints)
        => FeatureManagementFlags.Render(Off(endpoints));

    public static string WriteFlagd(IReadOnlyList<ContainedEndpoint> endpoints)
        => FlagdFlags.Render(Off(endpoints));

    private static IEnumerable<FeatureFlagSetting> Off(IReadOnlyList<ContainedEndpoint> endpoints)
        => endpoints.Select(endpoint => new FeatureFlagSetting(endpoint.FlagName, Enabled: false, Percentage: 0) { Description = Description(endpoint) });

    private static string Description(ContainedEndpoint endpoint)
        => "Aegis kill switch for " + endpoint.Route.ToDisplay() + " (" + endpoint.IncidentList + "): off disables the endpoint; turn it on once the fix is live.";
}
