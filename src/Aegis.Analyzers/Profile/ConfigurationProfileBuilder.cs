using Aegis.Analyzers.Infrastructure;

namespace Aegis.Analyzers.Profile;

internal static class ConfigurationProfileBuilder
{
    // Placeholder in the skeleton commit; the rule that owns this section implements it.
    public static ConfigurationProfile Build(KnownTypes types, CancellationToken cancellationToken) => ConfigurationProfile.Empty;
}
