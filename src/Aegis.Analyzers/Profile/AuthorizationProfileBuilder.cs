using Aegis.Analyzers.Infrastructure;

namespace Aegis.Analyzers.Profile;

internal static class AuthorizationProfileBuilder
{
    // Placeholder in the skeleton commit; the rule that owns this section implements it.
    public static AuthorizationProfile Build(KnownTypes types, CancellationToken cancellationToken) => AuthorizationProfile.Empty;
}
