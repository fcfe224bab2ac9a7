using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// Reads how the code expresses authorization, one tree at a time (facts kept per tree, see
/// <see cref="TreeFactsCache{TFacts}"/>): the controllers the tree declares, and a syntax scan for minimal-API
/// endpoints, fallback policies and global filters that asks for operations only where those names appear.
/// </summary>
internal static class AuthorizationProfileBuilder
{
    private const string FallbackPolicy = "FallbackPolicy";
    private const string SetFallbackPolicy = "SetFallbackPolicy";
    private const string AuthorizeFilter = "AuthorizeFilter";

    /// <summary>Every endpoint, controller-mapping and group method starts with it.</summary>
    private const string MapPrefix = "Map";

    /// <summary>A tree whose text has none of these holds no endpoint mapping, fallback policy or filter.</summary>
    private static readonly string[] Mentions = { MapPrefix, FallbackPolicy, AuthorizeFilter };

    /// <summary>Trees read so far, in this process (tests watch it).</summary>
    internal static int TreeReads => Facts.Reads;

    private static readonly TreeFactsCache<Tally> Facts = new();

    public static AuthorizationProfile Build(KnownTypes known, CancellationToken cancellationToken)
        => Build(known, bindAll: false, cancellationToken);

    /// <summary>Tests: the profile with every candidate bound, as before <see cref="AuthorizationSyntaxReader"/> (not cached).</summary>
    internal static AuthorizationProfile BuildByBinding(KnownTypes known, CancellationToken cancellationToken)
        => Build(known, bindAll: true, cancellationToken);

    /// <summary>Tests: how many candidates of the compilation the syntax reader reads or skips, and how many it leaves to binding.</summary>
    internal static (int Read, int Bound) CountReads(KnownTypes known, CancellationToken cancellationToken)
    {
        var (read, bound) = (0, 0);
        if (AuthorizationTypes.For(known) is { } types)
        {
            var reader = AuthorizationSyntaxReader.For(known.Compilation, types, cancellationToken);
            foreach (var tree in known.Compilation.SyntaxTrees)
            {
                var nearby = TreeText.NodesNear(tree, Mentions, levels: 3, cancellationToken);
                foreach (var node in nearby.Where(IsCandidate))
                {
                    _ = reader.Read(node, nearby, out _, cancellationToken) == AuthorizationSyntaxReader.Outcome.Bind ? bound++ : read++;
                }
            }
        }

        return (read, bound);
    }

    private static AuthorizationProfile Build(KnownTypes known, bool bindAll, CancellationToken cancellationToken)
    {
        if (AuthorizationTypes.For(known) is not { } types)
        {
            return AuthorizationProfile.Empty;
        }

        var key = Facts.HasFactsForAny(known.Compilation.SyntaxTrees) ? DeclarationKey.For(known.Compilation, cancellationToken) : null;
        var total = new Tally();
        foreach (var tree in known.Compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            total.Add(bindAll ? Read(tree, known.Compilation, types, null, cancellationToken) : Facts.Get(tree, key, t => Read(t, known.Compilation, types, AuthorizationSyntaxReader.For(known.Compilation, types, cancellationToken), cancellationToken)));
        }

        return total.ToProfile();
    }

    /// <summary>
    /// One tree: the controllers it declares (each counted in the tree of its first declaration) and its
    /// endpoint mappings, fallback policies and filters, whose operations are asked for only where the names match
    /// and <paramref name="reader"/> (null: bind every candidate) cannot read them from syntax.
    /// </summary>
    private static Tally Read(SyntaxTree tree, Compilation compilation, AuthorizationTypes types, AuthorizationSyntaxReader? reader, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        SemanticModel? model = null;
        var root = tree.GetRoot(cancellationToken);

        // Controllers are declarations: no need to walk into member bodies to find them.
        foreach (var node in root.DescendantNodes(descendIntoChildren: node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
        {
            if (node is TypeDeclarationSyntax declaration)
            {
#pragma warning disable RS1030 // Declared symbols and the operations of endpoint mappings only; read once per tree and cached.
                model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                if (model.GetDeclaredSymbol(declaration, cancellationToken) is INamedTypeSymbol type
                    && IsFirstDeclaration(type, declaration)
                    && ControllerModel.TryCreate(type, types, cancellationToken) is { } controller)
                {
                    tally.Add(controller, cancellationToken);
                }
            }
        }

        // Mapping calls, fallback-policy assignments and filter creations sit at most three levels above the
        // identifier that names them ("app.MapGet(" → name, member access, invocation).
        var nearby = TreeText.NodesNear(tree, Mentions, levels: 3, cancellationToken);
        var candidates = new List<SyntaxNode>();
        foreach (var node in nearby.Where(IsCandidate))
        {
            // Most mapping calls say from their syntax what the profile counts; only the rest are bound (see AuthorizationSyntaxReader).
            var facts = default(EndpointFacts);
            switch (reader is null ? AuthorizationSyntaxReader.Outcome.Bind : reader.Read(node, nearby, out facts, cancellationToken))
            {
                case AuthorizationSyntaxReader.Outcome.Endpoint:
                    tally.AddEndpoint(facts);
                    break;
                case AuthorizationSyntaxReader.Outcome.Bind:
                    candidates.Add(node);
                    break;
            }
        }

        if (candidates.Count > 0)
        {
#pragma warning disable RS1030 // See above.
            model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
            foreach (var node in candidates)
            {
                if (model.GetOperation(node, cancellationToken) is { } operation)
                {
                    tally.Add(operation, types, cancellationToken);
                }
            }
        }

        return tally;
    }

    /// <summary>A partial controller is counted once, where its first part is declared.</summary>
    private static bool IsFirstDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
        => type.DeclaringSyntaxReferences.Length > 0
            && type.DeclaringSyntaxReferences[0].SyntaxTree == declaration.SyntaxTree
            && type.DeclaringSyntaxReferences[0].Span == declaration.Span;

    private static bool IsCandidate(SyntaxNode node) => node switch
    {
        // Any Map… call: endpoints, controller mappings, and helpers that return a group (app.MapOrders()).
        InvocationExpressionSyntax invocation => MethodName(invocation.Expression) is { } name
            && (name.StartsWith(MapPrefix, StringComparison.Ordinal) || name == SetFallbackPolicy),
        AssignmentExpressionSyntax assignment => MethodName(assignment.Left) == FallbackPolicy,
        ObjectCreationExpressionSyntax creation => SyntaxNames.LastName(creation.Type) == AuthorizeFilter,
        _ => false,
    };

    private static string? MethodName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    private static bool IsNonNull(IOperation? value)
        => value is not null && !(ConventionWalker.Unwrap(value) is { ConstantValue.HasValue: true } constant && constant.ConstantValue.Value is null);

    private sealed class Tally
    {
        // Attribute text → votes and its policy and roles: plain data, so a tree's tally can outlive its compilation.
        private readonly Dictionary<string, (int Count, string? Policy, string? Roles)> attributes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> requireArguments = new(StringComparer.Ordinal);
        private int classLevel;
        private int actionLevel;
        private readonly Dictionary<string, int> helperEndpoints = new(StringComparer.Ordinal);
        private readonly Dictionary<string, AuthorizationState> helperCallers = new(StringComparer.Ordinal);
        private int controllersTotal;
        private int controllersAuthorized;
        private int actionsTotal;
        private int actionsAuthorized;
        private int minimalTotal;
        private int minimalAuthorized;
        private bool fallbackPolicy;
        private bool globalFilter;

        public void Add(ControllerModel controller, CancellationToken cancellationToken)
        {
            controllersTotal++;
            if (controller.IsAuthorized)
            {
                controllersAuthorized++;
            }

            actionsTotal += controller.JudgedActions;
            actionsAuthorized += controller.AuthorizedActions;

            switch (controller.Level)
            {
                case AuthorizationLevels.Class:
                    classLevel++;
                    AddAttribute(controller.ClassAuthorize, cancellationToken);
                    break;
                case AuthorizationLevels.Action:
                    actionLevel++;

                    // One vote per controller, for the attribute most of its actions use.
                    var perController = new Dictionary<string, (int Count, AttributeData Attribute)>(StringComparer.Ordinal);
                    foreach (var action in controller.Actions)
                    {
                        if (TextOf(action.OwnAuthorize, cancellationToken) is { } text)
                        {
                            perController[text] = (perController.TryGetValue(text, out var seen) ? seen.Count + 1 : 1, action.OwnAuthorize!);
                        }
                    }

                    if (Dominant(perController.ToDictionary(pair => pair.Key, pair => pair.Value.Count, StringComparer.Ordinal)) is { } dominant)
                    {
                        AddAttribute(perController[dominant].Attribute, cancellationToken);
                    }

                    break;
            }
        }

        public void Add(IOperation operation, AuthorizationTypes types, CancellationToken cancellationToken)
        {
            switch (operation)
            {
                case IInvocationOperation invocation when MinimalEndpointModel.TryCreate(invocation, types, cancellationToken) is { } endpoint:
                    AddEndpoint(new EndpointFacts(endpoint.State, endpoint.PublicByNecessity, endpoint.ServesNoData, endpoint.GroupHelper, endpoint.RequireAuthorizationArguments));
                    break;
                case IInvocationOperation invocation when EndpointTables.ControllerMappingMethods.Contains(invocation.TargetMethod.Name)
                    && AuthorizationTypes.Is(invocation.TargetMethod.ContainingType, types.ControllerEndpointRouteBuilderExtensions):
                    // app.MapControllers().RequireAuthorization() protects every controller, as a global filter does.
                    var walker = new ConventionWalker(types, invocation.SemanticModel, cancellationToken);
                    walker.WalkUp(invocation);
                    globalFilter |= walker.State == AuthorizationState.Authorized;
                    break;
                case IInvocationOperation invocation when IsGroupHelperCall(invocation, types):
                    var caller = new ConventionWalker(types, invocation.SemanticModel, cancellationToken);
                    caller.WalkUp(invocation);
                    caller.WalkDown(ConventionWalker.ReceiverOf(invocation));
                    if (invocation.TargetMethod.OriginalDefinition.GetDocumentationCommentId() is { } id)
                    {
                        helperCallers[id] = Merge(helperCallers.TryGetValue(id, out var seen) ? seen : (AuthorizationState?)null, caller.State);
                    }

                    break;
                case IInvocationOperation invocation when invocation.TargetMethod.Name == SetFallbackPolicy
                    && AuthorizationTypes.Is(invocation.TargetMethod.ContainingType, types.AuthorizationBuilder):
                    fallbackPolicy |= invocation.Arguments.Any(argument => argument.Parameter?.Ordinal == 0 && IsNonNull(argument.Value));
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment
                    when property.Property.Name == FallbackPolicy && AuthorizationTypes.Is(property.Property.ContainingType, types.AuthorizationOptions):
                    fallbackPolicy |= IsNonNull(assignment.Value);
                    break;
                case IObjectCreationOperation creation when AuthorizationTypes.Is(creation.Type, types.AuthorizeFilter):
                    globalFilter |= IsAddedToFilters(creation, types);
                    break;
            }
        }

        /// <summary>One minimal-API endpoint, read from its operation or from its syntax (<see cref="AuthorizationSyntaxReader"/>).</summary>
        public void AddEndpoint(EndpointFacts endpoint)
        {
            if (endpoint is { State: AuthorizationState.None, PublicByNecessity: null, ServesNoData: false, GroupHelper: { } helper })
            {
                // Counted once the callers of the helper that returns its group are known (ToProfile).
                helperEndpoints[helper] = (helperEndpoints.TryGetValue(helper, out var pending) ? pending : 0) + 1;
                return;
            }

            if (!endpoint.IsJudged)
            {
                return;
            }

            minimalTotal++;
            if (endpoint.State == AuthorizationState.Authorized)
            {
                minimalAuthorized++;
                if (endpoint.RequireAuthorizationArguments is { } arguments)
                {
                    requireArguments[arguments] = requireArguments.TryGetValue(arguments, out var count) ? count + 1 : 1;
                }
            }
        }

        /// <summary>Adds another tree's tally.</summary>
        public void Add(Tally other)
        {
            foreach (var pair in other.attributes)
            {
                attributes[pair.Key] = attributes.TryGetValue(pair.Key, out var seen)
                    ? (seen.Count + pair.Value.Count, seen.Policy, seen.Roles)
                    : pair.Value;
            }

            foreach (var pair in other.requireArguments)
            {
                requireArguments[pair.Key] = (requireArguments.TryGetValue(pair.Key, out var count) ? count : 0) + pair.Value;
            }

            foreach (var pair in other.helperEndpoints)
            {
                helperEndpoints[pair.Key] = (helperEndpoints.TryGetValue(pair.Key, out var count) ? count : 0) + pair.Value;
            }

            foreach (var pair in other.helperCallers)
            {
                helperCallers[pair.Key] = Merge(helperCallers.TryGetValue(pair.Key, out var seen) ? seen : (AuthorizationState?)null, pair.Value);
            }

            actionsTotal += other.actionsTotal;
            actionsAuthorized += other.actionsAuthorized;
            controllersTotal += other.controllersTotal;
            controllersAuthorized += other.controllersAuthorized;
            classLevel += other.classLevel;
            actionLevel += other.actionLevel;
            minimalTotal += other.minimalTotal;
            minimalAuthorized += other.minimalAuthorized;
            fallbackPolicy |= other.fallbackPolicy;
            globalFilter |= other.globalFilter;
        }

        public AuthorizationProfile ToProfile()
        {
            var attribute = Dominant(attributes.ToDictionary(pair => pair.Key, pair => pair.Value.Count, StringComparer.Ordinal));
            var vote = attribute is null ? default : attributes[attribute];
            var minimalTotal = this.minimalTotal;
            var minimalAuthorized = this.minimalAuthorized;
            foreach (var pair in helperEndpoints)
            {
                // Endpoints on a returned group are what its callers make them; with no caller seen, they are not counted.
                if (helperCallers.TryGetValue(pair.Key, out var state) && state is AuthorizationState.Authorized or AuthorizationState.None)
                {
                    minimalTotal += pair.Value;
                    minimalAuthorized += state == AuthorizationState.Authorized ? pair.Value : 0;
                }
            }

            return new AuthorizationProfile(
                controllersTotal,
                controllersAuthorized,
                minimalTotal,
                minimalAuthorized,
                attribute,
                classLevel == 0 && actionLevel == 0 ? null : classLevel >= actionLevel ? AuthorizationLevels.Class : AuthorizationLevels.Action,
                vote.Policy,
                vote.Roles,
                Dominant(requireArguments),
                fallbackPolicy,
                globalFilter,
                actionsTotal,
                actionsAuthorized).WithGroupHelpers(new Dictionary<string, AuthorizationState>(helperCallers, StringComparer.Ordinal));
        }

        /// <summary>A call of a method of this project that returns a route group (a helper that maps a feature's endpoints).</summary>
        private static bool IsGroupHelperCall(IInvocationOperation invocation, AuthorizationTypes types)
            => invocation.TargetMethod.ReturnType.InheritsFromOrEquals(types.RouteGroupBuilder)
                && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingAssembly, types.Compilation.Assembly)
                && invocation.TargetMethod.Name != EndpointTables.MapGroup;

        /// <summary>One caller that leaves the group unprotected exposes its endpoints; an explicit decision comes next.</summary>
        private static AuthorizationState Merge(AuthorizationState? seen, AuthorizationState caller)
            => seen is null ? caller
                : seen == AuthorizationState.None || caller == AuthorizationState.None ? AuthorizationState.None
                : seen == AuthorizationState.Anonymous || caller == AuthorizationState.Anonymous ? AuthorizationState.Anonymous
                : seen == AuthorizationState.Unknown || caller == AuthorizationState.Unknown ? AuthorizationState.Unknown
                : AuthorizationState.Authorized;

        private static bool IsAddedToFilters(IObjectCreationOperation creation, AuthorizationTypes types)
        {
            IOperation current = creation;
            while (current.Parent is IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            return current.Parent is IArgumentOperation { Parent: IInvocationOperation add }
                && add.TargetMethod.Name == "Add"
                && add.Instance?.Type is { } collection
                && collection.InheritsFromOrEquals(types.FilterCollection);
        }

        private void AddAttribute(AttributeData? attribute, CancellationToken cancellationToken)
        {
            if (TextOf(attribute, cancellationToken) is { } text)
            {
                attributes[text] = attributes.TryGetValue(text, out var seen)
                    ? (seen.Count + 1, seen.Policy, seen.Roles)
                    : (1, Argument(attribute, EndpointTables.PolicyArgument, constructorOrdinal: 0), Argument(attribute, EndpointTables.RolesArgument, constructorOrdinal: -1));
            }
        }

        private static string? TextOf(AttributeData? attribute, CancellationToken cancellationToken)
            => attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax
                ? AttributeTexts.Normalized(syntax)
                : null;

        /// <summary>The most frequent key; ties go to the ordinally smallest, so the result never depends on order.</summary>
        private static string? Dominant(Dictionary<string, int> counts)
            => counts.Count == 0
                ? null
                : counts.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).First().Key;

        private static string? Argument(AttributeData? attribute, string name, int constructorOrdinal)
        {
            if (attribute is null)
            {
                return null;
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Kind == TypedConstantKind.Primitive && named.Value.Value is string value)
                {
                    return value;
                }
            }

            // [Authorize("Staff")]: the constructor's one argument is the policy.
            var constructor = attribute.AttributeConstructor;
            return constructorOrdinal >= 0 && constructor is not null && constructor.Parameters.Length > constructorOrdinal
                && constructor.Parameters[constructorOrdinal].Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                && attribute.ConstructorArguments[constructorOrdinal].Value is string positional
                ? positional
                : null;
        }
    }

    /// <summary>
    /// An attribute as the fix writes it, <c>[Authorize(Policy = "Staff")]</c>: the text <c>NormalizeWhitespace</c>
    /// gives. Normalizing is costly (and the normalizer's first use in a compiler process costs more, for the JIT),
    /// so names, literals and member accesses, which it writes without spaces, are written directly; anything else
    /// is normalized, once per distinct text.
    /// </summary>
    internal static class AttributeTexts
    {
        private const int Capacity = 512;

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Texts = new(StringComparer.Ordinal);

        public static string Normalized(AttributeSyntax syntax)
        {
            if (Simple(syntax.Name) && (syntax.ArgumentList is null || syntax.ArgumentList.Arguments.All(argument => Simple(argument.Expression))))
            {
                var text = new System.Text.StringBuilder("[").Append(Tokens(syntax.Name));
                if (syntax.ArgumentList is { } list)
                {
                    text.Append('(');
                    for (var i = 0; i < list.Arguments.Count; i++)
                    {
                        var argument = list.Arguments[i];
                        text.Append(i == 0 ? string.Empty : ", ")
                            .Append(argument.NameEquals is { } equals ? equals.Name.Identifier.Text + " = " : string.Empty)
                            .Append(argument.NameColon is { } colon ? colon.Name.Identifier.Text + ": " : string.Empty)
                            .Append(Tokens(argument.Expression));
                    }

                    text.Append(')');
                }

                return text.Append(']').ToString();
            }

            var raw = syntax.ToString();
            if (Texts.TryGetValue(raw, out var normalized))
            {
                return normalized;
            }

            normalized = "[" + syntax.NormalizeWhitespace().ToFullString() + "]";
            if (Texts.Count >= Capacity)
            {
                Texts.Clear();
            }

            Texts[raw] = normalized;
            return normalized;
        }

        /// <summary>Written without any space by the normalizer: identifiers, dotted names, literals.</summary>
        private static bool Simple(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax or LiteralExpressionSyntax => true,
            QualifiedNameSyntax qualified => Simple(qualified.Left) && Simple(qualified.Right),
            AliasQualifiedNameSyntax alias => Simple(alias.Name),
            MemberAccessExpressionSyntax { Name: IdentifierNameSyntax } access => Simple(access.Expression),
            _ => false,
        };

        private static string Tokens(SyntaxNode node) => string.Concat(node.DescendantTokens().Select(token => token.Text));
    }
}
