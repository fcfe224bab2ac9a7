using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Authorization;

/// <summary>
/// An MVC controller as AEG003 sees it: its class-level authorization, its actions and their routes. The profile
/// builder and the analyzer both use it, so what the convention counts and what the rule reports agree.
/// </summary>
internal sealed class ControllerModel
{
    private const string ControllerSuffix = "Controller";
    private const string AsyncSuffix = "Async";

    private ControllerModel(INamedTypeSymbol type, AttributeData? classAuthorize, bool classAnonymous, IReadOnlyList<ActionModel> actions, string routePrefix)
    {
        Type = type;
        ClassAuthorize = classAuthorize;
        ClassAnonymous = classAnonymous;
        Actions = actions;
        RoutePrefix = routePrefix;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The nearest authorization attribute on the class or a base class.</summary>
    public AttributeData? ClassAuthorize { get; }

    public bool ClassAnonymous { get; }

    public IReadOnlyList<ActionModel> Actions { get; }

    /// <summary>The controller's route, e.g. <c>/api/Reports</c> (conventional <c>/Reports</c> without <c>[Route]</c>).</summary>
    public string RoutePrefix { get; }

    /// <summary>Every action requires authorization or is explicitly public, and at least one requires it.</summary>
    public bool IsAuthorized
        => Actions.All(action => action.State != AuthorizationState.None) && Actions.Any(action => action.State == AuthorizationState.Authorized);

    /// <summary>Actions the convention counts (see <see cref="ActionModel.IsJudged"/>): explicit decisions and public-by-necessity actions are not votes.</summary>
    public int JudgedActions => Actions.Count(action => action.IsJudged);

    public int AuthorizedActions => Actions.Count(action => action.State == AuthorizationState.Authorized);

    /// <summary>Where this controller's own authorization sits: <c>class</c>, <c>action</c>, or null when it has none.</summary>
    public string? Level
        => ClassAuthorize is not null ? AuthorizationLevels.Class
            : Actions.Any(action => action.OwnAuthorize is not null) ? AuthorizationLevels.Action
            : null;

    /// <summary>
    /// The model of <paramref name="type"/>, made once per type: the profile and the rule both ask for every
    /// controller of a build. (The table holds nothing past the symbol's compilation.)
    /// </summary>
    public static ControllerModel? TryCreate(INamedTypeSymbol type, AuthorizationTypes types, CancellationToken cancellationToken)
    {
        if (Models.TryGetValue(type, out var made))
        {
            return made.Model;
        }

        var model = Create(type, types, cancellationToken);
        return Models.GetValue(type, _ => new Made(model)).Model;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, Made> Models = new();

    private static ControllerModel? Create(INamedTypeSymbol type, AuthorizationTypes types, CancellationToken cancellationToken)
    {
        if (!IsController(type, types))
        {
            return null;
        }

        AttributeData? classAuthorize = null;
        AttributeData? area = null;
        AttributeData? route = null;
        var classAnonymous = false;
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (types.IsAllowAnonymous(attribute))
                {
                    classAnonymous = true;
                }
                else if (classAuthorize is null && types.IsAuthorizeData(attribute))
                {
                    classAuthorize = attribute;
                }
                else if (route is null && attribute.AttributeClass.InheritsFromOrEquals(types.RouteAttribute))
                {
                    route = attribute;
                }
                else if (area is null && attribute.AttributeClass.InheritsFromOrEquals(types.AreaAttribute))
                {
                    area = attribute;
                }
            }
        }

        var controllerName = type.Name.EndsWith(ControllerSuffix, StringComparison.Ordinal) && type.Name.Length > ControllerSuffix.Length
            ? type.Name.Substring(0, type.Name.Length - ControllerSuffix.Length)
            : type.Name;
        var classTemplate = FirstString(route);
        var areaName = FirstString(area);

        var actions = new List<ActionModel>();
        var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var current = type; current is not null && IsUserCode(current, types); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IMethodSymbol method || !IsAction(method, types) || overridden.Contains(method))
                {
                    continue;
                }

                for (var over = method.OverriddenMethod; over is not null; over = over.OverriddenMethod)
                {
                    overridden.Add(over);
                }

                actions.Add(ActionModel.Create(method, inherited: !SymbolEqualityComparer.Default.Equals(current, type), classAuthorize, classAnonymous, types, controllerName, classTemplate, areaName));
            }
        }

        if (actions.Count == 0)
        {
            return null;
        }

        var prefix = ReplaceTokens(classTemplate is null ? "/" + controllerName : EndpointTables.CombineMvcRoute(string.Empty, classTemplate), controllerName, null, areaName);
        return new ControllerModel(type, classAuthorize, classAnonymous, actions, prefix);
    }

    /// <summary>Types deriving from ControllerBase or marked [ApiController]/[Controller]; public, top-level, concrete, not generic, not [NonController].</summary>
    public static bool IsController(INamedTypeSymbol type, AuthorizationTypes types)
    {
        if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic || type.IsGenericType
            || type.DeclaredAccessibility != Accessibility.Public || type.ContainingType is not null)
        {
            return false;
        }

        var marked = type.InheritsFromOrEquals(types.ControllerBase);
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass.InheritsFromOrEquals(types.NonControllerAttribute))
                {
                    return false;
                }

                marked |= attribute.AttributeClass.InheritsFromOrEquals(types.ControllerAttribute)
                    || attribute.AttributeClass.InheritsFromOrEquals(types.ApiControllerAttribute);
            }
        }

        return marked;
    }

    /// <summary>The attribute's first constructor argument when it is a string (<c>[Route("api/x")]</c>, <c>[HttpGet("{id}")]</c>).</summary>
    public static string? FirstString(AttributeData? attribute)
        => attribute is { ConstructorArguments: { Length: > 0 } arguments } && arguments[0].Kind == TypedConstantKind.Primitive
            ? arguments[0].Value as string
            : null;

    public static string ReplaceTokens(string route, string controllerName, string? actionName, string? areaName)
    {
        route = ReplaceToken(route, "[controller]", controllerName);
        if (actionName is not null)
        {
            route = ReplaceToken(route, "[action]", actionName);
        }

        return areaName is null ? route : ReplaceToken(route, "[area]", areaName);
    }

    private static string ReplaceToken(string route, string token, string value)
    {
        var index = route.IndexOf(token, StringComparison.OrdinalIgnoreCase);
        while (index >= 0)
        {
            route = route.Substring(0, index) + value + route.Substring(index + token.Length);
            index = route.IndexOf(token, index + value.Length, StringComparison.OrdinalIgnoreCase);
        }

        return route;
    }

    // Actions inherited from framework bases (Controller.Json, View…) are not endpoints.
    private static bool IsUserCode(INamedTypeSymbol type, AuthorizationTypes types)
        => SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, types.Compilation.Assembly);

    private static bool IsAction(IMethodSymbol method, AuthorizationTypes types)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.IsAbstract || method.IsGenericMethod
            || method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }

        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass.InheritsFromOrEquals(types.NonActionAttribute))
            {
                return false;
            }
        }

        return true;
    }

    internal static string ActionName(IMethodSymbol method, AuthorizationTypes types)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass.InheritsFromOrEquals(types.ActionNameAttribute) && FirstString(attribute) is { } name)
            {
                return name;
            }
        }

        // MVC drops the Async suffix from action names by default (MvcOptions.SuppressAsyncSuffixInActionNames).
        return method.Name.EndsWith(AsyncSuffix, StringComparison.Ordinal) && method.Name.Length > AsyncSuffix.Length
            ? method.Name.Substring(0, method.Name.Length - AsyncSuffix.Length)
            : method.Name;
    }

    private sealed class Made
    {
        public Made(ControllerModel? model) => Model = model;

        public ControllerModel? Model { get; }
    }
}

/// <summary>One action of a controller.</summary>
internal sealed class ActionModel
{
    private ActionModel(IMethodSymbol method, bool inherited, AttributeData? ownAuthorize, AuthorizationState state, string? verb, string route, string? publicByNecessity)
    {
        Method = method;
        Inherited = inherited;
        OwnAuthorize = ownAuthorize;
        State = state;
        Verb = verb;
        Route = route;
        PublicByNecessity = publicByNecessity;
    }

    public IMethodSymbol Method { get; }

    /// <summary>Declared in a (user-code) base class rather than the controller itself.</summary>
    public bool Inherited { get; }

    /// <summary>The first authorization attribute on the action itself.</summary>
    public AttributeData? OwnAuthorize { get; }

    /// <summary>The action's effective state: explicit <c>[AllowAnonymous]</c> (on it or its class) wins, as in MVC.</summary>
    public AuthorizationState State { get; }

    /// <summary>The HTTP method from <c>[HttpGet]</c>/…, null when the action accepts any.</summary>
    public string? Verb { get; }

    /// <summary>The path, e.g. <c>/api/Reports/{id}</c>.</summary>
    public string Route { get; }

    public string Display => EndpointTables.Display(Verb, Route);

    /// <summary>What the action is public for by its nature (<c>login</c>, <c>token refresh</c>…), or null; see <see cref="PublicEndpoints"/>.</summary>
    public string? PublicByNecessity { get; }

    /// <summary>Counted in the convention's population: requires authorization, or has none and is not public by necessity.</summary>
    public bool IsJudged => State == AuthorizationState.Authorized || (State == AuthorizationState.None && PublicByNecessity is null);

    public static ActionModel Create(
        IMethodSymbol method,
        bool inherited,
        AttributeData? classAuthorize,
        bool classAnonymous,
        AuthorizationTypes types,
        string controllerName,
        string? classTemplate,
        string? areaName)
    {
        AttributeData? ownAuthorize = null;
        var anonymous = classAnonymous;
        string? verb = null;
        string? httpTemplate = null;
        string? routeTemplate = null;
        foreach (var attribute in method.GetAttributes())
        {
            if (types.IsAllowAnonymous(attribute))
            {
                anonymous = true;
            }
            else if (types.IsAuthorizeData(attribute))
            {
                ownAuthorize ??= attribute;
            }
            else if (attribute.AttributeClass.InheritsFromOrEquals(types.HttpMethodAttribute))
            {
                if (verb is null && attribute.AttributeClass is { } attributeClass)
                {
                    EndpointTables.HttpMethodAttributes.TryGetValue(attributeClass.ToDisplayString(), out verb);
                }

                httpTemplate ??= ControllerModel.FirstString(attribute);
            }
            else if (routeTemplate is null && attribute.AttributeClass.InheritsFromOrEquals(types.RouteAttribute))
            {
                routeTemplate = ControllerModel.FirstString(attribute);
            }
        }

        var actionName = ControllerModel.ActionName(method, types);
        var actionTemplate = httpTemplate ?? routeTemplate;
        var path = classTemplate is null && actionTemplate is null
            ? "/" + controllerName + "/" + actionName
            : EndpointTables.CombineMvcRoute(classTemplate ?? string.Empty, actionTemplate);
        var state = anonymous ? AuthorizationState.Anonymous
            : ownAuthorize is not null || classAuthorize is not null ? AuthorizationState.Authorized
            : AuthorizationState.None;
        var route = ControllerModel.ReplaceTokens(path, controllerName, actionName, areaName);
        var segments = PublicEndpoints.LiteralSegments(route);
        var necessity = PublicEndpoints.NecessityOf(
            new[] { actionName, segments.LastOrDefault() },
            segments.Take(Math.Max(0, segments.Count - 1)).Prepend(controllerName));
        return new ActionModel(method, inherited, ownAuthorize, state, verb, route, necessity);
    }
}

/// <summary>Values of the profile's <c>dominant_level</c> and the <c>authorize_level</c> property.</summary>
internal static class AuthorizationLevels
{
    public const string Class = "class";
    public const string Action = "action";
}
