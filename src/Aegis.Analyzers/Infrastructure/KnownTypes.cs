using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// Framework types resolved once per compilation. The raw lookup is banned everywhere else (BannedSymbols.txt),
/// because it walks every referenced assembly each time it is called.
/// </summary>
public sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new();

    private readonly Compilation compilation;
    private readonly ConcurrentDictionary<string, INamedTypeSymbol?> types = new(StringComparer.Ordinal);

    private KnownTypes(Compilation compilation) => this.compilation = compilation;

    /// <summary>The shared instance for a compilation: all Aegis analyzers resolve through one cache.</summary>
    public static KnownTypes For(Compilation compilation) => Cache.GetValue(compilation, c => new KnownTypes(c));

    public Compilation Compilation => compilation;

    /// <summary>How many names were looked up so far, found or not (tests watch it).</summary>
    internal int ResolvedCount => types.Count;

    /// <summary>The type with this metadata name, or null when the compilation does not reference it.</summary>
    public INamedTypeSymbol? Get(string metadataName)
#pragma warning disable RS0030 // This is the one sanctioned call site.
        => types.GetOrAdd(metadataName, name => compilation.GetTypeByMetadataName(name));
#pragma warning restore RS0030
}
