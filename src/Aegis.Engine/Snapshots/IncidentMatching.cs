namespace Aegis.Engine.Snapshots;

/// <summary>
/// Which incidents of two states are the same: (1) the same fingerprint and secret hash — the fingerprint holds no
/// line, so a line shift, a reformat around the finding or a method moved within its file change nothing; (2) for an
/// incident whose file is gone on the other side (a rename or move), the same rule, enclosing symbol, masked evidence
/// and secret hash. Everything else is new (after only) or resolved (before only). Each incident matches at most once.
/// </summary>
public static class IncidentMatching
{
    public static IncidentComparison Compare(IReadOnlyList<SnapshotIncident> before, IReadOnlyList<SnapshotIncident> after, IReadOnlyDictionary<string, string> filesBefore, IReadOnlyDictionary<string, string> filesAfter)
    {
        var unmatchedBefore = before.ToList();
        var unchanged = new List<MatchedIncident>();
        var pending = new List<SnapshotIncident>();
        foreach (var incident in after)
        {
            var index = unmatchedBefore.FindIndex(b => b.Fingerprint == incident.Fingerprint && b.SecretHash == incident.SecretHash);
            if (index >= 0)
            {
                unchanged.Add(new MatchedIncident(unmatchedBefore[index], incident, Renamed: false));
                unmatchedBefore.RemoveAt(index);
            }
            else
            {
                pending.Add(incident);
            }
        }

        var added = new List<SnapshotIncident>();
        foreach (var incident in pending)
        {
            var index = filesBefore.ContainsKey(incident.File) ? -1 : unmatchedBefore.FindIndex(b => !filesAfter.ContainsKey(b.File) && SameOutsideItsFile(b, incident));
            if (index >= 0)
            {
                unchanged.Add(new MatchedIncident(unmatchedBefore[index], incident, Renamed: true));
                unmatchedBefore.RemoveAt(index);
            }
            else
            {
                added.Add(incident);
            }
        }

        return new IncidentComparison(
            SnapshotJson.Ordered(added).ToList(),
            SnapshotJson.Ordered(unmatchedBefore).ToList(),
            unchanged.OrderBy(m => m.After.File, StringComparer.Ordinal).ThenBy(m => m.After.Line).ToList());
    }

    // Symbol and evidence are required: an empty symbol would let two unrelated findings of one rule pair up.
    private static bool SameOutsideItsFile(SnapshotIncident before, SnapshotIncident after)
        => before.Rule == after.Rule && before.Symbol.Length > 0 && before.Symbol == after.Symbol && before.Evidence == after.Evidence && before.SecretHash == after.SecretHash;
}

/// <summary>The outcome of <see cref="IncidentMatching.Compare"/>: new and resolved incidents, and the pairs that stayed.</summary>
public sealed record IncidentComparison(IReadOnlyList<SnapshotIncident> New, IReadOnlyList<SnapshotIncident> Resolved, IReadOnlyList<MatchedIncident> Unchanged);

/// <summary>One incident in both states; <see cref="Renamed"/> when it was found again only by rule, symbol and evidence.</summary>
public sealed record MatchedIncident(SnapshotIncident Before, SnapshotIncident After, bool Renamed);
