using System.Text.Json.Nodes;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// The repository's security state at one moment (schema <c>aegis.snapshot/v1</c>, docs/snapshot.schema.json):
/// <c>.aegis/snapshots/&lt;id&gt;.json</c>, and <c>.aegis/baseline.json</c> in the same shape (with <see cref="Accepted"/>).
/// </summary>
public sealed record Snapshot
{
    public const string SchemaName = "aegis.snapshot/v1";

    public string Schema { get; init; } = SchemaName;

    /// <summary><c>20261202T071500Z-3f9a1c</c>: the time first, so that ids sort as they were taken.</summary>
    public string Id { get; init; } = "";

    public string? Name { get; init; }

    /// <summary>UTC, ISO 8601 to the second (<c>2026-12-02T07:15:00Z</c>).</summary>
    public string CreatedAt { get; init; } = "";

    public string ToolVersion { get; init; } = "";

    public string RepositoryName { get; init; } = "";

    public string? GitHead { get; init; }

    public int LinesOfCode { get; init; }

    public double HealthScore { get; init; }

    /// <summary>The repository profile, one section per project (as <c>.aegis/profile.json</c> holds it).</summary>
    public JsonObject Profile { get; init; } = new();

    /// <summary>Repository-relative path (<c>/</c>) → sha256 of the files that matter (<see cref="RepositoryFiles"/>), sorted.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<SnapshotIncident> Incidents { get; init; } = Array.Empty<SnapshotIncident>();

    /// <summary>Baselines only: the new incidents a person accepted, with who, why and when.</summary>
    public IReadOnlyList<AcceptedIncident> Accepted { get; init; } = Array.Empty<AcceptedIncident>();

    /// <summary>
    /// False when none of the snapshot's files exists in <paramref name="repositoryRoot"/>: a baseline copied from
    /// another repository, which would hide nothing and report everything resolved; it is reported, never applied.
    /// A snapshot with no files (an empty repository) belongs anywhere.
    /// </summary>
    public bool IsFromThisRepository(string repositoryRoot)
        => Files.Count == 0 || Files.Keys.Any(file => File.Exists(Path.Combine(repositoryRoot, file)));
}
