using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Containment;

/// <summary>Where plans live: <c>.aegis/containment/&lt;id&gt;/plan.json</c>. The id is a hash of the card's incident
/// fingerprints (and the event), so the same incidents always name the same plan and a later card with them can link it.</summary>
public static class ContainmentPlans
{
    public static string DirectoryFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "containment");

    public static string IdFor(IEnumerable<string> fingerprints, AdvisoryEvent? advisory)
    {
        var key = string.Join("\n", fingerprints.OrderBy(f => f, StringComparer.Ordinal));
        if (advisory is not null)
        {
            key += "\nadvisory:" + advisory.Id + ":" + advisory.Package + ":" + advisory.VulnerableRange + ":" + advisory.FixedVersion;
        }

        return "c-" + Hashing.Sha256(key)[..12];
    }

    /// <summary>The plan made from a card with these incidents (and no event), when one was written; else null.</summary>
    public static string? ExistingPlanFor(string repositoryRoot, IEnumerable<string> fingerprints)
    {
        var list = fingerprints.ToList();
        if (list.Count == 0)
        {
            return null;
        }

        var path = Path.Combine(DirectoryFor(repositoryRoot), IdFor(list, null), ContainmentPlan.PlanFileName);
        return File.Exists(path) ? path : null;
    }
}
