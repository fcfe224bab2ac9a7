using System.Globalization;
using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>How this repository expresses authorization.</summary>
public sealed class AuthorizationProfile
{
    public static readonly AuthorizationProfile Empty = new(0, 0, 0, 0, null, null, null, null, null, false, false);

    public AuthorizationProfile(
        int controllersTotal,
        int controllersAuthorized,
        int minimalEndpointsTotal,
        int minimalEndpointsAuthorized,
        string? dominantAttribute,
        string? dominantLevel,
        string? dominantPolicy,
        string? dominantRoles,
        string? requireAuthorizationArguments,
        bool hasFallbackPolicy,
        bool hasGlobalAuthorizeFilter,
        int? controllerActionsTotal = null,
        int? controllerActionsAuthorized = null)
    {
        ControllersTotal = controllersTotal;
        ControllersAuthorized = controllersAuthorized;
        MinimalEndpointsTotal = minimalEndpointsTotal;
        MinimalEndpointsAuthorized = minimalEndpointsAuthorized;
        DominantAttribute = dominantAttribute;
        DominantLevel = dominantLevel;
        DominantPolicy = dominantPolicy;
        DominantRoles = dominantRoles;
        RequireAuthorizationArguments = requireAuthorizationArguments;
        HasFallbackPolicy = hasFallbackPolicy;
        HasGlobalAuthorizeFilter = hasGlobalAuthorizeFilter;

        // A profile file written before actions were counted: its controllers are the best population there is.
        ControllerActionsTotal = controllerActionsTotal ?? controllersTotal;
        ControllerActionsAuthorized = controllerActionsAuthorized ?? controllersAuthorized;
    }

    /// <summary>Controllers (types deriving from ControllerBase or marked [ApiController]/[Controller]).</summary>
    public int ControllersTotal { get; }

    /// <summary>Controllers whose every action requires authorization (class, base class or every action).</summary>
    public int ControllersAuthorized { get; }

    /// <summary>
    /// The controllers' population, counted per action: actions that require authorization plus actions with none.
    /// Explicitly public actions (<c>[AllowAnonymous]</c>, a decision) and public-by-necessity ones (login…) are not in it.
    /// </summary>
    public int ControllerActionsTotal { get; }

    /// <summary>Controller actions that require authorization (on the action, its class or a base class).</summary>
    public int ControllerActionsAuthorized { get; }

    /// <summary>
    /// Methods that create a group, map endpoints on it and return it, by documentation ID, with what their callers
    /// add to it (<c>app.MapOrders().RequireAuthorization()</c>). Computed only, never written to the profile file.
    /// </summary>
    internal IReadOnlyDictionary<string, Authorization.AuthorizationState> GroupHelpers { get; private set; } = new Dictionary<string, Authorization.AuthorizationState>();

    internal AuthorizationProfile WithGroupHelpers(IReadOnlyDictionary<string, Authorization.AuthorizationState> helpers)
    {
        GroupHelpers = helpers;
        return this;
    }

    /// <summary>Minimal-API endpoints (MapGet/MapPost/… calls).</summary>
    public int MinimalEndpointsTotal { get; }

    /// <summary>Minimal-API endpoints that require authorization (on the endpoint, its group, or the handler).</summary>
    public int MinimalEndpointsAuthorized { get; }

    /// <summary>The most common authorization attribute as source text, e.g. <c>[Authorize(Policy = "Staff")]</c>.</summary>
    public string? DominantAttribute { get; }

    /// <summary><c>class</c> or <c>action</c>: where the convention puts the attribute.</summary>
    public string? DominantLevel { get; }

    public string? DominantPolicy { get; }

    /// <summary>Roles as written in the attribute, e.g. <c>Admin,Staff</c>.</summary>
    public string? DominantRoles { get; }

    /// <summary>The arguments of the dominant <c>.RequireAuthorization(...)</c>, as source text (may be empty).</summary>
    public string? RequireAuthorizationArguments { get; }

    /// <summary>A fallback policy protects every endpoint without its own metadata.</summary>
    public bool HasFallbackPolicy { get; }

    /// <summary>A global MVC <c>AuthorizeFilter</c> protects controllers (not minimal APIs).</summary>
    public bool HasGlobalAuthorizeFilter { get; }

    /// <summary>The convention in words, e.g. "9 of 11 controller actions require policy 'Staff'".</summary>
    public string DescribeControllers()
        => string.Format(CultureInfo.InvariantCulture, "{0} of {1} controller actions {2}", ControllerActionsAuthorized, ControllerActionsTotal, DescribeRequirement());

    /// <summary>The convention in words, e.g. "4 of 5 minimal-API endpoints require policy 'Staff'".</summary>
    public string DescribeMinimalEndpoints()
        => string.Format(CultureInfo.InvariantCulture, "{0} of {1} minimal-API endpoints {2}", MinimalEndpointsAuthorized, MinimalEndpointsTotal, DescribeMinimalRequirement());

    /// <summary>The convention over controllers and minimal-API endpoints together, when one population alone is too small.</summary>
    public static string DescribeEndpoints(int authorized, int total)
        => string.Format(CultureInfo.InvariantCulture, "{0} of {1} endpoints (controller actions and minimal APIs) require authorization", authorized, total);

    private string DescribeRequirement()
        => DominantPolicy is not null ? "require policy '" + DominantPolicy + "'"
            : DominantRoles is not null ? "require role(s) '" + DominantRoles + "'"
            : "require authorization";

    // RequireAuthorization("Staff") names one policy; other argument shapes (policy objects, builders) have no short name.
    private string DescribeMinimalRequirement()
    {
        var arguments = RequireAuthorizationArguments;
        return arguments is not null && arguments.Length > 2 && arguments[0] == '"' && arguments[arguments.Length - 1] == '"'
                && arguments.IndexOf('"', 1) == arguments.Length - 1
            ? "require policy '" + arguments.Substring(1, arguments.Length - 2) + "'"
            : "require authorization";
    }

    internal object ToJson() => new[]
    {
        Field("controllers_total", ControllersTotal),
        Field("controllers_authorized", ControllersAuthorized),
        Field("controller_actions_total", ControllerActionsTotal),
        Field("controller_actions_authorized", ControllerActionsAuthorized),
        Field("minimal_endpoints_total", MinimalEndpointsTotal),
        Field("minimal_endpoints_authorized", MinimalEndpointsAuthorized),
        Field("dominant_attribute", DominantAttribute),
        Field("dominant_level", DominantLevel),
        Field("dominant_policy", DominantPolicy),
        Field("dominant_roles", DominantRoles),
        Field("require_authorization_arguments", RequireAuthorizationArguments),
        Field("fallback_policy", HasFallbackPolicy),
        Field("global_authorize_filter", HasGlobalAuthorizeFilter),
    };

    internal static AuthorizationProfile FromJson(Dictionary<string, object?> json) => new(
        Int(json, "controllers_total"),
        Int(json, "controllers_authorized"),
        Int(json, "minimal_endpoints_total"),
        Int(json, "minimal_endpoints_authorized"),
        String(json, "dominant_attribute"),
        String(json, "dominant_level"),
        String(json, "dominant_policy"),
        String(json, "dominant_roles"),
        String(json, "require_authorization_arguments"),
        Bool(json, "fallback_policy"),
        Bool(json, "global_authorize_filter"),
        json.ContainsKey("controller_actions_total") ? Int(json, "controller_actions_total") : (int?)null,
        json.ContainsKey("controller_actions_authorized") ? Int(json, "controller_actions_authorized") : (int?)null);
}
