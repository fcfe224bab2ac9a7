using System.Globalization;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>What changed since a baseline or snapshot: incidents new / resolved / unchanged, files changed, health.</summary>
public sealed record DriftReport(ResolvedBaseline Baseline, Snapshot Current, IncidentComparison Incidents, FileChanges Files)
{
    public double HealthBefore => Baseline.Snapshot.HealthScore;

    public double HealthAfter => Current.HealthScore;

    public double HealthDelta => Math.Round(HealthAfter - HealthBefore, 2, MidpointRounding.AwayFromZero);

    public static DriftReport Compute(ResolvedBaseline baseline, Snapshot current)
        => new(baseline, current, IncidentMatching.Compare(baseline.Snapshot.Incidents, current.Incidents, baseline.Snapshot.Files, current.Files), RepositoryFiles.Compare(baseline.Snapshot.Files, current.Files));

    public string ToJson(string repositoryRoot, int? failOnNew, int exitCode)
    {
        var json = new JsonText().BeginObject()
            .Property("exit_code", exitCode)
            .Name("baseline").BeginObject()
                .Property("path", RepositoryPaths.Relative(repositoryRoot, Baseline.Path))
                .Property("id", Baseline.Snapshot.Id)
                .Property("created_at", Baseline.Snapshot.CreatedAt)
            .EndObject()
            .Name("counts").BeginObject()
                .Property("new", Incidents.New.Count)
                .Property("resolved", Incidents.Resolved.Count)
                .Property("unchanged", Incidents.Unchanged.Count)
                .Property("renamed", Incidents.Unchanged.Count(m => m.Renamed))
            .EndObject()
            .Name("fail_on_new");
        if (failOnNew is { } limit)
        {
            json.Number(limit);
        }
        else
        {
            json.Null();
        }

        json.Name("new").BeginArray();
        foreach (var incident in Incidents.New)
        {
            SnapshotJson.WriteIncident(json, incident, withSecretHash: false);
        }

        json.EndArray().Name("resolved").BeginArray();
        foreach (var incident in Incidents.Resolved)
        {
            SnapshotJson.WriteIncident(json, incident, withSecretHash: false);
        }

        json.EndArray().Name("unchanged").BeginArray();
        foreach (var matched in Incidents.Unchanged)
        {
            json.BeginObject()
                .Property("fingerprint", matched.After.Fingerprint)
                .Property("rule", matched.After.Rule)
                .Property("file", matched.After.File)
                .Property("line", matched.After.Line)
                .Property("was", matched.Before.File == matched.After.File ? null : matched.Before.File)
                .EndObject();
        }

        json.EndArray().Name("files_changed").BeginObject();
        foreach (var (name, files) in new[] { ("added", Files.Added), ("removed", Files.Removed), ("modified", Files.Modified) })
        {
            json.Name(name).BeginArray();
            foreach (var file in files)
            {
                json.String(file);
            }

            json.EndArray();
        }

        return json.EndObject()
            .Name("health").BeginObject()
                .Name("before").Number(HealthBefore, "0.00")
                .Name("after").Number(HealthAfter, "0.00")
                .Name("delta").Number(HealthDelta, "0.00")
            .EndObject()
            .EndObject().ToString();
    }

    public IEnumerable<string> ToText(string repositoryRoot)
    {
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        yield return $"aegis: drift since {Baseline.Snapshot.Id} ({RepositoryPaths.Relative(repositoryRoot, Baseline.Path)}): {N(Incidents.New.Count)} new, {N(Incidents.Resolved.Count)} resolved, {N(Incidents.Unchanged.Count)} unchanged; {N(Files.Count)} file(s) changed; health {HealthBefore.ToString("0.00", CultureInfo.InvariantCulture)} → {HealthAfter.ToString("0.00", CultureInfo.InvariantCulture)}";
        foreach (var incident in Incidents.New)
        {
            yield return $"  new      {incident.Severity} {incident.Rule} {incident.File}:{N(incident.Line)} {Describe(incident)}";
        }

        foreach (var incident in Incidents.Resolved)
        {
            yield return $"  resolved {incident.Severity} {incident.Rule} {incident.File}:{N(incident.Line)} {Describe(incident)}";
        }
    }

    private static string Describe(SnapshotIncident incident)
        => RiskCards.SecretMasker.None.Mask(incident.Symbol.Length > 0 ? incident.Symbol + ": " + incident.Evidence : incident.Evidence);
}
