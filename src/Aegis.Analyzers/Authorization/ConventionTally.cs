using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Authorization;

/// <summary>
/// What the conventions and attributes found around one endpoint add up to: the one tally behind the walker over
/// operations (<see cref="ConventionWalker"/>) and the profile's reading of the same shapes from syntax, so the two
/// cannot count differently.
/// </summary>
internal sealed class ConventionTally
{
    private readonly List<string> prefixes = new();
    private bool authorized;
    private bool anonymous;
    private bool unknown;

    public AuthorizationState State
        => anonymous ? AuthorizationState.Anonymous
            : authorized ? AuthorizationState.Authorized
            : unknown ? AuthorizationState.Unknown
            : AuthorizationState.None;

    /// <summary>The arguments of the first authorization-requiring convention, as written.</summary>
    public string? RequireAuthorizationArguments { get; private set; }

    /// <summary>The documentation ID of the method that returns the endpoint's group to callers that add its conventions.</summary>
    public string? GroupHelper { get; set; }

    /// <summary>The group prefixes, outermost first, joined.</summary>
    public string Prefix => prefixes.Aggregate(string.Empty, (route, prefix) => EndpointTables.JoinRoute(route, prefix));

    /// <summary>A group's prefix, found walking from the endpoint outwards: each one found is outside the last.</summary>
    public void AddOuterPrefix(string prefix) => prefixes.Insert(0, prefix);

    /// <summary>A group whose conventions cannot be seen (a parameter, a field, a helper's result) may carry some.</summary>
    public void MarkUnknown() => unknown = true;

    public void AddAttributes(AuthorizationTypes types, IEnumerable<AttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (types.IsAllowAnonymous(attribute))
            {
                anonymous = true;
            }
            else if (types.IsAuthorizeData(attribute))
            {
                authorized = true;
            }
        }
    }

    /// <summary>A convention call (<see cref="EndpointTables.ConventionMethods"/>) with the state it gives.</summary>
    public void Apply(AuthorizationState state, InvocationExpressionSyntax? call)
    {
        if (state == AuthorizationState.Anonymous)
        {
            anonymous = true;
            return;
        }

        authorized = true;
        if (RequireAuthorizationArguments is null && call is not null)
        {
            RequireAuthorizationArguments = string.Join(", ", call.ArgumentList.Arguments.Select(argument => argument.ToString()));
        }
    }
}
