using System.Runtime.CompilerServices;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Authorization;

/// <summary>
/// A minimal-API endpoint (<c>MapGet</c>/<c>MapPost</c>/… call): its route with group prefixes, and whether the
/// endpoint, its handler or one of its groups requires authorization or allows anonymous access.
/// </summary>
internal sealed class MinimalEndpointModel
{
    private MinimalEndpointModel(
        IInvocationOperation invocation,
        string? verb,
        string path,
        AuthorizationState state,
        string? requireAuthorizationArguments,
        string? groupHelper,
        string? publicByNecessity,
        bool servesNoData)
    {
        Invocation = invocation;
        Verb = verb;
        Path = path;
        State = state;
        RequireAuthorizationArguments = requireAuthorizationArguments;
        GroupHelper = groupHelper;
        PublicByNecessity = publicByNecessity;
        ServesNoData = servesNoData;
    }

    public IInvocationOperation Invocation { get; }

    /// <summary>The HTTP method(s), comma-separated, or null when the endpoint accepts any.</summary>
    public string? Verb { get; }

    public string Path { get; }

    public string Display => EndpointTables.Display(Verb, Path);

    public AuthorizationState State { get; }

    /// <summary>The arguments of the nearest <c>.RequireAuthorization(...)</c> that protects the endpoint, as source text.</summary>
    public string? RequireAuthorizationArguments { get; }

    /// <summary>
    /// The documentation ID of the method that creates the endpoint's group and returns it to its callers, which add
    /// the conventions (<c>app.MapOrders().RequireAuthorization()</c>); null when the group stays in the method.
    /// </summary>
    public string? GroupHelper { get; }

    /// <summary>What the endpoint is public for by its nature (<c>login</c>, <c>token refresh</c>…), or null.</summary>
    public string? PublicByNecessity { get; }

    /// <summary>A root or API-docs path whose handler only redirects: nothing there needs authorization.</summary>
    public bool ServesNoData { get; }

    /// <summary>Counted in the convention's population: requires authorization, or has none and is not public by nature.</summary>
    public bool IsJudged => State == AuthorizationState.Authorized
        || (State == AuthorizationState.None && PublicByNecessity is null && !ServesNoData && GroupHelper is null);

    /// <summary>The method name of the call (<c>MapGet</c>), where AEG003 reports.</summary>
    public Location NameLocation => Invocation.Syntax is InvocationExpressionSyntax invocation
        ? invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.GetLocation(),
            SimpleNameSyntax name => name.GetLocation(),
            _ => invocation.GetLocation(),
        }
        : Invocation.Syntax.GetLocation();

    public static bool IsEndpointMethod(IMethodSymbol method, AuthorizationTypes types)
        => EndpointTables.MinimalEndpointMethods.ContainsKey(method.Name)
            && AuthorizationTypes.Is(method.ContainingType, types.EndpointRouteBuilderExtensions);

    public static MinimalEndpointModel? TryCreate(IInvocationOperation invocation, AuthorizationTypes types, CancellationToken cancellationToken)
    {
        if (!IsEndpointMethod(invocation.TargetMethod, types))
        {
            return null;
        }

        var walker = new ConventionWalker(types, invocation.SemanticModel, cancellationToken);
        var redirects = false;
        string? handlerName = null;
        foreach (var argument in invocation.Arguments)
        {
            if (HandlerOf(argument.Value) is { } handler)
            {
                walker.AddAttributes(handler.GetAttributes());
                redirects |= OnlyRedirects(handler, cancellationToken);
                handlerName = handler.MethodKind == MethodKind.AnonymousFunction ? null : handler.Name;
            }
        }

        walker.WalkUp(invocation);
        walker.WalkDown(ConventionWalker.ReceiverOf(invocation));

        EndpointTables.MinimalEndpointMethods.TryGetValue(invocation.TargetMethod.Name, out var verb);
        if (invocation.TargetMethod.Name == "MapMethods")
        {
            verb = MethodsOf(invocation);
        }

        var (path, necessity, servesNoData) = Route(walker.Prefix, ConventionWalker.StringArgument(invocation, "pattern"), handlerName, redirects);
        return new MinimalEndpointModel(invocation, verb, path, walker.State, walker.RequireAuthorizationArguments, walker.GroupHelper, necessity, servesNoData);
    }

    /// <summary>The endpoint's full route, what it is public for by its nature, and whether it serves no data.</summary>
    internal static (string Path, string? Necessity, bool ServesNoData) Route(string prefix, string? pattern, string? handlerName, bool redirects)
    {
        var path = EndpointTables.JoinRoute(prefix, pattern);
        var segments = PublicEndpoints.LiteralSegments(path);
        var necessity = PublicEndpoints.NecessityOf(
            new[] { segments.LastOrDefault(), handlerName },
            segments.Take(Math.Max(0, segments.Count - 1)));
        var servesNoData = redirects && (path == "/" || PublicEndpoints.IsDocumentation(path));
        return (path, necessity, servesNoData);
    }

    /// <summary>A handler whose body is one redirect: <c>() => Results.Redirect("/swagger")</c>.</summary>
    private static bool OnlyRedirects(IMethodSymbol handler, CancellationToken cancellationToken)
        => handler.MethodKind == MethodKind.AnonymousFunction
            && handler.DeclaringSyntaxReferences.Length == 1
            && OnlyRedirects(handler.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken));

    /// <summary>The same question asked of the lambda's syntax.</summary>
    internal static bool OnlyRedirects(SyntaxNode function)
    {
        var body = function switch
        {
            AnonymousFunctionExpressionSyntax { ExpressionBody: { } expression } => expression,
            AnonymousFunctionExpressionSyntax { Block.Statements: { Count: 1 } statements } => statements[0] switch
            {
                ReturnStatementSyntax { Expression: { } returned } => returned,
                ExpressionStatementSyntax { Expression: var expression } => expression,
                _ => null,
            },
            _ => null,
        };
        var name = body is InvocationExpressionSyntax { Expression: var callee }
            ? callee switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            }
            : null;
        return name is not null && PublicEndpoints.RedirectMethods.Contains(name);
    }

    private static IMethodSymbol? HandlerOf(IOperation value)
    {
        while (true)
        {
            switch (value)
            {
                case IConversionOperation conversion:
                    value = conversion.Operand;
                    break;
                case IDelegateCreationOperation creation:
                    value = creation.Target;
                    break;
                case IParenthesizedOperation parenthesized:
                    value = parenthesized.Operand;
                    break;
                case IAnonymousFunctionOperation function:
                    return function.Symbol;
                case IMethodReferenceOperation reference:
                    return reference.Method;
                default:
                    return null;
            }
        }
    }

    private static string? MethodsOf(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name != "httpMethods")
            {
                continue;
            }

            var value = ConventionWalker.Unwrap(argument.Value);
            if (value is IArrayCreationOperation { Initializer: { } initializer })
            {
                var methods = initializer.ElementValues.Select(element => element.ConstantValue.HasValue ? element.ConstantValue.Value as string : null).ToArray();
                return methods.Length > 0 && methods.All(method => method is not null)
                    ? string.Join(",", methods.Select(method => method!.ToUpperInvariant()))
                    : null;
            }
        }

        return null;
    }
}

/// <summary>
/// Follows the endpoint-convention calls around an endpoint or group: chained calls above it
/// (<c>MapGet(...).RequireAuthorization()</c>), the receiver chain below it (<c>MapGroup(...).RequireAuthorization().MapGet(...)</c>),
/// group variables and their initializers, and statements on those variables (<c>group.RequireAuthorization();</c>).
/// </summary>
internal sealed class ConventionWalker
{
    private const int MaxSteps = 64;
    private const string UnknownSegment = "{?}";

    private readonly AuthorizationTypes types;
    private readonly SemanticModel? model;
    private readonly CancellationToken cancellationToken;
    private readonly HashSet<ILocalSymbol> visitedLocals = new(SymbolEqualityComparer.Default);
    private readonly ConventionTally tally = new();
    private int steps;

    public ConventionWalker(AuthorizationTypes types, SemanticModel? model, CancellationToken cancellationToken)
    {
        this.types = types;
        this.model = model;
        this.cancellationToken = cancellationToken;
    }

    public AuthorizationState State => tally.State;

    public string? RequireAuthorizationArguments => tally.RequireAuthorizationArguments;

    /// <inheritdoc cref="ConventionTally.GroupHelper"/>
    public string? GroupHelper => tally.GroupHelper;

    /// <inheritdoc cref="ConventionTally.Prefix"/>
    public string Prefix => tally.Prefix;

    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The builder a call is made on: the <c>this</c> argument of an extension method, or the instance.</summary>
    public static IOperation? ReceiverOf(IInvocationOperation invocation)
    {
        if (invocation.Instance is { } instance)
        {
            return instance;
        }

        if (invocation.TargetMethod.IsExtensionMethod)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return argument.Value;
                }
            }
        }

        return null;
    }

    public static string? StringArgument(IInvocationOperation invocation, string parameterName)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == parameterName)
            {
                var value = Unwrap(argument.Value);
                return value.ConstantValue.HasValue && value.ConstantValue.Value is string text ? text : UnknownSegment;
            }
        }

        return null;
    }

    public void AddAttributes(IEnumerable<AttributeData> attributes) => tally.AddAttributes(types, attributes);

    /// <summary>Calls chained on the endpoint, and statements on the variable it is stored in.</summary>
    public void WalkUp(IOperation operation)
    {
        while (steps++ < MaxSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parent = operation.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                operation = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IArgumentOperation { Parent: IInvocationOperation call } when ReferenceEquals(ReceiverOf(call), operation):
                    Apply(call);
                    operation = call;
                    continue;
                case IInvocationOperation call when ReferenceEquals(call.Instance, operation):
                    Apply(call);
                    operation = call;
                    continue;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    ApplyStatementsOn(declarator.Symbol);
                    return;
                default:
                    return;
            }
        }
    }

    /// <summary>The receiver chain: conventions and prefixes of the groups the endpoint is mapped on.</summary>
    public void WalkDown(IOperation? receiver)
    {
        while (receiver is not null && steps++ < MaxSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            receiver = Unwrap(receiver);
            switch (receiver)
            {
                case IInvocationOperation call when call.TargetMethod.Name == EndpointTables.MapGroup:
                    tally.AddOuterPrefix(StringArgument(call, "prefix") ?? UnknownSegment);
                    receiver = ReceiverOf(call);
                    break;
                case IInvocationOperation call when IsFluent(call):
                    Apply(call);
                    receiver = ReceiverOf(call);
                    break;
                case ILocalReferenceOperation local:
                    if (!visitedLocals.Add(local.Local))
                    {
                        return;
                    }

                    ApplyStatementsOn(local.Local);
                    if (tally.GroupHelper is null && local.Local.Type.InheritsFromOrEquals(types.RouteGroupBuilder))
                    {
                        tally.GroupHelper = MethodReturning(local.Local);
                    }

                    receiver = InitializerOf(local.Local);
                    if (receiver is null)
                    {
                        MarkUnknownIfGroup(local.Type);
                    }

                    break;
                default:
                    // A group we cannot see into (a parameter, field or helper's result) may carry conventions.
                    MarkUnknownIfGroup(receiver.Type);
                    return;
            }
        }
    }

    private void MarkUnknownIfGroup(ITypeSymbol? type)
    {
        if (type.InheritsFromOrEquals(types.RouteGroupBuilder))
        {
            tally.MarkUnknown();
        }
    }

    // Convention extensions return the builder they are given (TBuilder Foo<TBuilder>(this TBuilder builder, ...)).
    private static bool IsFluent(IInvocationOperation call)
        => (call.TargetMethod.IsExtensionMethod
                && call.TargetMethod.Parameters.Length > 0
                && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ReturnType, call.TargetMethod.Parameters[0].Type))
            || (call.Instance is { Type: { } instanceType } && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ReturnType, instanceType));

    private void Apply(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        if (!EndpointTables.ConventionMethods.TryGetValue(method.Name, out var state)
            || (types.AuthorizationConventionExtensions is not null && !AuthorizationTypes.Is(method.ContainingType, types.AuthorizationConventionExtensions)))
        {
            return;
        }

        tally.Apply(state, call.Syntax as InvocationExpressionSyntax);
    }

    private IOperation? InitializerOf(ILocalSymbol local)
    {
        if (model is null || local.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var syntax = local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        return syntax is VariableDeclaratorSyntax { Initializer.Value: { } value } && value.SyntaxTree == model.SyntaxTree
            ? model.GetOperation(value, cancellationToken)
            : null;
    }

    /// <summary>
    /// The documentation ID of the method (not a lambda or local function: callers must be able to name it) that
    /// returns the variable, as helpers that build a group for their caller to protect do; null otherwise.
    /// </summary>
    private string? MethodReturning(ILocalSymbol local)
    {
        if (model is null || local.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var declaration = local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        var body = declaration.Ancestors().FirstOrDefault(node => node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
        if (body is not MethodDeclarationSyntax method || method.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        return SyntaxIndex.NamesReturnedBy(method).Contains(local.Name) ? model.GetDeclaredSymbol(method, cancellationToken)?.GetDocumentationCommentId() : null;
    }

    /// <summary><c>group.RequireAuthorization();</c> and <c>group.AllowAnonymous();</c> anywhere in the variable's scope.</summary>
    private void ApplyStatementsOn(ILocalSymbol local)
    {
        if (model is null || local.DeclaringSyntaxReferences.Length != 1)
        {
            return;
        }

        var declaration = local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        var scope = declaration.Ancestors().FirstOrDefault(node => node is BlockSyntax or CompilationUnitSyntax or SwitchSectionSyntax);
        if (scope is null || scope.SyntaxTree != model.SyntaxTree)
        {
            return;
        }

        if (!SyntaxIndex.ConventionCallsIn(scope).TryGetValue(local.Name, out var calls))
        {
            return;
        }

        foreach (var node in calls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (model.GetOperation(node, cancellationToken) is IInvocationOperation call
                && ReceiverOf(call) is { } receiver
                && Unwrap(receiver) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                Apply(call);
            }
        }
    }
}

/// <summary>
/// What <see cref="ConventionWalker"/> looks for in a scope or method, found in one pass per syntax node and kept while
/// the node lives. Every endpoint on a group variable asks the same question of the same block; scanning the block
/// per endpoint made a file of N endpoints cost N times its size.
/// </summary>
internal static class SyntaxIndex
{
    private static readonly ConditionalWeakTable<SyntaxNode, Dictionary<string, List<InvocationExpressionSyntax>>> ConventionCalls = new();
    private static readonly ConditionalWeakTable<SyntaxNode, HashSet<string>> ReturnedNames = new();

    /// <summary><c>name.RequireAuthorization(…)</c> / <c>name.AllowAnonymous()</c> calls in <paramref name="scope"/>, by the name, in document order.</summary>
    public static Dictionary<string, List<InvocationExpressionSyntax>> ConventionCallsIn(SyntaxNode scope)
        => ConventionCalls.GetValue(scope, static node =>
        {
            var calls = new Dictionary<string, List<InvocationExpressionSyntax>>(StringComparer.Ordinal);
            foreach (var descendant in node.DescendantNodes())
            {
                if (descendant is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax target, Name: var name } } invocation
                    && EndpointTables.ConventionMethods.ContainsKey(name.Identifier.ValueText))
                {
                    if (!calls.TryGetValue(target.Identifier.ValueText, out var list))
                    {
                        calls[target.Identifier.ValueText] = list = new List<InvocationExpressionSyntax>();
                    }

                    list.Add(invocation);
                }
            }

            return calls;
        });

    /// <summary>Names the method returns as a bare identifier (<c>return group;</c>), outside its lambdas and local functions.</summary>
    public static HashSet<string> NamesReturnedBy(MethodDeclarationSyntax method)
        => ReturnedNames.GetValue(method, static node =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var statement in node.DescendantNodes(child => child is not (LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)).OfType<ReturnStatementSyntax>())
            {
                if (statement.Expression is IdentifierNameSyntax name)
                {
                    names.Add(name.Identifier.ValueText);
                }
            }

            return names;
        });
}
