using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Infrastructure;

public static class SymbolExtensions
{
    /// <summary>True when <paramref name="type"/> is <paramref name="baseType"/> or derives from it.</summary>
    public static bool InheritsFromOrEquals(this ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="type"/> is, derives from, or implements <paramref name="other"/>.</summary>
    public static bool IsOrImplements(this ITypeSymbol? type, INamedTypeSymbol? other)
    {
        if (type is null || other is null)
        {
            return false;
        }

        if (type.InheritsFromOrEquals(other))
        {
            return true;
        }

        foreach (var candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, other))
            {
                return true;
            }
        }

        return false;
    }
}
