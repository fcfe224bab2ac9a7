using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// What one profile section read from one syntax tree, kept while the tree is alive and reused by any
/// compilation with the same <see cref="DeclarationKey"/>. Facts must be plain data (counts and strings): a
/// symbol or operation would keep an old compilation alive.
/// </summary>
internal sealed class TreeFactsCache<TFacts>
    where TFacts : class
{
    private readonly ConditionalWeakTable<SyntaxTree, Slot> slots = new();
    private int reads;

    /// <summary>How many trees were read rather than reused (tests watch it).</summary>
    internal int Reads => Volatile.Read(ref reads);

    /// <summary>
    /// True when some of <paramref name="trees"/> has facts already. Only then is a <see cref="DeclarationKey"/> worth
    /// computing: a compilation whose trees are all new (a build) never pays for hashing declarations. Its facts are
    /// stored without a key, so the first compilation that shares its trees (the first edit in the IDE) reads them
    /// again, with a key; every later one reuses them.
    /// </summary>
    public bool HasFactsForAny(IEnumerable<SyntaxTree> trees)
    {
        foreach (var tree in trees)
        {
            if (slots.TryGetValue(tree, out var slot) && slot.Entry is not null)
            {
                return true;
            }
        }

        return false;
    }

    public TFacts Get(SyntaxTree tree, DeclarationKey? key, Func<SyntaxTree, TFacts> read)
    {
        var slot = slots.GetValue(tree, _ => new Slot());
        var entry = slot.Entry;
        if (key is not null && entry?.Key is { } stored && stored.Matches(key))
        {
            return entry.Facts;
        }

        // Concurrent readers of one tree may both read it; the facts are equal, the last one stored stays.
        var facts = read(tree);
        Interlocked.Increment(ref reads);
        slot.Entry = new Entry(key, facts);
        return facts;
    }

    private sealed class Slot
    {
        private volatile Entry? entry;

        public Entry? Entry
        {
            get => entry;
            set => entry = value;
        }
    }

    private sealed class Entry
    {
        public Entry(DeclarationKey? key, TFacts facts)
        {
            Key = key;
            Facts = facts;
        }

        public DeclarationKey? Key { get; }

        public TFacts Facts { get; }
    }
}
