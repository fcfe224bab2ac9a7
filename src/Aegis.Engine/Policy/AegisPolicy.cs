using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Releases;

namespace Aegis.Engine.Policy;

/// <summary>
/// <c>.aegis/policy.json</c>: which paths a proposed change may touch, which intents are refused, the confidence
/// below which a finding goes to a person, which actors are agents, and per tampering kind whether an agent's or a
/// person's change is blocked or scored. A missing file means the defaults; a corrupt one is AEGB005 and is never
/// overwritten.
/// </summary>
public sealed class AegisPolicy
{
    public const string FileName = "policy.json";

    public static readonly string[] DefaultAllowedPaths = { "**" };

    public static readonly string[] DefaultBlockedPaths = { ".git/**", ".aegis/**", "**/bin/**", "**/obj/**", ".github/workflows/**" };

    public static readonly string[] DefaultBlockedIntents = { "delete", "drop", "truncate", "disable-auth", "disable auth", "remove auth", "bypass", "exfiltrate", "disable tls", "disable-tls", "wipe" };

    public IReadOnlyList<string> AllowedPaths { get; init; } = DefaultAllowedPaths;

    public IReadOnlyList<string> BlockedPaths { get; init; } = DefaultBlockedPaths;

    public IReadOnlyList<string> BlockedIntents { get; init; } = DefaultBlockedIntents;

    /// <summary>
    /// Actor names (case-insensitive, <c>*</c> any run of characters, <c>?</c> one) of coding agents: the actors
    /// <c>aegis mcp</c> and <c>aegis hook</c> set (<c>claude-code</c>, <c>mcp:&lt;client&gt;</c>) and the usual bots.
    /// </summary>
    public static readonly string[] DefaultAgentActors = { "claude*", "mcp:*", "copilot*", "cursor*", "codex*", "gemini*", "agent*", "*-bot", "*[bot]" };

    public double MinConfidence { get; init; } = 0.6;

    public IReadOnlyList<string> AgentActors { get; init; } = DefaultAgentActors;

    /// <summary>Per tampering kind, <c>block</c> or <c>score</c> for agents; kinds not named keep <see cref="TamperingKind.AgentDefault"/>.</summary>
    public IReadOnlyDictionary<string, string> AgentTampering { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Per tampering kind, <c>block</c> or <c>score</c> for people; kinds not named are scored (a person may change policy on purpose; the card shows it).</summary>
    public IReadOnlyDictionary<string, string> PersonTampering { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
    /// <summary>What agents' pre-edit hooks answer when an edit cannot be judged (<c>hooks.on_error</c>).</summary>
    public HookPolicy Hooks { get; init; } = HookPolicy.Default;

    /// <summary>How much of <c>.aegis/history/</c> is kept (<c>history</c>: <c>max_records</c>, <c>max_age_days</c>).</summary>
    public HistoryRetention History { get; init; } = HistoryRetention.Default;

    /// <summary>Stage weights and export paths of <c>aegis release</c> (the <c>releases</c> section).</summary>
    public ReleasePolicy Releases { get; init; } = ReleasePolicy.Default;

    /// <summary>The confidence boost's knobs and the automatic-repair threshold (the <c>knowledge</c> section).</summary>
    public KnowledgePolicy Knowledge { get; init; } = KnowledgePolicy.Default;

    /// <summary>The file this policy came from, or null for the defaults.</summary>
    public string? Source { get; init; }

    public static string PathFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", FileName);

    public static AegisPolicy Load(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        if (!File.Exists(path))
        {
            return new AegisPolicy();
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: expected a JSON object; fix or delete it (it is not overwritten)");
            }

            return new AegisPolicy
            {
                AllowedPaths = Strings(root, "allowed_paths", path) ?? DefaultAllowedPaths,
                BlockedPaths = Strings(root, "blocked_paths", path) ?? DefaultBlockedPaths,
                BlockedIntents = Strings(root, "blocked_intents", path) ?? DefaultBlockedIntents,
                MinConfidence = root.TryGetProperty("min_confidence", out var confidence) ? Number(confidence, path) : 0.6,
                AgentActors = Strings(root, "agent_actors", path) ?? DefaultAgentActors,
                AgentTampering = Tampering(root, "agent", path),
                PersonTampering = Tampering(root, "person", path),
                Hooks = HookPolicy.Read(root, path),
                History = root.TryGetProperty("history", out var history) ? Retention(history, path) : HistoryRetention.Default,
                Releases = ReleasePolicy.Parse(root, path),
                Knowledge = KnowledgePolicy.Parse(root, path),
                Source = path,
            };
        }
        catch (JsonException exception)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {exception.Message} Fix or delete it (it is not overwritten).", exception);
        }
    }

    /// <summary>
    /// Whether <paramref name="actor"/> is a coding agent. A change without an actor is judged as an agent's: the
    /// seatbelt is for helpers, and an unnamed one gets no person's latitude.
    /// </summary>
    public bool IsAgent(string? actor)
        => string.IsNullOrWhiteSpace(actor) || AgentActors.Any(pattern => Regex.IsMatch(actor.Trim(), ActorPattern(pattern), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase));

    /// <summary><c>block</c> or <c>score</c>: what the policy does with tampering of <paramref name="kind"/> by <paramref name="actor"/>.</summary>
    public string TamperingActionFor(string kind, string? actor)
    {
        if (IsAgent(actor))
        {
            return AgentTampering.TryGetValue(kind, out var agent) ? agent : TamperingKinds.Find(kind)?.AgentDefault ?? TamperingVerdicts.Score;
        }

        return PersonTampering.TryGetValue(kind, out var person) ? person : TamperingVerdicts.Score;
    }

    /// <summary>Why <paramref name="relativePath"/> may not be changed, or null when it may.</summary>
    public string? CheckPath(string repositoryRoot, string relativePath)
    {
        if (CheckLocation(repositoryRoot, relativePath) is { } outside)
        {
            return outside;
        }

        var normalized = relativePath.Replace('\\', '/');
        if (BlockedPaths.FirstOrDefault(g => Glob.IsMatch(g, normalized)) is { } blocked)
        {
            return "path '" + relativePath + "' matches blocked glob '" + blocked + "'";
        }

        return AllowedPaths.Any(g => Glob.IsMatch(g, normalized)) ? null : "path '" + relativePath + "' matches no allowed glob";
    }

    /// <summary>Why <paramref name="relativePath"/> names no file inside the repository, or null when it does (whatever the globs say).</summary>
    public static string? CheckLocation(string repositoryRoot, string relativePath)
    {
        if (relativePath.Length == 0)
        {
            return "no target file";
        }

        if (Path.IsPathRooted(relativePath) || relativePath.StartsWith('/') || relativePath.StartsWith('\\') || Regex.IsMatch(relativePath, "^[A-Za-z]:"))
        {
            return "absolute path '" + relativePath + "' (paths must be relative to the repository root)";
        }

        var normalized = relativePath.Replace('\\', '/');
        if (normalized.Split('/').Any(s => s == ".."))
        {
            return "path '" + relativePath + "' escapes the repository ('..')";
        }

        var full = Path.GetFullPath(Path.Combine(repositoryRoot, normalized));
        var rootFull = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootFull, StringComparison.Ordinal))
        {
            return "path '" + relativePath + "' is outside the repository";
        }

        return null;
    }

    /// <summary>The blocked intent word <paramref name="intent"/> contains, or null.</summary>
    public string? CheckIntent(string? intent)
    {
        var text = (intent ?? "").ToLowerInvariant();
        return BlockedIntents.FirstOrDefault(b => Regex.IsMatch(text, @"(^|[^a-z])" + Regex.Escape(b.ToLowerInvariant()) + @"($|[^a-z])"));
    }

    private static string[]? Strings(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: '{name}' must be an array of strings; fix or delete it (it is not overwritten)");
        }

        return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>An actor pattern as a regular expression: only <c>*</c> and <c>?</c> are wild, so <c>*[bot]</c> means the text "[bot]".</summary>
    private static string ActorPattern(string pattern)
        => "^" + Regex.Escape(pattern.Trim()).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$";

    /// <summary><c>"tampering": { "agent": { "&lt;kind&gt;": "block" | "score" }, "person": { … } }</c>: one role's table.</summary>
    private static Dictionary<string, string> Tampering(JsonElement root, string role, string path)
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("tampering", out var tampering))
        {
            return table;
        }

        if (tampering.ValueKind != JsonValueKind.Object)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'tampering' must be an object with 'agent' and 'person' tables; fix or delete it (it is not overwritten)");
        }

        foreach (var property in tampering.EnumerateObject().Where(p => p.Name is not ("agent" or "person")))
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'tampering.{property.Name}' is neither 'agent' nor 'person'; fix or delete it (it is not overwritten)");
        }

        if (!tampering.TryGetProperty(role, out var kinds))
        {
            return table;
        }

        if (kinds.ValueKind != JsonValueKind.Object)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'tampering.{role}' must be an object of kind: \"block\" | \"score\"; fix or delete it (it is not overwritten)");
        }

        foreach (var kind in kinds.EnumerateObject())
        {
            var value = kind.Value.ValueKind == JsonValueKind.String ? kind.Value.GetString()! : "";
            if (TamperingKinds.Find(kind.Name) is null || !TamperingVerdicts.IsValid(value))
            {
                throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'tampering.{role}.{kind.Name}' must be a tampering kind ({string.Join(", ", TamperingKinds.All.Select(k => k.Name))}) set to \"block\" or \"score\"; fix or delete it (it is not overwritten)");
            }

            table[kind.Name] = value;
        }

        return table;
    }

    private static HistoryRetention Retention(JsonElement history, string path)
    {
        if (history.ValueKind != JsonValueKind.Object)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'history' must be an object with 'max_records' and/or 'max_age_days'; fix or delete it (it is not overwritten)");
        }

        int Bound(string name, int defaultValue)
        {
            if (!history.TryGetProperty(name, out var value))
            {
                return defaultValue;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0
                ? number
                : throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'history.{name}' must be a whole number, 0 or more (0: no bound); fix or delete it (it is not overwritten)");
        }

        return new HistoryRetention(Bound("max_records", HistoryRetention.DefaultMaxRecords), Bound("max_age_days", HistoryRetention.DefaultMaxAgeDays));
    }

    private static double Number(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'min_confidence' must be a number; fix or delete it (it is not overwritten)");
}

/// <summary>Globs over <c>/</c> paths: <c>**</c> any number of segments, <c>*</c> within a segment, <c>?</c> one character.</summary>
public static class Glob
{
    public static bool IsMatch(string glob, string path)
    {
        var pattern = "^" + Regex.Escape(glob.Replace('\\', '/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"/\*\*", "(/.*)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(path, pattern, RegexOptions.CultureInvariant);
    }

    internal static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
