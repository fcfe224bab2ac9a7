using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// Counts how the code reads configuration: <c>IConfiguration</c> reads, <c>IOptions&lt;T&gt;</c>-family
/// dependencies and <c>Environment.GetEnvironmentVariable</c> calls. A syntax scan by name finds candidates; the
/// semantic model is asked only in trees that have some, and only about those.
/// </summary>
internal static class ConfigurationProfileBuilder
{
    private static readonly HashSet<string> ConfigurationMethods = new(StringComparer.Ordinal) { "GetValue", "GetSection", "GetConnectionString", "GetRequiredSection" };

    private static readonly HashSet<string> OptionsTypeNames = new(StringComparer.Ordinal) { "IOptions", "IOptionsSnapshot", "IOptionsMonitor" };

    private static readonly string[] OptionsMetadataNames =
    {
        "Microsoft.Extensions.Options.IOptions`1",
        "Microsoft.Extensions.Options.IOptionsSnapshot`1",
        "Microsoft.Extensions.Options.IOptionsMonitor`1",
    };

    public static ConfigurationProfile Build(KnownTypes types, CancellationToken cancellationToken)
    {
        var configuration = types.Get("Microsoft.Extensions.Configuration.IConfiguration");
        var environment = types.Get("System.Environment");
        var options = OptionsMetadataNames.Select(types.Get).Where(t => t is not null).Select(t => t!).ToArray();
        if (configuration is null && environment is null && options.Length == 0)
        {
            return ConfigurationProfile.Empty;
        }

        int configurationUsages = 0, optionsUsages = 0, environmentUsages = 0;
        foreach (var tree in types.Compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidates = new List<SyntaxNode>();
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                if (IsCandidate(node))
                {
                    candidates.Add(node);
                }
            }

            if (candidates.Count == 0)
            {
                continue;
            }

            var model = types.Compilation.GetSemanticModel(tree);
            foreach (var node in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (node)
                {
                    case ElementAccessExpressionSyntax access when IsConfiguration(model.GetTypeInfo(access.Expression, cancellationToken).Type, configuration):
                        configurationUsages++;
                        break;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } invocation:
                        var method = model.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol;
                        if (method is null)
                        {
                            break;
                        }

                        if (member.Name.Identifier.ValueText == "GetEnvironmentVariable")
                        {
                            environmentUsages += SymbolEqualityComparer.Default.Equals(method.ContainingType, environment) ? 1 : 0;
                        }
                        else
                        {
                            var receiver = method.ReducedFrom is not null || method.IsExtensionMethod
                                ? model.GetTypeInfo(member.Expression, cancellationToken).Type
                                : method.ContainingType;
                            configurationUsages += IsConfiguration(receiver, configuration) ? 1 : 0;
                        }

                        break;
                    case ParameterSyntax or FieldDeclarationSyntax or PropertyDeclarationSyntax:
                        var typeSyntax = node switch
                        {
                            ParameterSyntax parameter => parameter.Type,
                            FieldDeclarationSyntax field => field.Declaration.Type,
                            _ => ((PropertyDeclarationSyntax)node).Type,
                        };
                        if (typeSyntax is null)
                        {
                            break;
                        }

                        var type = model.GetTypeInfo(typeSyntax, cancellationToken).Type as INamedTypeSymbol;
                        optionsUsages += type is not null && options.Any(o => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, o)) ? 1 : 0;
                        break;
                }
            }
        }

        var style = configurationUsages >= optionsUsages && configurationUsages >= environmentUsages && configurationUsages > 0 ? "configuration"
            : optionsUsages >= environmentUsages && optionsUsages > 0 ? "options"
            : "environment";
        return new ConfigurationProfile(style, configurationUsages, optionsUsages, environmentUsages);
    }

    private static bool IsCandidate(SyntaxNode node) => node switch
    {
        ElementAccessExpressionSyntax access => access.ArgumentList.Arguments.Count == 1
            && access.ArgumentList.Arguments[0].Expression is LiteralExpressionSyntax or InterpolatedStringExpressionSyntax or BinaryExpressionSyntax,
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }
            => member.Name.Identifier.ValueText == "GetEnvironmentVariable" || ConfigurationMethods.Contains(member.Name.Identifier.ValueText),
        ParameterSyntax { Type: { } type } => IsOptionsTypeName(type),
        FieldDeclarationSyntax field => IsOptionsTypeName(field.Declaration.Type),
        PropertyDeclarationSyntax property => IsOptionsTypeName(property.Type),
        _ => false,
    };

    private static bool IsOptionsTypeName(TypeSyntax type)
    {
        if (type is NullableTypeSyntax nullable)
        {
            type = nullable.ElementType;
        }

        var name = type switch
        {
            GenericNameSyntax generic => generic.Identifier.ValueText,
            QualifiedNameSyntax { Right: GenericNameSyntax right } => right.Identifier.ValueText,
            _ => null,
        };
        return name is not null && OptionsTypeNames.Contains(name);
    }

    private static bool IsConfiguration(ITypeSymbol? type, INamedTypeSymbol? configuration)
        => type.IsOrImplements(configuration);
}
