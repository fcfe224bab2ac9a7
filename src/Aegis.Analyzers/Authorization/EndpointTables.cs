namespace Aegis.Analyzers.Authorization;

/// <summary>What AEG003 knows about ASP.NET Core endpoints, as data.</summary>
internal static class EndpointTables
{
    /// <summary>Minimal-API endpoint methods of <c>EndpointRouteBuilderExtensions</c> and the HTTP method each maps (null: any or given by argument).</summary>
    public static readonly IReadOnlyDictionary<string, string?> MinimalEndpointMethods = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["MapGet"] = "GET",
        ["MapPost"] = "POST",
        ["MapPut"] = "PUT",
        ["MapDelete"] = "DELETE",
        ["MapPatch"] = "PATCH",
        ["MapMethods"] = null,
        ["Map"] = null,
    };

    /// <summary>
    /// Assemblies an endpoint AEG003 can see needs: MVC controllers (<c>ControllerBase</c>, <c>[Controller]</c>) live in
    /// Mvc.Core, minimal-API mappings (<c>EndpointRouteBuilderExtensions</c>) in Routing. A compilation that references
    /// neither (a plain library, a policy library on Microsoft.AspNetCore.Authorization alone) has nothing to judge.
    /// The Web SDK's framework reference brings both, so its libraries are analysed as before.
    /// </summary>
    public static readonly IReadOnlyList<string> EndpointAssemblies = new[] { "Microsoft.AspNetCore.Mvc.Core", "Microsoft.AspNetCore.Routing" };

    /// <summary>Methods that map every controller at once; <c>.RequireAuthorization()</c> on them protects all controllers.</summary>
    public static readonly IReadOnlyList<string> ControllerMappingMethods = new[] { "MapControllers", "MapControllerRoute", "MapDefaultControllerRoute", "MapAreaControllerRoute" };

    /// <summary>The group method whose prefix and conventions its endpoints inherit.</summary>
    public const string MapGroup = "MapGroup";

    /// <summary>Endpoint-convention methods that decide authorization.</summary>
    public static readonly IReadOnlyDictionary<string, AuthorizationState> ConventionMethods = new Dictionary<string, AuthorizationState>(StringComparer.Ordinal)
    {
        ["RequireAuthorization"] = AuthorizationState.Authorized,
        ["AllowAnonymous"] = AuthorizationState.Anonymous,
    };

    /// <summary>MVC HTTP-method attributes and the method each maps.</summary>
    public static readonly IReadOnlyDictionary<string, string> HttpMethodAttributes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Microsoft.AspNetCore.Mvc.HttpGetAttribute"] = "GET",
        ["Microsoft.AspNetCore.Mvc.HttpPostAttribute"] = "POST",
        ["Microsoft.AspNetCore.Mvc.HttpPutAttribute"] = "PUT",
        ["Microsoft.AspNetCore.Mvc.HttpDeleteAttribute"] = "DELETE",
        ["Microsoft.AspNetCore.Mvc.HttpPatchAttribute"] = "PATCH",
        ["Microsoft.AspNetCore.Mvc.HttpHeadAttribute"] = "HEAD",
        ["Microsoft.AspNetCore.Mvc.HttpOptionsAttribute"] = "OPTIONS",
    };

    /// <summary>HTTP methods that change state: an anonymous endpoint accepting them is a HIGH incident.</summary>
    public static readonly IReadOnlyList<string> MutatingMethods = new[] { "POST", "PUT", "DELETE", "PATCH" };

    /// <summary>Named arguments of <c>[Authorize]</c> that the profile records.</summary>
    public const string PolicyArgument = "Policy";

    public const string RolesArgument = "Roles";

    /// <summary>True when an endpoint accepting <paramref name="verb"/> (null: any method) can change state.</summary>
    public static bool IsMutating(string? verb)
    {
        if (verb is null)
        {
            return true;
        }

        foreach (var part in verb.Split(','))
        {
            if (MutatingMethods.Contains(part.Trim().ToUpperInvariant()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Joins MVC route templates: an action template starting with <c>/</c> or <c>~/</c> ignores the controller's.</summary>
    public static string CombineMvcRoute(string prefix, string? template)
        => template is not null && (template.StartsWith("/", StringComparison.Ordinal) || template.StartsWith("~/", StringComparison.Ordinal))
            ? Normalize(template.TrimStart('~'))
            : JoinRoute(prefix, template);

    /// <summary>Joins a group prefix and a pattern as minimal APIs do: one slash between parts, a leading slash, no trailing one.</summary>
    public static string JoinRoute(string prefix, string? template)
        => Normalize(prefix.TrimEnd('/') + "/" + (template ?? string.Empty).TrimStart('/'));

    /// <summary><c>GET /api/reports</c>, or just the path when the endpoint accepts any method.</summary>
    public static string Display(string? verb, string path) => verb is null ? path : verb + " " + path;

    private static string Normalize(string route)
    {
        var trimmed = route.Trim('/');
        return "/" + trimmed;
    }
}

/// <summary>What an endpoint says about authorization.</summary>
internal enum AuthorizationState
{
    /// <summary>Nothing: anonymous by default.</summary>
    None,

    /// <summary>Requires authorization (attribute or convention).</summary>
    Authorized,

    /// <summary>Explicitly public (<c>[AllowAnonymous]</c>, <c>.AllowAnonymous()</c>): never a finding.</summary>
    Anonymous,

    /// <summary>Cannot be decided locally (e.g. endpoints mapped on a group passed in as a parameter): neither counted nor reported.</summary>
    Unknown,
}
