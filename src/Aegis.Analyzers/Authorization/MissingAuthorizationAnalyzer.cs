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

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticRules.MissingAuthorization);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            if (AuthorizationTypes.For(KnownTypes.For(start.Compilation)) is not { } types)
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

        // A controller with no authorization at all, in a class-level convention, gets one finding on the class.
        if (profile.DominantLevel != AuthorizationLevels.Action && unprotected.Count == controller.Actions.Count)
        {
            var mutating = unprotected.Any(action => EndpointTables.IsMutating(action.Verb));
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

        foreach (var action in unprotected)
        {
            // Actions inherited from a base class are reported on the controller that exposes them.
            var location = action.Inherited ? typeLocation : action.Method.Locations.FirstOrDefault(l => l.IsInSource) ?? typeLocation;
            context.ReportDiagnostic(Create(
                location,
                profile,
                convention,
                "Action '" + type.Name + "." + action.Method.Name + "'",
                EndpointKinds.Action,
                action.Display,
                EndpointTables.IsMutating(action.Verb),
                RemediationStrategies.AddAuthorize));
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, AuthorizationTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!EndpointTables.MinimalEndpointMethods.ContainsKey(invocation.TargetMethod.Name)
            || MinimalEndpointModel.TryCreate(invocation, types, context.CancellationToken) is not { State: AuthorizationState.None } endpoint)
        {
            return;
        }

        var profile = RepositoryProfileCache.GetAuthorization(context.Compilation, context.Options, context.CancellationToken);
        if (Judge(profile, context.Options, invocation.Syntax.SyntaxTree, AuthorizationConvention.ForMinimalEndpoints) is not { } convention)
        {
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
