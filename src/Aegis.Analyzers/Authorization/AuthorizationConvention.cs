using Aegis.Analyzers.Profile;

namespace Aegis.Analyzers.Authorization;

/// <summary>
/// The convention an endpoint is judged by. Controller actions and minimal-API endpoints are judged against their own
/// population; when that population is smaller than the minimum, against all endpoints together (a project with
/// many protected controllers and two minimal-API endpoints still has a convention for those two). Populations are
/// counted per action and endpoint, so one drifted action does not hide its controller's protected ones.
/// </summary>
internal sealed class AuthorizationConvention
{
    private AuthorizationConvention(string description, double share)
    {
        Description = description;
        Share = share;
    }

    /// <summary>The convention in words, e.g. "9 of 11 controllers require policy 'Staff'".</summary>
    public string Description { get; }

    /// <summary>The share of the population that requires authorization: the finding's confidence.</summary>
    public double Share { get; }

    public static AuthorizationConvention? ForControllers(AuthorizationProfile profile, double threshold, int minimum)
        => profile.HasFallbackPolicy || profile.HasGlobalAuthorizeFilter
            ? null
            : Judge(profile, profile.ControllerActionsAuthorized, profile.ControllerActionsTotal, profile.DescribeControllers(), threshold, minimum);

    public static AuthorizationConvention? ForMinimalEndpoints(AuthorizationProfile profile, double threshold, int minimum)
        => profile.HasFallbackPolicy
            ? null
            : Judge(profile, profile.MinimalEndpointsAuthorized, profile.MinimalEndpointsTotal, profile.DescribeMinimalEndpoints(), threshold, minimum);

    private static AuthorizationConvention? Judge(AuthorizationProfile profile, int authorized, int total, string description, double threshold, int minimum)
    {
        if (total < minimum)
        {
            // A global AuthorizeFilter protects every controller: it is as much a convention as attributes are.
            var actionsAuthorized = profile.HasGlobalAuthorizeFilter ? profile.ControllerActionsTotal : profile.ControllerActionsAuthorized;
            authorized = actionsAuthorized + profile.MinimalEndpointsAuthorized;
            total = profile.ControllerActionsTotal + profile.MinimalEndpointsTotal;
            description = AuthorizationProfile.DescribeEndpoints(authorized, total);
        }

        if (total < minimum || total <= 0 || authorized <= 0)
        {
            return null;
        }

        var share = (double)authorized / total;
        return share >= threshold ? new AuthorizationConvention(description, share) : null;
    }
}
