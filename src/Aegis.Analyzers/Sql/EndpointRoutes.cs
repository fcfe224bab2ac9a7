using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Sql;

/// <summary>
/// Recognises controller actions and minimal-API handler lambdas and computes their route, e.g. <c>GET /api/orders/{id}</c>.
/// Self-contained on purpose: AEG001 reports the route of the endpoint that reaches a sink.
/// </summary>
internal sealed class EndpointRoutes
{
    private const string MvcNamespace = "Microsoft.AspNetCore.Mvc";

    /// <summary>Route attributes of MVC and the verb each stands for (null: the route attribute, no verb).</summary>
    private static readonly IReadOnlyList<(string Attribute, string? Verb)> RouteAttributes = new (string, string?)[]
    {
        ("HttpGetAttribute", "GET"),
        ("HttpPostAttribute", "POST"),
        ("HttpPutAttribute", "PUT"),
        ("HttpDeleteAttribute", "DELETE"),
        ("HttpPatchAttribute", "PATCH"),
        ("HttpHeadAttribute", "HEAD"),
        ("HttpOptionsAttribute", "OPTIONS"),
        ("RouteAttribute", null),
    };

    /// <summary>Minimal-API map methods and their verb.</summary>
    private static readonly IReadOnlyList<(string Method, string Verb)> MapMethods = new[]
    {
        ("MapGet", "GET"),
        ("MapPost", "POST"),
        ("MapPut", "PUT"),
        ("MapDelete", "DELETE"),
        ("MapPatch", "PATCH"),
        ("Map", "ANY"),
        ("MapMethods", "ANY"),
    };

    private readonly INamedTypeSymbol? controllerBase;
    private readonly INamedTypeSymbol? apiControllerAttribute;
    private readonly INamedTypeSymbol? nonActionAttribute;

    public EndpointRoutes(KnownTypes types)
    {
        controllerBase = types.Get("Microsoft.AspNetCore.Mvc.ControllerBase");
        apiControllerAttribute = types.Get("Microsoft.AspNetCore.Mvc.ApiControllerAttribute");
        nonActionAttribute = types.Get("Microsoft.AspNetCore.Mvc.NonActionAttribute");
    }

    public bool IsControllerAction(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.DeclaredAccessibility != Accessibility.Public
            || method.ContainingType is not { IsAbstract: false } type)
        {
            return false;
        }

        if (method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, nonActionAttribute)))
        {
            return false;
        }

        return type.InheritsFromOrEquals(controllerBase)
            || type.GetAttributes().Any(a => a.AttributeClass.InheritsFromOrEquals(apiControllerAttribute))
            || (type.Name.EndsWith("Controller", StringComparison.Ordinal) && HasRouteAttribute(method));
    }

    /// <summary>The route of an action: class <c>[Route]</c> (tokens replaced) combined with the action's template.</summary>
    public string? ForAction(IMethodSymbol method)
    {
        string? verb = null;
        string? actionTemplate = null;
        foreach (var attribute in method.GetAttributes())
        {
            if (RouteAttribute(attribute) is not { } entry)
            {
                continue;
            }

            verb ??= entry.Verb;
            actionTemplate ??= FirstString(attribute);
        }

        var classTemplate = method.ContainingType.GetAttributes()
            .Where(a => RouteAttribute(a) is { Verb: null })
            .Select(FirstString)
            .FirstOrDefault(t => t is not null);
        if (verb is null && actionTemplate is null && classTemplate is null)
        {
            return null;
        }

        string path;
        if (actionTemplate is not null && (actionTemplate.StartsWith("/", StringComparison.Ordinal) || actionTemplate.StartsWith("~/", StringComparison.Ordinal)))
        {
            path = actionTemplate.TrimStart('~');
        }
        else
        {
            path = Combine(classTemplate, actionTemplate);
        }

        var controller = method.ContainingType.Name;
        if (controller.EndsWith("Controller", StringComparison.Ordinal) && controller.Length > "Controller".Length)
        {
            controller = controller.Substring(0, controller.Length - "Controller".Length);
        }

        path = ReplaceToken(ReplaceToken(path, "[controller]", controller), "[action]", method.Name);
        return (verb ?? "ANY") + " " + path;
    }

    /// <summary>The map call that a lambda is the handler of, or null when it is not an endpoint handler.</summary>
    public static IInvocationOperation? MapCallOf(IAnonymousFunctionOperation lambda)
    {
        IOperation? current = lambda.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        if (current is IArgumentOperation { Parent: IInvocationOperation invocation }
            && Verb(invocation.TargetMethod.Name) is not null
            && invocation.TargetMethod.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Builder")
        {
            return invocation;
        }

        return null;
    }

    /// <summary>The route of a minimal-API handler, including the prefixes of <c>MapGroup</c> calls it hangs off.</summary>
    public static string? ForMapCall(IInvocationOperation map)
    {
        var verb = Verb(map.TargetMethod.Name);
        var pattern = PatternOf(map);
        if (verb is null || pattern is null)
        {
            return null;
        }

        var prefix = GroupPrefix(ReceiverOf(map), depth: 0);
        return verb + " " + Combine(prefix, pattern);
    }

    private static string? GroupPrefix(IOperation? receiver, int depth)
    {
        receiver = Unwrap(receiver);
        if (depth > 8)
        {
            return null;
        }

        if (receiver is ILocalReferenceOperation local)
        {
            var declarator = local.Local.DeclaringSyntaxReferences.FirstOrDefault();
            var root = Root(local);
            var initializer = root.Descendants().OfType<IVariableDeclaratorOperation>()
                .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))?.GetVariableInitializer()?.Value;
            return declarator is null ? null : GroupPrefix(initializer, depth + 1);
        }

        if (receiver is IInvocationOperation { TargetMethod.Name: "MapGroup" } group)
        {
            return Combine(GroupPrefix(ReceiverOf(group), depth + 1), PatternOf(group));
        }

        return null;
    }

    private static IOperation? ReceiverOf(IInvocationOperation invocation)
        => invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

    private static string? PatternOf(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == "pattern" || argument.Parameter?.Name == "prefix")
            {
                return argument.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
            }
        }

        return null;
    }

    private static string? Verb(string method)
    {
        foreach (var (name, verb) in MapMethods)
        {
            if (name == method)
            {
                return verb;
            }
        }

        return null;
    }

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static string Combine(string? prefix, string? template)
    {
        var left = (prefix ?? string.Empty).Trim('/');
        var right = (template ?? string.Empty).Trim('/');
        return "/" + (left.Length == 0 ? right : right.Length == 0 ? left : left + "/" + right);
    }

    private static string ReplaceToken(string path, string token, string value)
    {
        var index = path.IndexOf(token, StringComparison.OrdinalIgnoreCase);
        return index < 0 ? path : path.Substring(0, index) + value + path.Substring(index + token.Length);
    }

    private static (string Attribute, string? Verb)? RouteAttribute(AttributeData attribute)
    {
        if (attribute.AttributeClass is not { } type || type.ContainingNamespace?.ToDisplayString() != MvcNamespace)
        {
            return null;
        }

        foreach (var entry in RouteAttributes)
        {
            if (entry.Attribute == type.Name)
            {
                return entry;
            }
        }

        return null;
    }

    private static bool HasRouteAttribute(IMethodSymbol method) => method.GetAttributes().Any(a => RouteAttribute(a) is not null);

    private static string? FirstString(AttributeData attribute)
        => attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string text ? text : null;
}
