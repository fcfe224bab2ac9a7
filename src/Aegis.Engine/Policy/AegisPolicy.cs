using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Releases;

namespace Aegis.Engine.Policy;

/// <summary>
/// <c>.aegis/policy.json</c>: which paths a proposed change may touch, which intents are refused, and the
/// confidence below which a finding goes to a person. A missing file means the defaults; a corrupt one is
/// AEGB005 and is never overwritten.
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

    public double MinConfidence { get; init; } = 0.6;

    /// <summary>Stage weights and export paths of <c>aegis release</c> (the <c>releases</c> section).</summary>
    public ReleasePolicy Releases { get; init; } = ReleasePolicy.Default;

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
                Releases = ReleasePolicy.Parse(root, path),
                Source = path,
            };
        }
        catch (JsonException exception)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {exception.Message} Fix or delete it (it is not overwritten).", exception);
        }
    }

    /// <summary>Why <paramref name="relativePath"/> may not be changed, or null when it may.</summary>
    public string? CheckPath(string repositoryRoot, string relativePath)
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

        if (BlockedPaths.FirstOrDefault(g => Glob.IsMatch(g, normalized)) is { } blocked)
        {
            return "path '" + relativePath + "' matches blocked glob '" + blocked + "'";
        }

        return AllowedPaths.Any(g => Glob.IsMatch(g, normalized)) ? null : "path '" + relativePath + "' matches no allowed glob";
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
