using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// How a baseline moves: it only gets smaller on its own. Updating drops what is resolved, follows what is unchanged
/// (its new line, path and fingerprint), and takes in a new incident only when a person accepts it, recorded in
/// <c>accepted</c> with who, why and when. The first baseline of a repository takes everything: that is adoption.
/// </summary>
public static class BaselineRatchet
{
    public static RatchetResult Update(Snapshot? baseline, Snapshot current, Acceptance? acceptance)
    {
        if (acceptance is not null && (string.IsNullOrWhiteSpace(acceptance.Why) || string.IsNullOrWhiteSpace(acceptance.By)))
        {
            throw new AegisException(ErrorCodes.AcceptNewNeedsReason, "--accept-new takes new incidents into the baseline on a person's word: give --why <text> (and --by <who> when git and $USER do not say)");
        }

        if (baseline is null)
        {
            return new RatchetResult(current with { Accepted = Array.Empty<AcceptedIncident>() }, Created: true, Kept: current.Incidents.Count, Dropped: 0, Added: 0, NotAdded: 0);
        }

        var comparison = IncidentMatching.Compare(baseline.Incidents, current.Incidents, baseline.Files, current.Files);
        var kept = comparison.Unchanged.Select(m => m.After).ToList();
        var renamedFingerprints = comparison.Unchanged.ToDictionary(m => m.Before.Fingerprint + "\n" + m.Before.SecretHash, m => m.After.Fingerprint, StringComparer.Ordinal);
        var stillAccepted = baseline.Accepted
            .Select(a => kept.Any(k => k.Fingerprint == a.Fingerprint) ? a : renamedFingerprints.Where(r => r.Key.StartsWith(a.Fingerprint + "\n", StringComparison.Ordinal)).Select(r => a with { Fingerprint = r.Value }).FirstOrDefault())
            .OfType<AcceptedIncident>()
            .ToList();
        var added = acceptance is null ? new List<SnapshotIncident>() : comparison.New.ToList();
        var accepted = stillAccepted.Concat(added.Select(i => new AcceptedIncident(i.Fingerprint, acceptance!.By.Trim(), acceptance.Why.Trim(), acceptance.At))).ToList();
        var incidents = SnapshotJson.Ordered(kept.Concat(added)).ToList();
        var updated = current with
        {
            Incidents = incidents,
            Accepted = accepted,
            HealthScore = HealthScore.Compute(incidents, current.LinesOfCode),
        };
        return new RatchetResult(updated, Created: false, Kept: kept.Count, Dropped: comparison.Resolved.Count, Added: added.Count, NotAdded: comparison.New.Count - added.Count);
    }
}

/// <summary>A person's decision to take the new incidents into the baseline.</summary>
public sealed record Acceptance(string By, string Why, string At);

/// <summary>The updated baseline and what the update did.</summary>
public sealed record RatchetResult(Snapshot Baseline, bool Created, int Kept, int Dropped, int Added, int NotAdded);
