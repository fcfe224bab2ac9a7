using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Patching;

namespace Aegis.Engine.Knowledge;

/// <summary>
/// <c>.aegis/knowledge/patterns.json</c> (schema <c>aegis.knowledge/v1</c>, docs/knowledge.schema.json): per
/// <c>(rule, remediation_strategy)</c> the repairs attempted, verified, failed and regressed. Every change is a
/// read-modify-write under one cross-process lock (<c>.aegis/knowledge/patterns.lock</c>) with an atomic replace, so
/// parallel builds lose no count. A file that does not parse is AEGB005 naming it and is never overwritten.
/// </summary>
public static class KnowledgeBase
{
    public const string SchemaName = "aegis.knowledge/v1";

    /// <summary>Applied repairs older than this many are forgotten first: the list a regression is judged by stays small.</summary>
    public const int MaxAppliedRepairs = 10_000;

    public static string DirectoryFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "knowledge");

    public static string PathFor(string repositoryRoot) => Path.Combine(DirectoryFor(repositoryRoot), "patterns.json");

    private static string LockPathFor(string repositoryRoot) => Path.Combine(DirectoryFor(repositoryRoot), "patterns.lock");

    /// <summary>The knowledge base, empty when there is none yet; AEGB005 naming the file when it is corrupt.</summary>
    public static KnowledgeState Read(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        string text;
        try
        {
            text = File.ReadAllText(path, AtomicFile.Utf8NoBom);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return KnowledgeState.Empty;
        }

        return Parse(text, path);
    }

    /// <summary>
    /// The sandbox's verdicts on a card's repairs (one per incident a patch fixes), added to their patterns. Nothing
    /// to record touches no file.
    /// </summary>
    public static KnowledgeState Record(string repositoryRoot, IReadOnlyCollection<RepairOutcome> outcomes, DateTimeOffset now)
    {
        if (outcomes.Count == 0)
        {
            return Read(repositoryRoot);
        }

        return Update(repositoryRoot, now, state =>
        {
            var patterns = state.Patterns.ToList();
            foreach (var outcome in outcomes)
            {
                var index = patterns.FindIndex(p => p.Rule == outcome.Rule && p.RemediationStrategy == outcome.RemediationStrategy);
                var pattern = index < 0 ? KnowledgePattern.Empty(outcome.Rule, outcome.RemediationStrategy) : patterns[index];
                pattern = pattern with
                {
                    Attempts = pattern.Attempts + 1,
                    Verified = pattern.Verified + (outcome.ValidationStatus == ValidationStatuses.Verified ? 1 : 0),
                    Failed = pattern.Failed + (outcome.ValidationStatus == ValidationStatuses.Failed ? 1 : 0),
                    LastOutcomeAt = now,
                };
                if (index < 0)
                {
                    patterns.Add(pattern);
                }
                else
                {
                    patterns[index] = pattern;
                }
            }

            return new KnowledgeState(patterns, state.Applied, now);
        });
    }

    /// <summary>
    /// A written card's repairs, recorded where every front's card is written (<see cref="RiskCards.RiskCardOutput"/>),
    /// after the card and its history record are in place, so a card that could not be written counts nothing: each
    /// incident a patch fixes is one attempt of its (rule, strategy), verified or failed as its patch. Without a
    /// sandbox nothing was tried; review notes are a person's. A knowledge-base problem (corrupt: AEGB005; not
    /// writable: AEGB006) is reported through <paramref name="warn"/> and costs nothing else: the card is written.
    /// </summary>
    public static void RecordCard(string repositoryRoot, RiskCards.RiskCard card, Action<string, string>? warn)
    {
        if (card.Sandbox.Mode == Verification.SandboxModes.None || card.Patches.Count == 0)
        {
            return;
        }

        var outcomes = card.Incidents
            .Where(i => !i.IsReviewNote)
            .SelectMany(i => card.Patches.Where(p => p.Fixes.Contains(i.Fingerprint)).Take(1).Select(p => new RepairOutcome(i.Rule, i.RemediationStrategy, i.Fingerprint, p.ValidationStatus)))
            .ToList();
        try
        {
            Record(repositoryRoot, outcomes, DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(card.Ts * 1000)));
        }
        catch (AegisException exception)
        {
            warn?.Invoke(exception.Code, exception.Message + "; this card's repairs are not recorded");
        }
    }

    /// <summary>Verified patches written to the working tree: their incidents coming back later is a regression.</summary>
    public static KnowledgeState RecordApplied(string repositoryRoot, IReadOnlyCollection<AppliedRepair> repairs, DateTimeOffset now)
    {
        if (repairs.Count == 0)
        {
            return Read(repositoryRoot);
        }

        return Update(repositoryRoot, now, state =>
        {
            var fingerprints = repairs.Select(r => r.Fingerprint).ToHashSet(StringComparer.Ordinal);
            var applied = state.Applied.Where(a => !fingerprints.Contains(a.Fingerprint)).Concat(repairs).ToList();
            return new KnowledgeState(state.Patterns, applied.Skip(Math.Max(0, applied.Count - MaxAppliedRepairs)).ToList(), now);
        });
    }

    /// <summary>
    /// A snapshot's incidents: each one whose fingerprint a written repair had removed counts <c>regressed</c> for its
    /// pattern, once (the repair is then forgotten). Returns how many regressed; touches no file when none did.
    /// </summary>
    public static int NoteSnapshot(string repositoryRoot, IEnumerable<string> incidentFingerprints, DateTimeOffset now)
    {
        var present = incidentFingerprints.ToHashSet(StringComparer.Ordinal);
        if (!Read(repositoryRoot).Applied.Any(a => present.Contains(a.Fingerprint)))
        {
            return 0;
        }

        var regressed = 0;
        Update(repositoryRoot, now, state =>
        {
            var back = state.Applied.Where(a => present.Contains(a.Fingerprint)).ToList();
            regressed = back.Count;
            var patterns = state.Patterns.ToList();
            foreach (var repair in back)
            {
                var index = patterns.FindIndex(p => p.Rule == repair.Rule && p.RemediationStrategy == repair.RemediationStrategy);
                var pattern = index < 0 ? KnowledgePattern.Empty(repair.Rule, repair.RemediationStrategy) : patterns[index];
                pattern = pattern with { Regressed = pattern.Regressed + 1, LastOutcomeAt = now };
                if (index < 0)
                {
                    patterns.Add(pattern);
                }
                else
                {
                    patterns[index] = pattern;
                }
            }

            return new KnowledgeState(patterns, state.Applied.Except(back).ToList(), now);
        });
        return regressed;
    }

    /// <summary>A snapshot's incidents (the <c>snapshot</c> verb and <c>watch</c> call this): see <see cref="NoteSnapshot(string, IEnumerable{string}, DateTimeOffset)"/>.</summary>
    public static int NoteSnapshot(string repositoryRoot, IEnumerable<Snapshots.SnapshotIncident> incidents, DateTimeOffset now)
        => NoteSnapshot(repositoryRoot, incidents.Select(i => i.Fingerprint), now);

    public static string ToJson(KnowledgeState state)
    {
        var json = new JsonText().BeginObject()
            .Property("schema", SchemaName)
            .Property("updated_at", state.UpdatedAt is { } updated ? Timestamp(updated) : null)
            .Name("patterns").BeginArray();
        foreach (var pattern in state.Patterns.OrderBy(p => p.Rule, StringComparer.Ordinal).ThenBy(p => p.RemediationStrategy, StringComparer.Ordinal))
        {
            Counts(json.BeginObject(), pattern)
                .Property("last_outcome_at", pattern.LastOutcomeAt is { } at ? Timestamp(at) : null)
                .EndObject();
        }

        json.EndArray().Name("applied").BeginArray();
        foreach (var repair in state.Applied)
        {
            json.BeginObject()
                .Property("fingerprint", repair.Fingerprint)
                .Property("rule", repair.Rule)
                .Property("remediation_strategy", repair.RemediationStrategy)
                .Property("at", Timestamp(repair.At))
                .EndObject();
        }

        return json.EndArray().EndObject().ToString();
    }

    private static KnowledgeState Update(string repositoryRoot, DateTimeOffset now, Func<KnowledgeState, KnowledgeState> change)
    {
        var path = PathFor(repositoryRoot);
        try
        {
            using var exclusive = FileLock.Acquire(LockPathFor(repositoryRoot));
            // Read under the lock: a corrupt file stops here (AEGB005) and is left as it is.
            var updated = change(Read(repositoryRoot));
            AtomicFile.WriteAllText(path, ToJson(updated));
            return updated;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot update the knowledge base " + path + ": " + exception.Message, exception);
        }
    }

    private static KnowledgeState Parse(string text, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(path, "expected a JSON object");
            }

            if (!root.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String || schema.GetString() != SchemaName)
            {
                throw Corrupt(path, "'schema' must be \"" + SchemaName + "\"");
            }

            if (!root.TryGetProperty("patterns", out var patterns) || patterns.ValueKind != JsonValueKind.Array)
            {
                throw Corrupt(path, "'patterns' must be an array");
            }

            var list = patterns.EnumerateArray().Select(p => new KnowledgePattern(
                Text(p, "rule", path),
                Text(p, "remediation_strategy", path),
                Count(p, "attempts", path),
                Count(p, "verified", path),
                Count(p, "failed", path),
                Count(p, "regressed", path),
                OptionalTime(p, "last_outcome_at", path))).ToList();
            var applied = root.TryGetProperty("applied", out var appliedArray)
                ? appliedArray.ValueKind == JsonValueKind.Array
                    ? appliedArray.EnumerateArray().Select(a => new AppliedRepair(Text(a, "fingerprint", path), Text(a, "rule", path), Text(a, "remediation_strategy", path), OptionalTime(a, "at", path) ?? DateTimeOffset.UnixEpoch)).ToList()
                    : throw Corrupt(path, "'applied' must be an array")
                : new List<AppliedRepair>();
            return new KnowledgeState(list, applied, OptionalTime(root, "updated_at", path));
        }
        catch (JsonException exception)
        {
            throw Corrupt(path, exception.Message);
        }
    }

    private static string Text(JsonElement item, string name, string path)
        => item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Corrupt(path, "every entry needs a non-empty string '" + name + "'");

    private static int Count(JsonElement item, string name, string path)
        => item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw Corrupt(path, "every pattern needs a whole number '" + name + "', 0 or more");

    private static DateTimeOffset? OptionalTime(JsonElement item, string name, string path)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw Corrupt(path, "'" + name + "' must be an ISO 8601 time or null");
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static AegisException Corrupt(string path, string message)
        => new(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {message}; fix or delete it (it is not overwritten)");

    /// <summary>A pattern's key and counts, as patterns.json and <c>aegis status</c> write them.</summary>
    internal static JsonText Counts(JsonText json, KnowledgePattern pattern)
        => json.Property("rule", pattern.Rule)
            .Property("remediation_strategy", pattern.RemediationStrategy)
            .Property("attempts", pattern.Attempts)
            .Property("verified", pattern.Verified)
            .Property("failed", pattern.Failed)
            .Property("regressed", pattern.Regressed);
}
