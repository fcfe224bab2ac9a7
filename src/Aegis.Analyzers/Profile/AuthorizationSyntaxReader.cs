using System.Runtime.CompilerServices;
using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// Reads the profile's minimal-API facts from syntax and declarations, without binding the mapping methods.
/// Binding a mapping call binds its handler lambdas and method groups against every <c>MapGet</c> overload: at 50k
/// generated lines that was nearly all of AEG003's time, charged to the rule because the profile asked before the
/// compiler's driver did. The common shapes (<c>app.MapGet("/x", Handler)</c>, <c>group.MapPost("/", (T t) => ...)</c>,
/// conventions chained on the call or on the group variable, group prefixes) say everything the profile counts; any
/// other shape, or a project that declares a method of one of these names itself, is <see cref="Outcome.Bind"/>:
/// the caller asks for its operation as before. What this reader answers equals what
/// <see cref="MinimalEndpointModel"/> makes of the operation (AEG003SyntaxProfileTests builds each profile both ways).
/// </summary>
internal sealed class AuthorizationSyntaxReader
{
    private const int MaxSteps = 32;
    private const string UnknownSegment = "{?}";

    /// <summary>Endpoint methods read from syntax; <c>Map</c> and <c>MapMethods</c> are always bound.</summary>
    private static readonly IReadOnlyList<string> ReadEndpointMethods = new[] { "MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch" };

    /// <summary>Names whose meaning the reader assumes to be ASP.NET Core's: a project that declares one binds everything.</summary>
    private static readonly IReadOnlyList<string> AssumedNames = ReadEndpointMethods
        .Concat(new[] { EndpointTables.MapGroup })
        .Concat(EndpointTables.ConventionMethods.Keys)
        .ToArray();

    private static readonly ConditionalWeakTable<Compilation, AuthorizationSyntaxReader> Readers = new();
    private static readonly ConditionalWeakTable<SyntaxNode, Dictionary<string, List<SyntaxToken>>> Declarations = new();

    private readonly Compilation compilation;
    private readonly AuthorizationTypes types;
    private readonly bool enabled;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> maybeGroupHelper = new(StringComparer.Ordinal);

    private AuthorizationSyntaxReader(Compilation compilation, AuthorizationTypes types, CancellationToken cancellationToken)
    {
        this.compilation = compilation;
        this.types = types;
        enabled = types.EndpointRouteBuilder is not null
            && types.RouteGroupBuilder is not null
            && !AssumedNames.Any(name => compilation.ContainsSymbolsWithName(name, SymbolFilter.Member, cancellationToken));
    }

    public enum Outcome
    {
        /// <summary>The call adds nothing to the profile (a <c>Map(reader)</c> of a repository, <c>MapGroup</c>, a helper returning no group).</summary>
        Skip,

        /// <summary>An endpoint, read.</summary>
        Endpoint,

        /// <summary>Not a shape this reader knows: bind it.</summary>
        Bind,
    }

    public static AuthorizationSyntaxReader For(Compilation compilation, AuthorizationTypes types, CancellationToken cancellationToken)
        => Readers.GetValue(compilation, c => new AuthorizationSyntaxReader(c, types, cancellationToken));

    /// <summary>What the profile makes of one candidate node; <paramref name="facts"/> is set for <see cref="Outcome.Endpoint"/>.</summary>
    public Outcome Read(SyntaxNode node, IReadOnlyList<SyntaxNode> nearby, out EndpointFacts facts, CancellationToken cancellationToken)
    {
        facts = default;
        return enabled ? Classify(node, nearby, out facts, cancellationToken) : Outcome.Bind;
    }

    private Outcome Classify(SyntaxNode node, IReadOnlyList<SyntaxNode> nearby, out EndpointFacts facts, CancellationToken cancellationToken)
    {
        facts = default;
        if (node is not InvocationExpressionSyntax invocation || NameOf(invocation.Expression) is not { } name)
        {
            return Outcome.Bind;
        }

        // Fallback policies, controller mappings and Map/MapMethods endpoints are rare: bound as before.
        if (name == "SetFallbackPolicy" || EndpointTables.ControllerMappingMethods.Contains(name) || MaybeGroupHelper(name, nearby, cancellationToken))
        {
            return Outcome.Bind;
        }

        if (ReadEndpointMethods.Contains(name))
        {
            return ReadEndpoint(invocation, name, out facts, cancellationToken) ? Outcome.Endpoint : Outcome.Bind;
        }

        // Every endpoint overload takes a pattern and a handler: a shorter call of that name is something else.
        return EndpointTables.MinimalEndpointMethods.ContainsKey(name) && invocation.ArgumentList.Arguments.Count >= 2
            ? Outcome.Bind
            : Outcome.Skip;
    }

    /// <summary>
    /// Whether a call of this name may be a helper of this project that returns a route group (which the profile
    /// counts through its callers): a member of that name that is not a method returning a group, or anything of that
    /// name declared in the tree (a local function, a delegate variable), cannot be ruled out without binding.
    /// </summary>
    private bool MaybeGroupHelper(string name, IReadOnlyList<SyntaxNode> nearby, CancellationToken cancellationToken)
    {
        foreach (var node in nearby)
        {
            if (DeclaredName(node) == name)
            {
                return true;
            }
        }

        return maybeGroupHelper.GetOrAdd(name, n => compilation.GetSymbolsWithName(n, SymbolFilter.Member, cancellationToken)
            .Any(symbol => symbol is not IMethodSymbol method || method.ReturnType.InheritsFromOrEquals(types.RouteGroupBuilder)));
    }

    private bool ReadEndpoint(InvocationExpressionSyntax invocation, string name, out EndpointFacts facts, CancellationToken cancellationToken)
    {
        facts = default;
        if (invocation.Expression is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax } access
            || invocation.ArgumentList.Arguments is not { Count: 2 } arguments
            || arguments.Any(argument => argument.NameColon is not null || !argument.RefKindKeyword.IsKind(SyntaxKind.None))
            || arguments[0].Expression is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } pattern
            || EnclosingMethod(invocation) is not { Body: { } } method)
        {
            return false;
        }

        var walk = new Walk(this, method, cancellationToken);

        // The handler: a lambda without attributes, or a method group naming one method of the enclosing type.
        string? handlerName = null;
        var redirects = false;
        switch (arguments[1].Expression)
        {
            case ParenthesizedLambdaExpressionSyntax { AttributeLists.Count: 0 } or SimpleLambdaExpressionSyntax { AttributeLists.Count: 0 }:
                redirects = MinimalEndpointModel.OnlyRedirects(arguments[1].Expression);
                break;
            case IdentifierNameSyntax group when Handler(method, group.Identifier.ValueText, cancellationToken) is { } handler:
                walk.AddAttributes(handler.GetAttributes());
                handlerName = handler.Name;
                break;
            default:
                return false;
        }

        if (!walk.Up(invocation) || !walk.Down(access.Expression, requireEndpointBuilder: true))
        {
            return false;
        }

        var (_, necessity, servesNoData) = MinimalEndpointModel.Route(walk.Prefix, pattern.Token.ValueText, handlerName, redirects);
        facts = new EndpointFacts(walk.State, necessity, servesNoData, walk.GroupHelper, walk.RequireAuthorizationArguments);
        return true;
    }

    /// <summary>The one method of the enclosing type a method group names (not generic, not shadowed by a local of that name).</summary>
    private IMethodSymbol? Handler(MethodDeclarationSyntax method, string name, CancellationToken cancellationToken)
    {
        if (DeclaredIn(method).ContainsKey(name)
            || method.Parent is not TypeDeclarationSyntax type
            || compilation.GetSemanticModel(type.SyntaxTree).GetDeclaredSymbol(type, cancellationToken) is not { } declared)
        {
            return null;
        }

        // Overloads, generic methods and same-named members of a base type leave the choice to overload resolution.
        var members = declared.GetMembers(name);
        for (var baseType = declared.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (!baseType.GetMembers(name).IsEmpty)
            {
                return null;
            }
        }

        return members.Length == 1 && members[0] is IMethodSymbol { IsGenericMethod: false, MethodKind: MethodKind.Ordinary } handler ? handler : null;
    }

    /// <summary>The method whose body holds the call directly (not inside a lambda or local function).</summary>
    private static MethodDeclarationSyntax? EnclosingMethod(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case MethodDeclarationSyntax method:
                    return method;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or TypeDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Every name declared in the method (parameters, locals, local functions, lambda parameters), with where.</summary>
    private static Dictionary<string, List<SyntaxToken>> DeclaredIn(MethodDeclarationSyntax method)
        => Declarations.GetValue(method, static node =>
        {
            var names = new Dictionary<string, List<SyntaxToken>>(StringComparer.Ordinal);
            foreach (var descendant in node.DescendantNodes())
            {
                var token = descendant switch
                {
                    ParameterSyntax parameter => parameter.Identifier,
                    VariableDeclaratorSyntax declarator => declarator.Identifier,
                    LocalFunctionStatementSyntax function => function.Identifier,
                    SingleVariableDesignationSyntax designation => designation.Identifier,
                    ForEachStatementSyntax loop => loop.Identifier,
                    CatchDeclarationSyntax caught => caught.Identifier,
                    _ => default,
                };
                if (!token.IsKind(SyntaxKind.None) && token.ValueText.Length > 0)
                {
                    if (!names.TryGetValue(token.ValueText, out var list))
                    {
                        names[token.ValueText] = list = new List<SyntaxToken>();
                    }

                    list.Add(token);
                }
            }

            return names;
        });

    private static string? DeclaredName(SyntaxNode node) => node switch
    {
        LocalFunctionStatementSyntax function => function.Identifier.ValueText,
        VariableDeclaratorSyntax declarator => declarator.Identifier.ValueText,
        ParameterSyntax parameter => parameter.Identifier.ValueText,
        SingleVariableDesignationSyntax designation => designation.Identifier.ValueText,
        ForEachStatementSyntax loop => loop.Identifier.ValueText,
        _ => null,
    };

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>
    /// <see cref="ConventionWalker"/> on syntax: the same steps in the same order (conventions chained above the
    /// call, then the receiver chain: a group variable's statements, then its initializer from the outside in).
    /// Returns false where the syntax does not say what binding would.
    /// </summary>
    private sealed class Walk
    {
        private readonly AuthorizationSyntaxReader reader;
        private readonly MethodDeclarationSyntax method;
        private readonly CancellationToken cancellationToken;
        private readonly HashSet<string> visitedLocals = new(StringComparer.Ordinal);
        private readonly ConventionTally tally = new();
        private int steps;

        public Walk(AuthorizationSyntaxReader reader, MethodDeclarationSyntax method, CancellationToken cancellationToken)
        {
            this.reader = reader;
            this.method = method;
            this.cancellationToken = cancellationToken;
        }

        public AuthorizationState State => tally.State;

        public string? RequireAuthorizationArguments => tally.RequireAuthorizationArguments;

        public string? GroupHelper => tally.GroupHelper;

        public string Prefix => tally.Prefix;

        public void AddAttributes(IEnumerable<AttributeData> attributes) => tally.AddAttributes(reader.types, attributes);

        /// <summary>Calls chained on the endpoint, up to the statement that holds it.</summary>
        public bool Up(ExpressionSyntax expression)
        {
            while (steps++ < MaxSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (expression.Parent)
                {
                    case ExpressionStatementSyntax:
                        return true;
                    case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax } access
                        when access.Expression == expression && access.Parent is InvocationExpressionSyntax call && call.Expression == access:
                        Apply(call, access.Name.Identifier.ValueText);
                        expression = call;
                        continue;
                    default:
                        // Stored in a variable, returned, passed on: binding follows those.
                        return false;
                }
            }

            return false;
        }

        /// <summary>The receiver chain: group variables (their statements, then their initializers), <c>MapGroup</c> prefixes, conventions.</summary>
        public bool Down(ExpressionSyntax receiver, bool requireEndpointBuilder)
        {
            while (steps++ < MaxSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (receiver)
                {
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax name } access } call
                        when name.Identifier.ValueText == EndpointTables.MapGroup:
                        if (call.ArgumentList.Arguments is not { Count: 1 } prefix
                            || prefix[0].NameColon is not null
                            || prefix[0].Expression is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal)
                        {
                            return false;
                        }

                        tally.AddOuterPrefix(literal.Token.ValueText);
                        receiver = access.Expression;
                        requireEndpointBuilder = false;
                        break;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax name } access } call
                        when EndpointTables.ConventionMethods.ContainsKey(name.Identifier.ValueText):
                        // RequireAuthorization/AllowAnonymous return the builder they are given.
                        Apply(call, name.Identifier.ValueText);
                        receiver = access.Expression;
                        break;
                    case IdentifierNameSyntax identifier:
                        return Variable(identifier, requireEndpointBuilder);
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>A parameter of the method, or a local it declares once: as <see cref="ConventionWalker"/> follows them.</summary>
        private bool Variable(IdentifierNameSyntax identifier, bool requireEndpointBuilder)
        {
            var name = identifier.Identifier.ValueText;
            if (!DeclaredIn(method).TryGetValue(name, out var declarations) || declarations.Count != 1)
            {
                return false;
            }

            var declaration = declarations[0].Parent;
            if (declaration is ParameterSyntax { Parent: ParameterListSyntax { Parent: MethodDeclarationSyntax owner } } parameter && owner == method)
            {
                if (reader.compilation.GetSemanticModel(parameter.SyntaxTree).GetDeclaredSymbol(parameter, cancellationToken) is not { } symbol
                    || (requireEndpointBuilder && !symbol.Type.IsOrImplements(reader.types.EndpointRouteBuilder)))
                {
                    return false;
                }

                // A group we cannot see into may carry conventions.
                if (symbol.Type.InheritsFromOrEquals(reader.types.RouteGroupBuilder))
                {
                    tally.MarkUnknown();
                }

                return true;
            }

            if (declaration is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax statement } variable } declarator
                || statement.Modifiers.Count > 0
                || !statement.UsingKeyword.IsKind(SyntaxKind.None)
                || declarator.Initializer?.Value is not { } initializer
                || !(variable.Type.IsVar || variable.Type is IdentifierNameSyntax { Identifier.ValueText: "RouteGroupBuilder" } or QualifiedNameSyntax { Right.Identifier.ValueText: "RouteGroupBuilder" })
                || !IsGroupChain(initializer))
            {
                return false;
            }

            if (!visitedLocals.Add(name))
            {
                return true;
            }

            if (!StatementsOn(declarator, name))
            {
                return false;
            }

            // The local is a route group (the initializer is a MapGroup chain): a helper may return it to its callers.
            if (tally.GroupHelper is null)
            {
                tally.GroupHelper = MethodReturning(declarator, name);
            }

            return Down(initializer, requireEndpointBuilder: true);
        }

        /// <summary><c>name.RequireAuthorization();</c> and <c>name.AllowAnonymous();</c> in the variable's scope, in document order.</summary>
        private bool StatementsOn(VariableDeclaratorSyntax declarator, string name)
        {
            var scope = declarator.Ancestors().FirstOrDefault(node => node is BlockSyntax or CompilationUnitSyntax or SwitchSectionSyntax);
            if (scope is null)
            {
                return false;
            }

            if (SyntaxIndex.ConventionCallsIn(scope).TryGetValue(name, out var calls))
            {
                foreach (var call in calls)
                {
                    // The walker binds the call and checks it is made on this local; a call inside a lambda or
                    // local function is still on it (the name is declared once in the method).
                    Apply(call, ((MemberAccessExpressionSyntax)call.Expression).Name.Identifier.ValueText);
                }
            }

            return true;
        }

        private string? MethodReturning(VariableDeclaratorSyntax declarator, string name)
        {
            var body = declarator.Ancestors().FirstOrDefault(node => node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
            return body is MethodDeclarationSyntax owner && SyntaxIndex.NamesReturnedBy(owner).Contains(name)
                ? reader.compilation.GetSemanticModel(owner.SyntaxTree).GetDeclaredSymbol(owner, cancellationToken)?.GetDocumentationCommentId()
                : null;
        }

        /// <summary>An initializer whose value is a route group: a <c>MapGroup</c> call, possibly with conventions chained on it.</summary>
        private static bool IsGroupChain(ExpressionSyntax expression)
        {
            while (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: IdentifierNameSyntax name } access })
            {
                if (name.Identifier.ValueText == EndpointTables.MapGroup)
                {
                    return true;
                }

                if (!EndpointTables.ConventionMethods.ContainsKey(name.Identifier.ValueText))
                {
                    return false;
                }

                expression = access.Expression;
            }

            return false;
        }

        private void Apply(InvocationExpressionSyntax call, string name)
        {
            if (!EndpointTables.ConventionMethods.TryGetValue(name, out var state))
            {
                return;
            }

            tally.Apply(state, call);
        }
    }
}

/// <summary>What the profile counts of one minimal-API endpoint.</summary>
internal readonly struct EndpointFacts
{
    public EndpointFacts(AuthorizationState state, string? publicByNecessity, bool servesNoData, string? groupHelper, string? requireAuthorizationArguments)
    {
        State = state;
        PublicByNecessity = publicByNecessity;
        ServesNoData = servesNoData;
        GroupHelper = groupHelper;
        RequireAuthorizationArguments = requireAuthorizationArguments;
    }

    public AuthorizationState State { get; }

    public string? PublicByNecessity { get; }

    public bool ServesNoData { get; }

    public string? GroupHelper { get; }

    public string? RequireAuthorizationArguments { get; }

    /// <summary>As <see cref="MinimalEndpointModel.IsJudged"/>: explicit decisions and public-by-nature endpoints are not votes.</summary>
    public bool IsJudged => State == AuthorizationState.Authorized
        || (State == AuthorizationState.None && PublicByNecessity is null && !ServesNoData && GroupHelper is null);
}
