using System.Collections.Immutable;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Options;
using Aegis.Analyzers.Profile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Authorization;

/// <summary>
/// AEG003: a controller, action or minimal-API endpoint that allows anonymous access where the repository's
/// convention (the authorization section of the repository profile) requires authorization.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingAuthorizationAnalyzer : DiagnosticAnalyzer
{
    // When the convention comes from minimal APIs only, a controller fix still needs an attribute to add.
    private const string DefaultAttribute = "[Authorize]";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticRules.MissingAuthorization, DiagnosticRules.ConfirmPublicEndpoint);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            if (!AuthorizationTypes.CanHaveEndpoints(start.Compilation)
                || AuthorizationTypes.For(KnownTypes.For(start.Compilation)) is not { } types)
            {
                return;
            }

            if (types.ControllerBase is not null || types.ControllerAttribute is not null)
            {
                start.RegisterSymbolAction(symbol => AnalyzeType(symbol, types), SymbolKind.NamedType);
            }

            if (types.EndpointRouteBuilderExtensions is not null)
            {
                start.RegisterOperationAction(operation => AnalyzeInvocation(operation, types), OperationKind.Invocation);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, AuthorizationTypes types)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (ControllerModel.TryCreate(type, types, context.CancellationToken) is not { } controller
            || controller.IsAuthorized
            || controller.ClassAnonymous
            || type.Locations.FirstOrDefault(location => location.IsInSource) is not { SourceTree: { } tree } typeLocation)
        {
            return;
        }

        var unprotected = controller.Actions.Where(action => action.State == AuthorizationState.None).ToList();
        if (unprotected.Count == 0)
        {
            return;
        }

        var profile = RepositoryProfileCache.GetAuthorization(context.Compilation, context.Options, context.CancellationToken);
        if (Judge(profile, context.Options, tree, AuthorizationConvention.ForControllers) is not { } convention)
        {
            return;
        }

        foreach (var action in unprotected.Where(action => action.PublicByNecessity is not null))
        {
            ReportConfirmPublic(
                context.ReportDiagnostic,
                context.Options,
                ActionLocation(action, typeLocation),
                convention,
                "Action '" + type.Name + "." + action.Method.Name + "'",
                action.PublicByNecessity!,
                EndpointKinds.Action,
                action.Display);
        }

        var drifted = unprotected.Where(action => action.PublicByNecessity is null).ToList();
        if (drifted.Count == 0)
        {
            return;
        }

        // A controller with no authorization at all, in a class-level convention, gets one finding on the class.
        if (profile.DominantLevel != AuthorizationLevels.Action && drifted.Count == controller.Actions.Count)
        {
            var mutating = drifted.Any(action => EndpointTables.IsMutating(action.Verb));
            context.ReportDiagnostic(Create(
                typeLocation,
                profile,
                convention,
                "Controller '" + type.Name + "'",
                EndpointKinds.Controller,
                controller.RoutePrefix,
                mutating,
                RemediationStrategies.AddAuthorize));
            return;
        }

        foreach (var action in drifted)
        {
            context.ReportDiagnostic(Create(
                ActionLocation(action, typeLocation),
                profile,
                convention,
                "Action '" + type.Name + "." + action.Method.Name + "'",
                EndpointKinds.Action,
                action.Display,
                EndpointTables.IsMutating(action.Verb),
                RemediationStrategies.AddAuthorize));
        }
    }

    // Actions inherited from a base class are reported on the controller that exposes them.
    private static Location ActionLocation(ActionModel action, Location typeLocation)
        => action.Inherited ? typeLocation : action.Method.Locations.FirstOrDefault(l => l.IsInSource) ?? typeLocation;

    private static void AnalyzeInvocation(OperationAnalysisContext context, AuthorizationTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!EndpointTables.MinimalEndpointMethods.ContainsKey(invocation.TargetMethod.Name)
            || MinimalEndpointModel.TryCreate(invocation, types, context.CancellationToken) is not { State: AuthorizationState.None } endpoint)
        {
            return;
        }

        if (endpoint.ServesNoData)
        {
            return;
        }

        var profile = RepositoryProfileCache.GetAuthorization(context.Compilation, context.Options, context.CancellationToken);

        // Endpoints on a group a helper returns are what its callers make them: judged only when a caller leaves it open.
        if (endpoint.GroupHelper is { } helper
            && !(profile.GroupHelpers.TryGetValue(helper, out var callers) && callers == AuthorizationState.None))
        {
            return;
        }

        if (Judge(profile, context.Options, invocation.Syntax.SyntaxTree, AuthorizationConvention.ForMinimalEndpoints) is not { } convention)
        {
            return;
        }

        if (endpoint.PublicByNecessity is { } necessity)
        {
            ReportConfirmPublic(
                context.ReportDiagnostic,
                context.Options,
                endpoint.NameLocation,
                convention,
                "Endpoint '" + endpoint.Display + "'",
                necessity,
                EndpointKinds.MinimalApi,
                endpoint.Display);
            return;
        }

        context.ReportDiagnostic(Create(
            endpoint.NameLocation,
            profile,
            convention,
            "Endpoint '" + endpoint.Display + "'",
            EndpointKinds.MinimalApi,
            endpoint.Display,
            EndpointTables.IsMutating(endpoint.Verb),
            RemediationStrategies.RequireAuthorization));
    }

    private static AuthorizationConvention? Judge(
        AuthorizationProfile profile,
        AnalyzerOptions options,
        SyntaxTree tree,
        Func<AuthorizationProfile, double, int, AuthorizationConvention?> judge)
        => judge(
            profile,
            AegisOptions.ConventionThreshold.GetValue(options, tree, RuleIdentifiers.MissingAuthorization),
            AegisOptions.MinimumEndpoints.GetValue(options, tree, RuleIdentifiers.MissingAuthorization));

    /// <summary>An endpoint public by necessity that does not say so: a question at the confirm-public severity, LOW on the Risk Card.</summary>
    private static void ReportConfirmPublic(
        Action<Diagnostic> report,
        AnalyzerOptions options,
        Location location,
        AuthorizationConvention convention,
        string subject,
        string necessity,
        string endpointKind,
        string route)
    {
        if (location.SourceTree is not { } tree
            || AegisOptions.ConfirmPublicSeverity.GetValue(options, tree, RuleIdentifiers.MissingAuthorization).ToDiagnosticSeverity() is not { } severity)
        {
            return;
        }

        var properties = new IncidentProperties(
                convention.Share,
                IncidentSeverities.Low,
                RemediationStrategies.ConfirmPublic,
                VerificationStrategies.ManualReview)
            .With(DiagnosticPropertyNames.Route, route)
            .With(DiagnosticPropertyNames.EndpointKind, endpointKind)
            .With(DiagnosticPropertyNames.Convention, convention.Description)
            .ToImmutable();
        report(Diagnostic.Create(DiagnosticRules.ConfirmPublicEndpoint, location, severity, additionalLocations: null, properties, subject, necessity, convention.Description));
    }

    private static Diagnostic Create(
        Location location,
        AuthorizationProfile profile,
        AuthorizationConvention convention,
        string subject,
        string endpointKind,
        string route,
        bool mutating,
        string remediation)
    {
        var properties = new IncidentProperties(
                convention.Share,
                mutating ? IncidentSeverities.High : IncidentSeverities.Medium,
                remediation,
                VerificationStrategies.EndpointAuthorized)
            .With(DiagnosticPropertyNames.Route, route)
            .With(DiagnosticPropertyNames.EndpointKind, endpointKind)
            .With(DiagnosticPropertyNames.AuthorizeAttribute, profile.DominantAttribute ?? DefaultAttribute)
            .With(DiagnosticPropertyNames.AuthorizeLevel, profile.DominantLevel ?? AuthorizationLevels.Class)
            .With(DiagnosticPropertyNames.RequireAuthorizationArguments, profile.RequireAuthorizationArguments ?? string.Empty)
            .With(DiagnosticPropertyNames.Convention, convention.Description)
            .ToImmutable();
        return Diagnostic.Create(DiagnosticRules.MissingAuthorization, location, properties, subject, convention.Description);
    }

    private static class EndpointKinds
    {
        public const string Controller = "controller";
        public const string Action = "action";
        public const string MinimalApi = "minimal_api";
    }
}
