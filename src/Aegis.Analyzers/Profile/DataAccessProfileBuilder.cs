using Aegis.Analyzers.Infrastructure;

namespace Aegis.Analyzers.Profile;

internal static class DataAccessProfileBuilder
{
    // Placeholder in the skeleton commit; the rule that owns this section implements it.
    public static DataAccessProfile Build(KnownTypes types, CancellationToken cancellationToken) => DataAccessProfile.Empty;
}
