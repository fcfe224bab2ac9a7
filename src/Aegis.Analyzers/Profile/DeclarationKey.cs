using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// Everything a tree's meaning depends on besides its own text: the declarations of every tree (all tokens
/// except those of member bodies and top-level statements), the references and the compilation options. Under
/// equal keys a tree binds alike, so profile facts read from an unchanged tree can be reused by the next
/// compilation. In the IDE nearly every keystroke lands in a body: the key stays equal and only the edited tree
/// is read again, instead of the whole project.
/// </summary>
internal sealed class DeclarationKey
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    private static readonly ConditionalWeakTable<Compilation, DeclarationKey> Keys = new();

    // Per tree, so a new compilation hashes only the trees it does not share with the last one.
    private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<ulong>> TreeHashes = new();

    private readonly ulong declarations;
    private readonly ImmutableArray<MetadataReference> references;
    private readonly CompilationOptions options;

    private DeclarationKey(ulong declarations, ImmutableArray<MetadataReference> references, CompilationOptions options)
    {
        this.declarations = declarations;
        this.references = references;
        this.options = options;
    }

    public static DeclarationKey For(Compilation compilation, CancellationToken cancellationToken)
    {
        if (Keys.TryGetValue(compilation, out var key))
        {
            return key;
        }

        var hash = FnvOffset;
        foreach (var tree in compilation.SyntaxTrees)
        {
            hash = Mix(hash, TreeHash(tree, cancellationToken));
        }

        // Two threads may both compute it; the values are equal, the first one stored wins.
        return Keys.GetValue(compilation, _ => new DeclarationKey(hash, compilation.References.ToImmutableArray(), compilation.Options));
    }

    /// <summary>Same declarations, the very same reference objects, equal options.</summary>
    public bool Matches(DeclarationKey other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (declarations != other.declarations || references.Length != other.references.Length || !options.Equals(other.options))
        {
            return false;
        }

        for (var i = 0; i < references.Length; i++)
        {
            if (!ReferenceEquals(references[i], other.references[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong TreeHash(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (TreeHashes.TryGetValue(tree, out var cached))
        {
            return cached.Value;
        }

        var hash = FnvOffset;
        foreach (var token in tree.GetRoot(cancellationToken).DescendantTokens(descendIntoChildren: node => !IsBody(node)))
        {
            hash = Mix(hash, (ulong)token.RawKind);
            foreach (var c in token.Text)
            {
                hash = (hash ^ c) * FnvPrime;
            }
        }

        return TreeHashes.GetValue(tree, _ => new StrongBox<ulong>(hash)).Value;
    }

    /// <summary>
    /// Code that no other tree can see into: method, accessor and local-function bodies, expression bodies and
    /// top-level statements. (Field initializers stay: a constant's value is visible elsewhere.)
    /// </summary>
    private static bool IsBody(SyntaxNode node) => node switch
    {
        BlockSyntax { Parent: BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax } => true,
        ArrowExpressionClauseSyntax => true,
        GlobalStatementSyntax => true,
        _ => false,
    };

    private static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (value & 0xFF)) * FnvPrime;
            value >>= 8;
        }

        return hash;
    }
}
