using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>Which snapshot a build, drift or status compares with.</summary>
public static class Baselines
{
    public const string Latest = "latest";

    /// <summary>
    /// <paramref name="pathOrId"/>: null → <c>.aegis/baseline.json</c> when present, else null; <c>latest</c> → the newest
    /// snapshot; a snapshot id → <c>.aegis/snapshots/&lt;id&gt;.json</c>; anything else → a file path (relative to the
    /// current folder, else to the repository root). A named snapshot that does not exist is AEGB060; one that does
    /// not parse is AEGB005 naming it.
    /// </summary>
    public static ResolvedBaseline? Resolve(string repositoryRoot, string? pathOrId)
    {
        var root = Path.GetFullPath(repositoryRoot);
        if (string.IsNullOrWhiteSpace(pathOrId))
        {
            var baseline = SnapshotStore.BaselinePath(root);
            return File.Exists(baseline) ? new ResolvedBaseline(baseline, SnapshotStore.Read(baseline)) : null;
        }

        if (pathOrId == Latest)
        {
            var latest = SnapshotStore.LatestPath(root)
                ?? throw new AegisException(ErrorCodes.SnapshotNotFound, "no snapshot under " + SnapshotStore.Folder(root) + " (--baseline latest); run 'aegis snapshot' first");
            return new ResolvedBaseline(latest, SnapshotStore.Read(latest));
        }

        var path = SnapshotStore.IsId(pathOrId) ? SnapshotStore.PathOf(root, pathOrId)
            : File.Exists(Path.GetFullPath(pathOrId)) ? Path.GetFullPath(pathOrId)
            : Path.GetFullPath(Path.Combine(root, pathOrId));
        if (!File.Exists(path))
        {
            throw new AegisException(ErrorCodes.SnapshotNotFound, "no snapshot " + pathOrId + " (looked for " + path + "); 'aegis status' lists the snapshots");
        }

        return new ResolvedBaseline(path, SnapshotStore.Read(path));
    }

    /// <summary>AEGB061 when <paramref name="baseline"/> holds none of the repository's files: it is reported, not applied.</summary>
    public static void MustBeFromThisRepository(string repositoryRoot, ResolvedBaseline baseline)
    {
        if (!baseline.Snapshot.IsFromThisRepository(repositoryRoot))
        {
            throw new AegisException(ErrorCodes.BaselineFromAnotherRepository, FromAnotherRepositoryMessage(repositoryRoot, baseline));
        }
    }

    public static string FromAnotherRepositoryMessage(string repositoryRoot, ResolvedBaseline baseline)
        => $"baseline {baseline.Path} (repository '{baseline.Snapshot.RepositoryName}', {baseline.Snapshot.Files.Count} file(s)) holds none of the files of {Path.GetFullPath(repositoryRoot)}: it is from another repository and is not applied";
}

/// <summary>A baseline and the file it came from.</summary>
public sealed record ResolvedBaseline(string Path, Snapshot Snapshot);
