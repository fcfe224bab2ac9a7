using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Policy;
using Aegis.Engine.Releases;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// <c>aegis status</c>: the accumulated state from files only — the last snapshot and the files changed since (hashes,
/// no compilation), the health trend, the baseline, knowledge-base rates, open releases and inbox counts.
/// </summary>
public sealed record ControlStatus
{
    /// <summary>How many snapshots the health trend shows.</summary>
    public const int TrendLength = 10;

    public string? LastSnapshotPath { get; init; }

    public Snapshot? LastSnapshot { get; init; }

    public FileChanges? FilesChanged { get; init; }

    public IReadOnlyList<Snapshot> Trend { get; init; } = Array.Empty<Snapshot>();

    public ResolvedBaseline? Baseline { get; init; }

    public bool BaselineFromAnotherRepository { get; init; }

    /// <summary>The knowledge base's patterns (<c>.aegis/knowledge/patterns.json</c>); null when there is none yet.</summary>
    public IReadOnlyList<KnowledgePattern>? Knowledge { get; init; }

    public IReadOnlyList<Release> OpenReleases { get; init; } = Array.Empty<Release>();

    public int? InboxEvents { get; init; }

    public int? InboxResults { get; init; }

    /// <summary>Set when <c>--scan</c> asked for a full drift (compiles the repository).</summary>
    public DriftReport? Drift { get; init; }

    public static ControlStatus Read(string repositoryRoot)
    {
        var root = Path.GetFullPath(repositoryRoot);
        var paths = SnapshotStore.Paths(root);
        var trend = paths.TakeLast(TrendLength).Select(SnapshotStore.Read).ToList();
        var last = trend.Count > 0 ? trend[^1] : null;
        var baseline = Baselines.Resolve(root, null);
        var releasesFolder = Path.Combine(root, ".aegis", ReleaseStore.FolderName);
        return new ControlStatus
        {
            LastSnapshotPath = paths.Count > 0 ? paths[^1] : null,
            LastSnapshot = last,
            FilesChanged = last is null ? null : RepositoryFiles.Compare(last.Files, RepositoryFiles.Hash(root)),
            Trend = trend,
            Baseline = baseline,
            BaselineFromAnotherRepository = baseline is not null && !baseline.Snapshot.IsFromThisRepository(root),
            Knowledge = File.Exists(KnowledgeBase.PathFor(root)) ? KnowledgeBase.Read(root).Patterns : null,
            OpenReleases = Directory.Exists(releasesFolder) ? new ReleaseStore(root, AegisPolicy.Load(root)).List().Where(r => r.IsOpen).ToList() : Array.Empty<Release>(),
            InboxEvents = Count(Path.Combine(root, ".aegis", "inbox", "events")),
            InboxResults = Count(Path.Combine(root, ".aegis", "inbox", "results")),
        };
    }

    /// <summary>Verified share of the repairs with a verdict (the raw rate; the boost smooths it, docs/knowledge.md).</summary>
    public static double SuccessRate(KnowledgePattern pattern) => pattern.Decided == 0 ? 0 : pattern.Verified / (double)pattern.Decided;

    private static int? Count(string folder) => Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Count() : null;

    public string ToJson(string repositoryRoot, int exitCode)
    {
        var json = new JsonText().BeginObject().Property("exit_code", exitCode).Name("last_snapshot");
        if (LastSnapshot is null)
        {
            json.Null();
        }
        else
        {
            json.BeginObject()
                .Property("path", RepositoryPaths.Relative(repositoryRoot, LastSnapshotPath!))
                .Property("id", LastSnapshot.Id)
                .Property("name", LastSnapshot.Name)
                .Property("created_at", LastSnapshot.CreatedAt)
                .Property("incidents", LastSnapshot.Incidents.Count)
                .Name("health_score").Number(LastSnapshot.HealthScore, "0.00")
                .EndObject();
        }

        json.Name("files_changed");
        if (FilesChanged is null)
        {
            json.Null();
        }
        else
        {
            json.BeginObject()
                .Property("count", FilesChanged.Count)
                .Property("added", FilesChanged.Added.Count)
                .Property("removed", FilesChanged.Removed.Count)
                .Property("modified", FilesChanged.Modified.Count)
                .Name("files").BeginArray();
            foreach (var file in FilesChanged.Added.Concat(FilesChanged.Removed).Concat(FilesChanged.Modified).OrderBy(f => f, StringComparer.Ordinal).Take(50))
            {
                json.String(file);
            }

            json.EndArray().EndObject();
        }

        json.Name("health_trend").BeginArray();
        foreach (var snapshot in Trend)
        {
            json.BeginObject().Property("id", snapshot.Id).Property("created_at", snapshot.CreatedAt).Name("health_score").Number(snapshot.HealthScore, "0.00").Property("incidents", snapshot.Incidents.Count).EndObject();
        }

        json.EndArray().Name("baseline");
        if (Baseline is null)
        {
            json.Null();
        }
        else
        {
            json.BeginObject()
                .Property("path", RepositoryPaths.Relative(repositoryRoot, Baseline.Path))
                .Property("id", Baseline.Snapshot.Id)
                .Property("incidents", Baseline.Snapshot.Incidents.Count)
                .Property("accepted", Baseline.Snapshot.Accepted.Count)
                .Property("from_another_repository", BaselineFromAnotherRepository)
                .EndObject();
        }

        json.Name("knowledge_base");
        if (Knowledge is null)
        {
            json.Null();
        }
        else
        {
            json.BeginArray();
            foreach (var pattern in Knowledge.OrderBy(p => p.Rule, StringComparer.Ordinal).ThenBy(p => p.RemediationStrategy, StringComparer.Ordinal))
            {
                KnowledgeBase.Counts(json.BeginObject(), pattern)
                    .Name("success_rate");
                if (pattern.Decided == 0)
                {
                    json.Null();
                }
                else
                {
                    json.Number(SuccessRate(pattern), "0.00");
                }

                json.EndObject();
            }

            json.EndArray();
        }

        json.Name("open_releases").BeginArray();
        foreach (var release in OpenReleases)
        {
            json.BeginObject().Property("id", release.Id).Property("name", release.Name).Property("state", release.State).Property("weight", release.Weight).EndObject();
        }

        json.EndArray().Name("inbox").BeginObject().Name("events");
        Nullable(json, InboxEvents);
        json.Name("results");
        Nullable(json, InboxResults);
        json.EndObject().Name("drift");
        if (Drift is null)
        {
            json.Null();
        }
        else
        {
            json.BeginObject()
                .Property("baseline", Drift.Baseline.Snapshot.Id)
                .Property("new", Drift.Incidents.New.Count)
                .Property("resolved", Drift.Incidents.Resolved.Count)
                .Property("unchanged", Drift.Incidents.Unchanged.Count)
                .Name("health_after").Number(Drift.HealthAfter, "0.00")
                .EndObject();
        }

        return json.EndObject().ToString();
    }

    public IEnumerable<string> ToText(string repositoryRoot)
    {
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        static string H(double h) => h.ToString("0.00", CultureInfo.InvariantCulture);
        yield return LastSnapshot is null
            ? "aegis: no snapshot yet (aegis snapshot writes one)"
            : $"aegis: last snapshot {LastSnapshot.Id}{(LastSnapshot.Name is null ? "" : " (" + LastSnapshot.Name + ")")} at {LastSnapshot.CreatedAt}: {N(LastSnapshot.Incidents.Count)} incident(s), health {H(LastSnapshot.HealthScore)}";
        if (FilesChanged is not null)
        {
            yield return $"  files changed since: {N(FilesChanged.Count)} ({N(FilesChanged.Added.Count)} added, {N(FilesChanged.Removed.Count)} removed, {N(FilesChanged.Modified.Count)} modified){(FilesChanged.Count > 0 ? "; aegis drift (or status --scan) says what that did" : "")}";
        }

        if (Trend.Count > 1)
        {
            yield return "  health trend: " + string.Join(" → ", Trend.Select(s => H(s.HealthScore)));
        }

        yield return Baseline is null
            ? "  baseline: none (aegis snapshot --baseline adopts the current state)"
            : $"  baseline: {RepositoryPaths.Relative(repositoryRoot, Baseline.Path)} ({Baseline.Snapshot.Id}): {N(Baseline.Snapshot.Incidents.Count)} incident(s), {N(Baseline.Snapshot.Accepted.Count)} accepted{(BaselineFromAnotherRepository ? "; FROM ANOTHER REPOSITORY, not applied" : "")}";
        yield return Knowledge is null || Knowledge.Count == 0
            ? "  knowledge base: none"
            : "  knowledge base: " + string.Join(", ", Knowledge.OrderBy(p => p.Rule, StringComparer.Ordinal).ThenBy(p => p.RemediationStrategy, StringComparer.Ordinal)
                .Select(p => $"{p.Rule}/{p.RemediationStrategy} {N(p.Verified)}/{N(p.Decided)} verified{(p.Regressed > 0 ? ", " + N(p.Regressed) + " regressed" : "")}"));
        yield return OpenReleases.Count == 0 ? "  open releases: none" : "  open releases: " + string.Join(", ", OpenReleases.Select(r => r.Id + " " + r.State));
        yield return InboxEvents is null && InboxResults is null ? "  inbox: none" : $"  inbox: {N(InboxEvents ?? 0)} event(s) waiting, {N(InboxResults ?? 0)} result(s)";
        if (Drift is not null)
        {
            yield return $"  drift since {Drift.Baseline.Snapshot.Id}: {N(Drift.Incidents.New.Count)} new, {N(Drift.Incidents.Resolved.Count)} resolved, {N(Drift.Incidents.Unchanged.Count)} unchanged; health {H(Drift.HealthAfter)}";
        }
    }

    private static void Nullable(JsonText json, int? value)
    {
        if (value is { } n)
        {
            json.Number(n);
        }
        else
        {
            json.Null();
        }
    }
}
