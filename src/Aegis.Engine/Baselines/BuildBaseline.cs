using System.Text.Json;
using Aegis.Engine.Analysis;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Baselines;

/// <summary>
/// The baseline a build or a scan compares its incidents with (<c>.aegis/baseline.json</c> by default, an
/// <c>aegis.snapshot/v1</c> file): which findings are existing debt (<c>unchanged</c>) and which are <c>new</c>.
/// </summary>
public sealed class BuildBaseline
{
    public const string DefaultRelativePath = ".aegis/baseline.json";

    /// <summary>The value of <c>--baseline</c> / <c>AegisBaseline</c> that turns the baseline off.</summary>
    public const string None = "none";

    public required string Path { get; init; }

    public required string Id { get; init; }

    /// <summary>Repository-relative paths of the files the baseline hashed.</summary>
    public required IReadOnlyCollection<string> Files { get; init; }

    public required IReadOnlyList<BaselineIncident> Incidents { get; init; }

    /// <summary>
    /// The baseline to apply, or null. <paramref name="option"/>: <c>none</c>, a path (relative to the current
    /// folder), or null for <c>.aegis/baseline.json</c> under the root when <paramref name="defaultWhenAbsent"/>
    /// (scan, verify; a build passes what MSBuild resolved). A named baseline that is missing (AEGB065) or that holds
    /// none of this repository's files (AEGB066) is not applied, and said through <paramref name="warn"/>; a
    /// corrupt one is AEGB005, naming it.
    /// </summary>
    public static BuildBaseline? Resolve(string root, string? option, bool defaultWhenAbsent, Action<string, string> warn)
    {
        if (string.Equals(option, None, StringComparison.OrdinalIgnoreCase) || (option is null && !defaultWhenAbsent))
        {
            return null;
        }

        var path = option is null ? System.IO.Path.Combine(root, DefaultRelativePath) : System.IO.Path.GetFullPath(option);
        if (!File.Exists(path))
        {
            if (option is not null)
            {
                warn(ErrorCodes.BaselineNotFound, "the baseline " + path + " does not exist; every incident counts as new");
            }

            return null;
        }

        var baseline = Read(path);
        if (!baseline.IsFromRepository(root))
        {
            warn(ErrorCodes.BaselineFromAnotherRepository, "the baseline " + path + " (" + baseline.Id + ") names none of the files of " + root + "; it is from another repository and is not applied: every incident counts as new");
            return null;
        }

        return baseline;
    }

    /// <summary>Reads an <c>aegis.snapshot/v1</c> file; anything else is AEGB005 naming it (never overwritten).</summary>
    public static BuildBaseline Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "schema") != "aegis.snapshot/v1")
            {
                throw new FormatException("it is not an aegis.snapshot/v1 file");
            }

            var files = root.TryGetProperty("files", out var fileMap) && fileMap.ValueKind == JsonValueKind.Object
                ? fileMap.EnumerateObject().Select(p => p.Name).ToList()
                : new List<string>();
            var incidents = root.TryGetProperty("incidents", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(i => new BaselineIncident(
                    Text(i, "fingerprint") ?? throw new FormatException("an incident has no fingerprint"),
                    Text(i, "rule") ?? "",
                    Text(i, "file") ?? "",
                    Text(i, "symbol"),
                    Text(i, "evidence") ?? "",
                    Text(i, "secret_hash"))).ToList()
                : throw new FormatException("it has no incidents array");
            return new BuildBaseline { Path = path, Id = Text(root, "id") ?? "", Files = files, Incidents = incidents };
        }
        catch (Exception exception) when (exception is JsonException or FormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {exception.Message}; fix or delete it (it is not overwritten)", exception);
        }
    }

    /// <summary>True when one of its files (or, with no file list, of its incidents' files) exists under the root.</summary>
    public bool IsFromRepository(string root)
    {
        var named = Files.Count > 0 ? Files : Incidents.Select(i => i.File).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return named.Count == 0 || named.Any(f => File.Exists(System.IO.Path.Combine(root, f)));
    }

    /// <summary>Marks every incident <c>new</c> or <c>unchanged</c>; returns how many of each.</summary>
    public (int New, int Unchanged) Apply(IReadOnlyList<Incident> incidents)
    {
        var held = Incidents.Select(i => (i.Fingerprint, i.SecretHash)).ToHashSet();
        var unchanged = 0;
        foreach (var incident in incidents)
        {
            var isHeld = held.Contains((incident.Fingerprint, incident.SecretHash));
            incident.BaselineState = isHeld ? BaselineStates.Unchanged : BaselineStates.New;
            unchanged += isHeld ? 1 : 0;
        }

        return (incidents.Count - unchanged, unchanged);
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One incident of a baseline, as the snapshot file holds it.</summary>
public sealed record BaselineIncident(string Fingerprint, string Rule, string File, string? Symbol, string Evidence, string? SecretHash);

/// <summary>An incident's <c>baseline_state</c> in the card and <c>baselineState</c> in SARIF.</summary>
public static class BaselineStates
{
    public const string New = "new";
    public const string Unchanged = "unchanged";
}
