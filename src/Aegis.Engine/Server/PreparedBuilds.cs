using System.Diagnostics;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;

namespace Aegis.Engine.Server;

/// <summary>
/// The card's expensive half, started by a <c>prepare</c> request before the compiler runs (docs/msbuild.md, "The card
/// overlaps the compiler"): load, analysis, patches and the file sandbox, which need only the compiler's inputs. The
/// build's later <c>run</c> request takes it, once, and uses it only when its own load gives the very same compilation
/// object (no source edited since, same options and references); otherwise it computes as the one-shot engine does.
/// Entries that nobody takes (the compile failed, the build was cancelled) are dropped after <see cref="Lifetime"/> or
/// when more than <see cref="Capacity"/> wait.
/// </summary>
public sealed class PreparedBuilds
{
    /// <summary>Builds waiting for their run: more than a solution's projects building at once is not expected.</summary>
    public const int Capacity = 16;

    /// <summary>A prepare whose run has not come within this is a build that stopped (a compile error): dropped.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly object gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>Seam for tests: elapsed time since an arbitrary start.</summary>
    internal Func<TimeSpan> Now { get; set; } = () => Stopwatch.GetElapsedTime(0);

    /// <summary>How many prepared builds wait for their run (tests).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>
    /// What a prepared result must have been computed with to serve a run: the compile inputs, the repository root and
    /// the sandbox mode (the build verb's arguments that reach the analysis and the sandbox; the others — fail-on,
    /// baseline, output, the SARIF log — are the run's own).
    /// </summary>
    public static string Key(string inputsPath, string repositoryRoot, string sandbox)
        => Path.GetFullPath(inputsPath) + "\n" + Path.GetFullPath(repositoryRoot) + "\n" + sandbox;

    /// <summary>
    /// Starts preparing in the background and returns at once; a prepare for the same key replaces the one before it
    /// (its work finishes unobserved). Loading goes through <paramref name="cache"/>, so the run's load of unchanged
    /// sources returns the compilation the preparation analyzed.
    /// </summary>
    public void Start(string key, CompileInputs inputs, EngineOptions options, LoadedProjectCache cache)
    {
        var work = Task.Run(() => new AegisEngine(options).PrepareAsync(cache.Load(inputs, CancellationToken.None), CancellationToken.None));
        // Failures are the run's to meet again and report; an unobserved one must not reach the finalizer's event.
        _ = work.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        lock (gate)
        {
            DropExpired();
            entries[key] = new Entry(work, options.Catalog, Now());
            while (entries.Count > Capacity)
            {
                entries.Remove(entries.MinBy(e => e.Value.Started).Key);
            }
        }
    }

    /// <summary>
    /// The prepared analysis for <paramref name="key"/>, removed (it is used once), awaited if still running; null when
    /// there is none, it expired, it was made with another catalog, or it failed (the run then computes, and meets the
    /// failure itself).
    /// </summary>
    public async Task<ProjectAnalysis?> TakeAsync(string key, AnalyzerCatalog catalog, CancellationToken cancellationToken)
    {
        Entry? entry;
        lock (gate)
        {
            DropExpired();
            if (!entries.Remove(key, out entry))
            {
                return null;
            }
        }

        if (!ReferenceEquals(entry.Catalog, catalog))
        {
            return null;
        }

        try
        {
            return await entry.Work.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The preparation waiting under <paramref name="key"/>, left in place (tests wait for it to finish).</summary>
    internal Task? Pending(string key)
    {
        lock (gate)
        {
            return entries.TryGetValue(key, out var entry) ? entry.Work : null;
        }
    }

    private void DropExpired()
    {
        var now = Now();
        foreach (var expired in entries.Where(e => now - e.Value.Started > Lifetime).Select(e => e.Key).ToList())
        {
            entries.Remove(expired);
        }
    }

    private sealed record Entry(Task<ProjectAnalysis> Work, AnalyzerCatalog Catalog, TimeSpan Started);
}
