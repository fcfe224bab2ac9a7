using System.Globalization;
using System.Text;
using Aegis.Engine.Analysis;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Patching;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Repair;

/// <summary>What <c>aegis fix</c> did (or, under <c>--dry-run</c>, would do) with one file's patch.</summary>
public sealed record FileRepair(string File, string Outcome, string Reason, IReadOnlyList<Incident> Incidents)
{
    public bool Skipped => Outcome.StartsWith("skipped", StringComparison.Ordinal);
}

public static class FileRepairOutcomes
{
    public const string Written = "written";
    public const string WouldWrite = "would_write";

    /// <summary>The file is no longer what the patch was made from (its sha256 differs from <c>original_sha256</c>).</summary>
    public const string SkippedChanged = "skipped_changed";

    /// <summary>The sandbox did not verify the patch (failed, or no sandbox ran).</summary>
    public const string SkippedUnverified = "skipped_unverified";

    /// <summary>An incident the patch fixes is below the policy's <c>knowledge.auto_repair_threshold</c> (boosted confidence).</summary>
    public const string SkippedConfidence = "skipped_confidence";

    /// <summary>The policy refuses the path (<c>blocked_paths</c>/<c>allowed_paths</c>).</summary>
    public const string SkippedPolicy = "skipped_policy";
}

/// <summary>
/// Writes a card's verified patches to the working tree: only a patch the sandbox verified, only when every incident
/// it fixes has a boosted confidence at or above the policy's automatic-repair threshold, only over a file whose
/// current content still hashes to the patch's <c>original_sha256</c>, each file replaced atomically in its own
/// encoding (a BOM stays, line endings are the patch's, which kept the file's). Written repairs are remembered in the
/// knowledge base, so a later snapshot that shows one of their incidents back counts a regression.
/// </summary>
public static class WorkingTreeRepair
{
    public static IReadOnlyList<FileRepair> Apply(string repositoryRoot, RiskCard card, AegisPolicy policy, bool dryRun, DateTimeOffset now)
    {
        var results = new List<FileRepair>();
        foreach (var patch in card.Patches.OrderBy(p => p.File, StringComparer.Ordinal))
        {
            var fixedIncidents = card.Incidents.Where(i => patch.Fixes.Contains(i.Fingerprint)).ToList();
            results.Add(Decide(repositoryRoot, patch, fixedIncidents, policy, dryRun));
        }

        var written = results.Where(r => r.Outcome == FileRepairOutcomes.Written)
            .SelectMany(r => r.Incidents)
            .Select(i => new AppliedRepair(i.Fingerprint, i.Rule, i.RemediationStrategy, now))
            .ToList();
        KnowledgeBase.RecordApplied(repositoryRoot, written, now);
        return results;
    }

    private static FileRepair Decide(string repositoryRoot, PatchArtifact patch, IReadOnlyList<Incident> incidents, AegisPolicy policy, bool dryRun)
    {
        if (patch.ValidationStatus != ValidationStatuses.Verified)
        {
            return new FileRepair(patch.File, FileRepairOutcomes.SkippedUnverified, "the patch is " + (patch.ValidationStatus == ValidationStatuses.Unverified ? "not verified (no sandbox ran)" : patch.ValidationStatus + " in the sandbox"), incidents);
        }

        if (policy.CheckPath(repositoryRoot, patch.File) is { } refused)
        {
            return new FileRepair(patch.File, FileRepairOutcomes.SkippedPolicy, "the policy refuses it: " + refused, incidents);
        }

        var threshold = policy.Knowledge.AutoRepairThreshold;
        var unsure = incidents.Where(i => i.BoostedConfidence < threshold).ToList();
        if (unsure.Count > 0)
        {
            return new FileRepair(patch.File, FileRepairOutcomes.SkippedConfidence, string.Join("; ", unsure.Select(i =>
                i.Rule + " line " + i.Line.ToString(CultureInfo.InvariantCulture) + " has boosted confidence " + F(i.BoostedConfidence)
                + " (raw " + F(i.Confidence) + ", boost " + (i.ConfidenceBoost >= 0 ? "+" : "") + F(i.ConfidenceBoost) + "), below knowledge.auto_repair_threshold " + F(threshold))), incidents);
        }

        var path = Path.Combine(repositoryRoot, patch.File);
        var current = ReadWithEncoding(path);
        if (current is null || Hashing.Sha256(current.Value.Text) != patch.OriginalSha256)
        {
            return new FileRepair(patch.File, FileRepairOutcomes.SkippedChanged, current is null ? "the file no longer exists" : "the file changed since it was analysed (its sha256 is no longer the patch's original_sha256)", incidents);
        }

        if (dryRun)
        {
            return new FileRepair(patch.File, FileRepairOutcomes.WouldWrite, "--dry-run: nothing written", incidents);
        }

        try
        {
            AtomicFile.WriteAllText(path, patch.PatchedText, current.Value.Encoding);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write " + patch.File + ": " + exception.Message, exception);
        }

        return new FileRepair(patch.File, FileRepairOutcomes.Written, "verified patch written", incidents);
    }

    /// <summary>The file's text as the compiler read it (a BOM names the encoding, else UTF-8), and that encoding to write it back in.</summary>
    private static (string Text, Encoding Encoding)? ReadWithEncoding(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var reader = new StreamReader(path, AtomicFile.Utf8NoBom, detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();
        return (text, reader.CurrentEncoding);
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
