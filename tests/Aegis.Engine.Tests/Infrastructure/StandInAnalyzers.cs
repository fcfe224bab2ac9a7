using System.Collections.Immutable;
using Aegis.Analyzers;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// Minimal stand-ins for AEG003 and AEG002, used only when the real analyzers are absent from the analyzer
/// assembly (they are developed on other branches). They report with the same descriptors and properties the
/// real rules use, so the engine, the real AEG003 fixer and the sandbox are exercised for real.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StandInMissingAuthorizationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticRules.MissingAuthorization);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var controllers = start.Compilation.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
                .Where(c => c.Identifier.ValueText.EndsWith("Controller", StringComparison.Ordinal)).ToList();
            var authorized = controllers.Count(HasAuthorize);
            if (controllers.Count == 0 || authorized * 2 <= controllers.Count)
            {
                return;
            }

            start.RegisterSyntaxNodeAction(
                node =>
                {
                    var type = (ClassDeclarationSyntax)node.Node;
                    if (!type.Identifier.ValueText.EndsWith("Controller", StringComparison.Ordinal) || HasAuthorize(type)
                        || type.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("AllowAnonymous", StringComparison.Ordinal)))
                    {
                        return;
                    }

                    var properties = new IncidentProperties(0.9, IncidentSeverities.High, RemediationStrategies.AddAuthorize, VerificationStrategies.EndpointAuthorized)
                        .With(DiagnosticPropertyNames.Route, "GET /api/" + type.Identifier.ValueText.Replace("Controller", "", StringComparison.Ordinal).ToLowerInvariant() + "/{id}")
                        .With(DiagnosticPropertyNames.EndpointKind, "controller")
                        .With(DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize]")
                        .With(DiagnosticPropertyNames.AuthorizeLevel, "class")
                        .ToImmutable();
                    node.ReportDiagnostic(Diagnostic.Create(DiagnosticRules.MissingAuthorization, type.Identifier.GetLocation(), DiagnosticSeverity.Warning, null, properties, type.Identifier.ValueText, "3 of 4 controllers use [Authorize]"));
                },
                SyntaxKind.ClassDeclaration);
        });
    }

    private static bool HasAuthorize(ClassDeclarationSyntax type)
        => type.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "Authorize" or "AuthorizeAttribute");
}

[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StandInHardcodedSecretAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticRules.HardcodedSecret);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterSyntaxNodeAction(
            node =>
            {
                var declarator = (VariableDeclaratorSyntax)node.Node;
                var name = declarator.Identifier.ValueText.ToLowerInvariant();
                if (declarator.Initializer?.Value is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal
                    && (name.Contains("token", StringComparison.Ordinal) || name.Contains("secret", StringComparison.Ordinal) || name.Contains("password", StringComparison.Ordinal))
                    && literal.Token.ValueText.Length >= 8)
                {
                    var properties = new IncidentProperties(0.95, IncidentSeverities.Critical, RemediationStrategies.EnvironmentLookup, VerificationStrategies.SecretAbsent)
                        .With(DiagnosticPropertyNames.SecretKind, "github-token")
                        .ToImmutable();
                    node.ReportDiagnostic(Diagnostic.Create(DiagnosticRules.HardcodedSecret, literal.GetLocation(), DiagnosticSeverity.Warning, null, properties, "GitHub token", declarator.Identifier.ValueText, "github-token"));
                }
            },
            SyntaxKind.VariableDeclarator);
    }
}
