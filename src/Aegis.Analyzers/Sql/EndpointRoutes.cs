using System.Collections.Concurrent;
using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Sql;

/// <summary>
/// The endpoint a piece of code belongs to — a controller action or a minimal-API handler — and its route, e.g.
/// <c>GET /api/Orders/{id}</c>. It asks the same controller and minimal-API models AEG003 judges, so a Risk Card's
/// SQL and authorization incidents name an endpoint the same way.
/// </summary>
internal sealed class EndpointRoutes
{
    private readonly AuthorizationTypes? types;
    private readonly ConcurrentDictionary<INamedTypeSymbol, ControllerModel?> controllers = new(SymbolEqualityComparer.Default);

    public EndpointRoutes(KnownTypes known) => types = AuthorizationTypes.For(known);

    /// <summary>True when <paramref name="method"/> is an action of a controller (its parameters are request data).</summary>
    public bool IsControllerAction(IMethodSymbol method) => ActionOf(method) is not null;

    /// <summary>The route of an action: class <c>[Route]</c> (tokens replaced) combined with the action's template.</summary>
    public string? ForAction(IMethodSymbol method) => ActionOf(method)?.Display;

    /// <summary>The map call that a lambda is the handler of, or null when it is not an endpoint handler.</summary>
    public IInvocationOperation? MapCallOf(IAnonymousFunctionOperation lambda)
    {
        var current = lambda.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return types is not null
            && current is IArgumentOperation { Parent: IInvocationOperation invocation }
            && MinimalEndpointModel.IsEndpointMethod(invocation.TargetMethod, types)
                ? invocation
                : null;
    }

    /// <summary>The route of a minimal-API endpoint, including the prefixes of the <c>MapGroup</c> calls it hangs off.</summary>
    public string? ForMapCall(IInvocationOperation map)
        => types is null ? null : MinimalEndpointModel.TryCreate(map, types, CancellationToken.None)?.Display;

    private ActionModel? ActionOf(IMethodSymbol method)
    {
        if (types is null || method.MethodKind != MethodKind.Ordinary || method.ContainingType is not { } type)
        {
            return null;
        }

        var controller = controllers.GetOrAdd(type, t => ControllerModel.TryCreate(t, types, CancellationToken.None));
        return controller?.Actions.FirstOrDefault(action => SymbolEqualityComparer.Default.Equals(action.Method, method));
    }
}
