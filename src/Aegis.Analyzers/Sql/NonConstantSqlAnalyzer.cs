using System.Collections.Concurrent;
using System.Collections.Immutable;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Options;
using Aegis.Analyzers.Profile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Sql;

/// <summary>AEG001: SQL built from non-constant text reaches a SQL sink.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonConstantSqlAnalyzer : DiagnosticAnalyzer
{
    /// <summary>At or above this confidence an incident is HIGH; between the band threshold and this, MEDIUM.</summary>
    internal const double HighSeverityConfidence = 0.85;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticRules.NonConstantSql);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var analysis = AnalyzerContext.Create(start.Compilation);
            if (analysis is null)
            {
                return;
            }

            start.RegisterOperationAction(analysis.AnalyzeAssignment, OperationKind.SimpleAssignment);
            start.RegisterOperationAction(analysis.AnalyzeObjectCreation, OperationKind.ObjectCreation);
            start.RegisterOperationAction(analysis.AnalyzeInvocation, OperationKind.Invocation);
        });
    }

    private sealed class AnalyzerContext
    {
        private readonly ImmutableArray<(SqlSink Sink, INamedTypeSymbol Type)> sinks;
        private readonly SqlEvaluationTypes types;
        private readonly ConcurrentDictionary<SyntaxTree, Bands> bandsByTree = new();
        private readonly ConcurrentDictionary<ITypeSymbol, string> providersByType = new(SymbolEqualityComparer.Default);

        private AnalyzerContext(ImmutableArray<(SqlSink, INamedTypeSymbol)> sinks, SqlEvaluationTypes types)
        {
            this.sinks = sinks;
            this.types = types;
        }

        public static AnalyzerContext? Create(Compilation compilation)
        {
            var known = KnownTypes.For(compilation);
            var sinks = ImmutableArray.CreateBuilder<(SqlSink, INamedTypeSymbol)>();
            foreach (var sink in SqlSinks.All)
            {
                if (known.Get(sink.TypeName) is { } type)
                {
                    sinks.Add((sink, type));
                }
            }

            return sinks.Count == 0 ? null : new AnalyzerContext(sinks.ToImmutable(), new SqlEvaluationTypes(known));
        }

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            if (context.Operation is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
            {
                return;
            }

            var receiver = property.Instance?.Type ?? property.Property.ContainingType;
            foreach (var (sink, type) in sinks)
            {
                if (sink.Member == SqlSinkMember.PropertySetter && sink.MatchesName(property.Property.Name)
                    && (receiver.IsOrImplements(type) || property.Property.ContainingType.IsOrImplements(type)))
                {
                    Analyze(context, sink, receiver, receiver?.Name + "." + property.Property.Name, assignment.Value);
                    return;
                }
            }
        }

        public void AnalyzeObjectCreation(OperationAnalysisContext context)
        {
            if (context.Operation is not IObjectCreationOperation { Constructor: { } constructor } creation)
            {
                return;
            }

            foreach (var (sink, type) in sinks)
            {
                if (sink.Member == SqlSinkMember.Constructor && constructor.ContainingType.InheritsFromOrEquals(type)
                    && SqlArgument(sink, creation.Arguments) is { } argument)
                {
                    Analyze(context, sink, constructor.ContainingType, "new " + constructor.ContainingType.Name + "(...)", argument.Value);
                    return;
                }
            }
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            if (context.Operation is not IInvocationOperation invocation)
            {
                return;
            }

            var method = invocation.TargetMethod;
            foreach (var (sink, type) in sinks)
            {
                if (sink.Member == SqlSinkMember.Method && sink.MatchesName(method.Name)
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type)
                    && SqlArgument(sink, invocation.Arguments) is { } argument)
                {
                    Analyze(context, sink, null, type.Name + "." + method.Name, argument.Value);
                    return;
                }
            }
        }

        private static IArgumentOperation? SqlArgument(SqlSink sink, ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } parameter && sink.ParameterNames.Contains(parameter.Name) && parameter.Type.SpecialType == SpecialType.System_String)
                {
                    return argument;
                }
            }

            if (sink.FirstStringFallback)
            {
                foreach (var argument in arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue))
                {
                    if (argument.Parameter?.Type.SpecialType == SpecialType.System_String)
                    {
                        return argument;
                    }
                }
            }

            return null;
        }

        private void Analyze(OperationAnalysisContext context, SqlSink sink, ITypeSymbol? commandType, string sinkName, IOperation value)
        {
            if (value is IInvalidOperation || value.ConstantValue.HasValue)
            {
                return;
            }

            var evaluator = new SqlTextEvaluator(types, context.Operation.SemanticModel!, context.CancellationToken);
            var text = evaluator.Evaluate(value);
            if (!text.Built || text.WorstTaint is not { } taint)
            {
                return;
            }

            taint = Describe(value, taint);
            var identifierOnly = text.IsContainedIdentifierOnly();
            var confidence = identifierOnly ? Math.Min(taint.Confidence, SqlConfidence.IdentifierOnly) : taint.Confidence;
            var bands = BandsFor(context.Options, context.Operation.Syntax.SyntaxTree);
            var highBand = confidence >= bands.Threshold;
            if ((highBand ? bands.HighSeverity : bands.LowSeverity).ToDiagnosticSeverity() is not { } severity)
            {
                return;
            }

            var profile = RepositoryProfileCache.GetDataAccess(context.Compilation, context.Options, context.CancellationToken);
            var provider = ProviderOf(commandType);
            if (provider == SqlProviders.Unknown)
            {
                provider = profile.Provider;
            }

            var identifier = text.HasTaintInIdentifierPosition();
            var remediation = identifier ? RemediationStrategies.NeedsHumanReview : sink.Library switch
            {
                SqlLibrary.Dapper => RemediationStrategies.ParameterizeDapper,
                SqlLibrary.EfCore => RemediationStrategies.EfInterpolated,
                _ => RemediationStrategies.ParameterizeAdo,
            };
            var incidentSeverity = confidence >= HighSeverityConfidence ? IncidentSeverities.High
                : highBand ? IncidentSeverities.Medium
                : IncidentSeverities.Low;
            var source = taint.Describe();
            var properties = new IncidentProperties(
                    confidence,
                    incidentSeverity,
                    remediation,
                    identifier ? VerificationStrategies.ManualReview : VerificationStrategies.SqlConstantText)
                .With(DiagnosticPropertyNames.Source, source)
                .With(DiagnosticPropertyNames.SinkKind, sink.Kind)
                .With(DiagnosticPropertyNames.Provider, provider)
                .With(DiagnosticPropertyNames.PlaceholderStyle, SqlProviders.PlaceholderStyle(provider))
                .With(DiagnosticPropertyNames.ParameterStyle, sink.Library switch
                {
                    SqlLibrary.Ado => profile.AdoParameterStyle,
                    SqlLibrary.Dapper => profile.DapperParameterStyle,
                    _ => null,
                })
                .With(DiagnosticPropertyNames.Route, taint.Route ?? RouteOf(context.Operation))
                .ToImmutable();

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticRules.NonConstantSql,
                value.Syntax.GetLocation(),
                severity,
                additionalLocations: null,
                properties,
                sinkName,
                source,
                SqlAdvice.For(text)));
        }

        /// <summary>The provider a command type's namespace names, once per type (displaying a namespace is not cheap).</summary>
        private string ProviderOf(ITypeSymbol? commandType)
        {
            if (commandType is null)
            {
                return SqlProviders.Unknown;
            }

            return providersByType.TryGetValue(commandType, out var provider)
                ? provider
                : providersByType.GetOrAdd(commandType, SqlProviders.FromNamespace(commandType.ContainingNamespace?.ToDisplayString()));
        }

        /// <summary>The band options of a tree, read once per tree rather than for every sink (each read builds three keys).</summary>
        private Bands BandsFor(AnalyzerOptions options, SyntaxTree tree)
        {
            if (bandsByTree.TryGetValue(tree, out var bands))
            {
                return bands;
            }

            bands = new Bands(
                AegisOptions.HighConfidenceThreshold.GetValue(options, tree, RuleIdentifiers.NonConstantSql),
                AegisOptions.HighConfidenceSeverity.GetValue(options, tree, RuleIdentifiers.NonConstantSql),
                AegisOptions.LowConfidenceSeverity.GetValue(options, tree, RuleIdentifiers.NonConstantSql));
            return bandsByTree.GetOrAdd(tree, bands);
        }

        private sealed class Bands
        {
            public Bands(double threshold, ReportedSeverity highSeverity, ReportedSeverity lowSeverity)
            {
                Threshold = threshold;
                HighSeverity = highSeverity;
                LowSeverity = lowSeverity;
            }

            public double Threshold { get; }

            public ReportedSeverity HighSeverity { get; }

            public ReportedSeverity LowSeverity { get; }
        }

        /// <summary>The message's last part: what to do about the holes, which depends on what SQL expects there.</summary>
        private static class SqlAdvice
        {
            public const string Parameterize = "pass the value as a parameter";
            public const string AllowListOrQuote = "it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier";
            public const string AllowListOverQuoting = "it is an identifier, quoted: prefer an allow-list of names";

            public static string For(SqlValue text)
                => text.AreAllIdentifiersQuoted() ? AllowListOverQuoting
                    : text.TaintedHoles().All(hole => hole.Position == SqlHolePosition.Identifier) ? AllowListOrQuote
                    : Parameterize;
        }

        /// <summary>Names the sink's own variable first when the SQL reaches the sink through one.</summary>
        private static SqlTaint Describe(IOperation value, SqlTaint taint)
        {
            while (value is IConversionOperation or IParenthesizedOperation)
            {
                value = value is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)value).Operand;
            }

            var outer = value switch
            {
                ILocalReferenceOperation local => "local '" + local.Local.Name + "'",
                IParameterReferenceOperation parameter => "parameter '" + parameter.Parameter.Name + "'",
                _ => null,
            };
            return outer is null || taint.Description == outer ? taint : taint.Through(outer);
        }

        /// <summary>The endpoint whose code holds the sink: a minimal-API handler lambda or a controller action.</summary>
        private string? RouteOf(IOperation operation)
        {
            foreach (var lambda in SqlTextEvaluator.Ancestors(operation).OfType<IAnonymousFunctionOperation>())
            {
                if (types.Routes.MapCallOf(lambda) is { } map)
                {
                    return types.Routes.ForMapCall(map);
                }
            }

            var symbol = operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart);
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol is IMethodSymbol method && types.Routes.IsControllerAction(method) ? types.Routes.ForAction(method) : null;
        }
    }
}
