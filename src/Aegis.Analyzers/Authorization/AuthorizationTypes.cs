using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Authorization;

/// <summary>The ASP.NET Core types AEG003 and the authorization profile need, resolved once per compilation.</summary>
internal sealed class AuthorizationTypes
{
    private AuthorizationTypes(KnownTypes types, INamedTypeSymbol authorizeData)
    {
        Compilation = types.Compilation;
        AuthorizeData = authorizeData;
        AllowAnonymous = types.Get("Microsoft.AspNetCore.Authorization.IAllowAnonymous");
        ControllerBase = types.Get("Microsoft.AspNetCore.Mvc.ControllerBase");
        ApiControllerAttribute = types.Get("Microsoft.AspNetCore.Mvc.ApiControllerAttribute");
        ControllerAttribute = types.Get("Microsoft.AspNetCore.Mvc.ControllerAttribute");
        NonControllerAttribute = types.Get("Microsoft.AspNetCore.Mvc.NonControllerAttribute");
        NonActionAttribute = types.Get("Microsoft.AspNetCore.Mvc.NonActionAttribute");
        RouteAttribute = types.Get("Microsoft.AspNetCore.Mvc.RouteAttribute");
        HttpMethodAttribute = types.Get("Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute");
        ActionNameAttribute = types.Get("Microsoft.AspNetCore.Mvc.ActionNameAttribute");
        AreaAttribute = types.Get("Microsoft.AspNetCore.Mvc.AreaAttribute");
        EndpointRouteBuilder = types.Get("Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");
        EndpointRouteBuilderExtensions = types.Get("Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions");
        ControllerEndpointRouteBuilderExtensions = types.Get("Microsoft.AspNetCore.Builder.ControllerEndpointRouteBuilderExtensions");
        AuthorizationConventionExtensions = types.Get("Microsoft.AspNetCore.Builder.AuthorizationEndpointConventionBuilderExtensions");
        RouteGroupBuilder = types.Get("Microsoft.AspNetCore.Routing.RouteGroupBuilder");
        AuthorizationOptions = types.Get("Microsoft.AspNetCore.Authorization.AuthorizationOptions");
        AuthorizationBuilder = types.Get("Microsoft.AspNetCore.Authorization.AuthorizationBuilder");
        AuthorizeFilter = types.Get("Microsoft.AspNetCore.Mvc.Authorization.AuthorizeFilter");
        FilterCollection = types.Get("Microsoft.AspNetCore.Mvc.Filters.FilterCollection");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol AuthorizeData { get; }

    public INamedTypeSymbol? AllowAnonymous { get; }

    public INamedTypeSymbol? ControllerBase { get; }

    public INamedTypeSymbol? ApiControllerAttribute { get; }

    public INamedTypeSymbol? ControllerAttribute { get; }

    public INamedTypeSymbol? NonControllerAttribute { get; }

    public INamedTypeSymbol? NonActionAttribute { get; }

    public INamedTypeSymbol? RouteAttribute { get; }

    public INamedTypeSymbol? HttpMethodAttribute { get; }

    public INamedTypeSymbol? ActionNameAttribute { get; }

    public INamedTypeSymbol? AreaAttribute { get; }

    public INamedTypeSymbol? EndpointRouteBuilder { get; }

    public INamedTypeSymbol? EndpointRouteBuilderExtensions { get; }

    public INamedTypeSymbol? ControllerEndpointRouteBuilderExtensions { get; }

    public INamedTypeSymbol? AuthorizationConventionExtensions { get; }

    public INamedTypeSymbol? RouteGroupBuilder { get; }

    public INamedTypeSymbol? AuthorizationOptions { get; }

    public INamedTypeSymbol? AuthorizationBuilder { get; }

    public INamedTypeSymbol? AuthorizeFilter { get; }

    public INamedTypeSymbol? FilterCollection { get; }

    /// <summary>Null when the compilation does not reference ASP.NET Core authorization: then nothing is analysed.</summary>
    public static AuthorizationTypes? For(KnownTypes types)
        => types.Get("Microsoft.AspNetCore.Authorization.IAuthorizeData") is { } authorizeData
            ? new AuthorizationTypes(types, authorizeData)
            : null;

    /// <summary>
    /// False when the compilation references none of <see cref="EndpointTables.EndpointAssemblies"/>: then it declares
    /// no controller and maps no endpoint, and AEG003 stops before looking up a single type. Reading the reference
    /// names costs nothing; each type lookup searches every referenced assembly.
    /// </summary>
    public static bool CanHaveEndpoints(Compilation compilation)
    {
        foreach (var assembly in compilation.ReferencedAssemblyNames)
        {
            foreach (var name in EndpointTables.EndpointAssemblies)
            {
                if (string.Equals(assembly.Name, name, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public bool IsAuthorizeData(AttributeData attribute) => attribute.AttributeClass.IsOrImplements(AuthorizeData);

    public bool IsAllowAnonymous(AttributeData attribute) => attribute.AttributeClass.IsOrImplements(AllowAnonymous);

    public static bool Is(ISymbol? symbol, INamedTypeSymbol? type)
        => type is not null && SymbolEqualityComparer.Default.Equals(symbol?.OriginalDefinition, type);
}
