using System.Collections.Concurrent;
using System.Collections.Immutable;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Sql;

/// <summary>
/// The one implementation, in this compilation, of an interface or abstract method — what a call through an
/// injected <c>IQueryFactory</c> runs when the application has one factory. With none or several there is no
/// answer: the rule cannot know which one runs. One instance per compilation.
/// </summary>
internal sealed class SingleImplementations
{
    private readonly Compilation compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, IMethodSymbol?> implementations = new(SymbolEqualityComparer.Default);
    private ImmutableArray<INamedTypeSymbol> sourceTypes;

    public SingleImplementations(Compilation compilation) => this.compilation = compilation;

    /// <summary>The implementation with source of an abstract or interface method, when exactly one exists; else null.</summary>
    public IMethodSymbol? Of(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        return method.IsAbstract && method.MethodKind == MethodKind.Ordinary
            ? implementations.GetOrAdd(method, m => Find(m, cancellationToken))
            : null;
    }

    private IMethodSymbol? Find(IMethodSymbol method, CancellationToken cancellationToken)
    {
        IMethodSymbol? found = null;
        foreach (var type in SourceTypes(cancellationToken))
        {
            if (type.IsAbstract || type.TypeKind is not (TypeKind.Class or TypeKind.Struct)
                || ImplementationIn(type, method)?.OriginalDefinition is not { IsAbstract: false } implementation)
            {
                continue;
            }

            if (found is null)
            {
                found = implementation;
            }
            else if (!SymbolEqualityComparer.Default.Equals(found, implementation))
            {
                return null;
            }
        }

        return found is { DeclaringSyntaxReferences.Length: > 0 } ? found : null;
    }

    private static IMethodSymbol? ImplementationIn(INamedTypeSymbol type, IMethodSymbol method)
    {
        var owner = method.ContainingType;
        if (owner.TypeKind == TypeKind.Interface)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, owner))
                {
                    continue;
                }

                foreach (var member in implemented.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, method))
                    {
                        return type.FindImplementationForInterfaceMember(member) as IMethodSymbol;
                    }
                }
            }

            return null;
        }

        if (!type.InheritsFromOrEquals(owner))
        {
            return null;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var candidate in current.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                for (var overridden = candidate; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method))
                    {
                        return candidate;
                    }
                }
            }
        }

        return null;
    }

    private ImmutableArray<INamedTypeSymbol> SourceTypes(CancellationToken cancellationToken)
    {
        if (sourceTypes.IsDefault)
        {
            var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var current = pending.Pop();
                if (current is INamespaceSymbol space)
                {
                    foreach (var member in space.GetMembers())
                    {
                        pending.Push(member);
                    }
                }
                else if (current is INamedTypeSymbol type)
                {
                    types.Add(type);
                    foreach (var nested in type.GetTypeMembers())
                    {
                        pending.Push(nested);
                    }
                }
            }

            ImmutableInterlocked.InterlockedInitialize(ref sourceTypes, types.ToImmutable());
        }

        return sourceTypes;
    }
}
