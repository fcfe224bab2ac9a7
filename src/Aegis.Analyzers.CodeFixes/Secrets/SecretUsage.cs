using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;

namespace Aegis.Analyzers.CodeFixes.Secrets;

/// <summary>Where a secret sits and how the members it initializes are used: what decides whether a lookup may replace it.</summary>
internal static class SecretUsage
{
    /// <summary>Whether the code at a spot can read instance members of its type.</summary>
    public enum Context
    {
        /// <summary>An instance method, accessor or non-static lambda in one: instance members are readable.</summary>
        InstanceBody,

        /// <summary>A non-primary instance constructor body: instance members yes, primary-constructor parameters no.</summary>
        ConstructorBody,

        /// <summary>An instance field or property initializer: primary-constructor parameters yes, instance members no (CS0236).</summary>
        InstanceInitializer,

        /// <summary>Static code, or a constructor initializer: only static members.</summary>
        Static,
    }

    public static Context ContextOf(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node.Ancestors().Any(a => a is ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax))
        {
            return Context.Static;
        }

        switch (node.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault())
        {
            case FieldDeclarationSyntax field:
                return field.Modifiers.Any(SyntaxKind.StaticKeyword) || field.Modifiers.Any(SyntaxKind.ConstKeyword) ? Context.Static : Context.InstanceInitializer;
            case PropertyDeclarationSyntax property when property.Initializer is { } initializer && initializer.Span.Contains(node.Span):
                return property.Modifiers.Any(SyntaxKind.StaticKeyword) ? Context.Static : Context.InstanceInitializer;
        }

        var symbol = model.GetEnclosingSymbol(node.SpanStart, cancellationToken);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } function)
        {
            if (function.IsStatic)
            {
                return Context.Static;
            }

            symbol = function.ContainingSymbol;
        }

        return symbol switch
        {
            IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Constructor } constructor when !IsPrimaryConstructor(constructor) => Context.ConstructorBody,
            IMethodSymbol { IsStatic: false, MethodKind: not MethodKind.Constructor } => Context.InstanceBody,
            _ => Context.Static,
        };
    }

    public static bool IsPrimaryConstructor(IMethodSymbol constructor)
        => constructor.MethodKind == MethodKind.Constructor
            && constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax);

    /// <summary>How a primary-constructor parameter is used: in member initializers, and captured by members.</summary>
    public static (bool InInitializers, bool Captured) PrimaryParameterUse(IParameterSymbol parameter, SemanticModel model, CancellationToken cancellationToken)
    {
        var inInitializers = false;
        var captured = false;
        foreach (var reference in parameter.ContainingType.DeclaringSyntaxReferences)
        {
            var type = reference.GetSyntax(cancellationToken);
            if (type.SyntaxTree != model.SyntaxTree)
            {
                // A partial type's other files are not bound here: assume the worst for both.
                return (true, true);
            }

            foreach (var name in type.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != parameter.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, parameter))
                {
                    continue;
                }

                if (name.Ancestors().Any(a => a is PrimaryConstructorBaseTypeSyntax)
                    || name.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() is FieldDeclarationSyntax
                    || name.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() is PropertyDeclarationSyntax { Initializer: { } initializer } && initializer.Span.Contains(name.Span))
                {
                    inInitializers = true;
                }
                else
                {
                    captured = true;
                }
            }
        }

        return (inInitializers, captured);
    }

    /// <summary>Every place the symbol is referenced, with the semantic model of its document.</summary>
    public static async Task<IReadOnlyList<(SyntaxNode Node, SemanticModel Model)>> ReferencesAsync(ISymbol symbol, Solution solution, CancellationToken cancellationToken)
    {
        var result = new List<(SyntaxNode, SemanticModel)>();
        foreach (var referenced in await SymbolFinder.FindReferencesAsync(symbol, solution, cancellationToken).ConfigureAwait(false))
        {
            foreach (var location in referenced.Locations)
            {
                var root = await location.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await location.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || model is null)
                {
                    continue;
                }

                result.Add((root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true), model));
            }
        }

        return result;
    }

    /// <summary>Attribute arguments, case labels, patterns, default parameter values and const initializers need a constant.</summary>
    public static bool IsConstantOnlyUse(SyntaxNode reference)
    {
        foreach (var ancestor in reference.Ancestors())
        {
            switch (ancestor)
            {
                case AttributeArgumentSyntax:
                case SwitchLabelSyntax:
                case PatternSyntax:
                case EqualsValueClauseSyntax { Parent: ParameterSyntax }:
                    return true;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.IsExpression) && binary.Right.Span.Contains(reference.Span):
                    // `s is Key` binds Key as a constant pattern.
                    return true;
                case EqualsValueClauseSyntax { Parent.Parent.Parent: FieldDeclarationSyntax field }:
                    return field.Modifiers.Any(SyntaxKind.ConstKeyword);
                case EqualsValueClauseSyntax { Parent.Parent.Parent: LocalDeclarationStatementSyntax local }:
                    return local.Modifiers.Any(SyntaxKind.ConstKeyword);
                case StatementSyntax:
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// A static initializer written before the declaration reads the field before a <c>static readonly</c> one is
    /// set (a const never had that problem).
    /// </summary>
    public static bool IsReadByEarlierStaticInitializer(SyntaxNode reference, SyntaxNode declaration)
    {
        if (reference.SyntaxTree != declaration.SyntaxTree || reference.SpanStart >= declaration.SpanStart)
        {
            return false;
        }

        return reference.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() switch
        {
            FieldDeclarationSyntax field => field.Modifiers.Any(SyntaxKind.StaticKeyword),
            PropertyDeclarationSyntax { Initializer: { } initializer } property => property.Modifiers.Any(SyntaxKind.StaticKeyword) && initializer.Span.Contains(reference.Span),
            _ => false,
        };
    }

    /// <summary>True when the reference would still compile if the member became an instance member of <paramref name="type"/>.</summary>
    public static bool AllowsInstanceMember(SyntaxNode reference, SemanticModel model, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (reference is not IdentifierNameSyntax name)
        {
            return false;
        }

        if (name.Ancestors().Any(a => a is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } }))
        {
            return true;
        }

        if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name && access.Expression is not ThisExpressionSyntax)
        {
            return false;
        }

        return ContextOf(name, model, cancellationToken) is Context.InstanceBody or Context.ConstructorBody
            && SymbolEqualityComparer.Default.Equals(model.GetEnclosingSymbol(name.SpanStart, cancellationToken)?.ContainingType, type);
    }

    /// <summary>Assignments, increments and <c>ref</c>/<c>out</c> uses: a field written anywhere cannot become a get-only property.</summary>
    public static bool IsWrite(SyntaxNode reference)
    {
        var expression = reference.Parent is MemberAccessExpressionSyntax access && access.Name == reference ? access : reference;
        switch (expression.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Left == expression:
            case PrefixUnaryExpressionSyntax:
            case PostfixUnaryExpressionSyntax:
            case RefExpressionSyntax:
                return true;
            case ArgumentSyntax argument:
                return !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                    || (argument.Parent is TupleExpressionSyntax tuple && tuple.Parent is AssignmentExpressionSyntax deconstruction && deconstruction.Left == tuple);
            default:
                return false;
        }
    }
}
