using Aegis.Engine.Analysis;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// The baseline a build or a scan compares its incidents with (<c>.aegis/baseline.json</c> by default, an
/// <c>aegis.snapshot/v1</c> file): which findings are existing debt (<c>unchanged</c>) and which are <c>new</c>.
/// The matching is drift's (<see cref="IncidentMatching"/>), so a build and <c>aegis drift</c> agree.
/// </summary>
public sealed class BuildBaseline
{
    /// <summary>The value of <c>--baseline</c> / <c>AegisBaseline</c> that turns the baseline off.</summary>
    public const string None = "none";

    private BuildBaseline(ResolvedBaseline resolved, string repositoryRoot)
    {
        Path = resolved.Path;
        Snapshot = resolved.Snapshot;
        RepositoryRoot = repositoryRoot;
    }

    public string Path { get; }

    public string Id => Snapshot.Id;

    public Snapshot Snapshot { get; }

    private string RepositoryRoot { get; }

    /// <summary>
    /// The baseline to apply, or null. <paramref name="option"/>: <c>none</c>, a path, a snapshot id or <c>latest</c>
    /// (<see cref="Baselines.Resolve"/>), or null for <c>.aegis/baseline.json</c> when present if
    /// <paramref name="defaultWhenAbsent"/> (scan, verify; a build passes what MSBuild resolved, and nothing means
    /// none). A named baseline that is missing (AEGB065) or that holds none of this repository's files (AEGB066) is
    /// not applied and said through <paramref name="warn"/>: the build goes on, every incident new. A corrupt one is
    /// AEGB005, naming it (never overwritten).
    /// </summary>
    public static BuildBaseline? Resolve(string root, string? option, bool defaultWhenAbsent, Action<string, string> warn)
    {
        if (string.Equals(option, None, StringComparison.OrdinalIgnoreCase) || (option is null && !defaultWhenAbsent))
        {
            return null;
        }

        ResolvedBaseline? resolved;
        try
        {
            resolved = Baselines.Resolve(root, option);
        }
        catch (AegisException exception) when (exception.Code == ErrorCodes.SnapshotNotFound)
        {
            warn(ErrorCodes.BaselineNotFound, "the baseline does not exist: " + exception.Message + "; every incident counts as new");
            return null;
        }

        if (resolved is null)
        {
            return null;
        }

        if (!resolved.Snapshot.IsFromThisRepository(root))
        {
            warn(ErrorCodes.ForeignBaselineNotApplied, Baselines.FromAnotherRepositoryMessage(root, resolved) + "; every incident counts as new");
            return null;
        }

        return new BuildBaseline(resolved, System.IO.Path.GetFullPath(root));
    }

    /// <summary>Marks every incident <c>new</c> or <c>unchanged</c>; returns how many of each.</summary>
    public (int New, int Unchanged) Apply(IReadOnlyList<Incident> incidents)
    {
        var current = incidents.Select(SnapshotIncident.From).ToList();
        // The files on this side: the baseline's that still exist, and the incidents' own (a renamed file is in neither
        // list twice, which is how the matching tells a rename from a new finding).
        var filesNow = Snapshot.Files.Keys.Where(f => File.Exists(System.IO.Path.Combine(RepositoryRoot, f)))
            .Concat(current.Select(i => i.File))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(f => f, _ => "", StringComparer.Ordinal);
        var comparison = IncidentMatching.Compare(Snapshot.Incidents, current, Snapshot.Files, filesNow);
        var unchanged = comparison.Unchanged.Select(m => m.After).ToHashSet(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < incidents.Count; i++)
        {
            incidents[i].BaselineState = unchanged.Contains(current[i]) ? BaselineStates.Unchanged : BaselineStates.New;
        }

        return (incidents.Count - unchanged.Count, unchanged.Count);
    }
}

/// <summary>An incident's <c>baseline_state</c> in the card and <c>baselineState</c> in SARIF.</summary>
public static class BaselineStates
{
    public const string New = "new";
    public const string Unchanged = "unchanged";
}
