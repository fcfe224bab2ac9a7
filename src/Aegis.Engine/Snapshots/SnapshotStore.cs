using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// <c>.aegis/snapshots/&lt;id&gt;.json</c> and <c>.aegis/baseline.json</c>: written atomically, read strictly. A file
/// that does not parse is AEGB005 naming it, and nothing here ever writes over it.
/// </summary>
public static partial class SnapshotStore
{
    public const string SnapshotsFolder = "snapshots";
    public const string BaselineFile = "baseline.json";

    public static string Folder(string repositoryRoot) => Path.Combine(Path.GetFullPath(repositoryRoot), ".aegis", SnapshotsFolder);

    public static string BaselinePath(string repositoryRoot) => Path.Combine(Path.GetFullPath(repositoryRoot), ".aegis", BaselineFile);

    public static string PathOf(string repositoryRoot, string id) => Path.Combine(Folder(repositoryRoot), id + ".json");

    /// <summary>A new id: the UTC time to the second and six random hex digits (two snapshots in one second differ).</summary>
    public static string NewId(DateTimeOffset now)
        => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    public static bool IsId(string text) => IdPattern().IsMatch(text);

    /// <exception cref="AegisException">AEGB005 naming the file when it is not a snapshot.</exception>
    public static Snapshot Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, AtomicFile.Utf8NoBom);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: cannot read it: {exception.Message}", exception);
        }

        try
        {
            return SnapshotJson.Parse(text);
        }
        catch (FormatException exception)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {exception.Message}; fix or delete it (it is not overwritten)", exception);
        }
    }

    /// <summary>Writes <c>.aegis/snapshots/&lt;id&gt;.json</c> (create-new: an existing snapshot is never replaced); returns its path.</summary>
    public static string Write(string repositoryRoot, Snapshot snapshot)
    {
        var path = PathOf(repositoryRoot, snapshot.Id);
        if (!AtomicFile.TryCreate(path, SnapshotJson.Write(snapshot)))
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "snapshot " + path + " exists already; nothing written");
        }

        return path;
    }

    /// <summary>Replaces <c>.aegis/baseline.json</c> atomically. An existing one must parse first (AEGB005, not overwritten).</summary>
    public static string WriteBaseline(string repositoryRoot, Snapshot baseline)
    {
        var path = BaselinePath(repositoryRoot);
        if (File.Exists(path))
        {
            Read(path);
        }

        AtomicFile.WriteAllText(path, SnapshotJson.Write(baseline));
        return path;
    }

    /// <summary>The snapshot files' paths, oldest first (ids begin with their time).</summary>
    public static IReadOnlyList<string> Paths(string repositoryRoot)
    {
        var folder = Folder(repositoryRoot);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Where(p => IsId(Path.GetFileNameWithoutExtension(p))).OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal).ToList()
            : Array.Empty<string>();
    }

    /// <summary>The newest snapshot, or null when there is none.</summary>
    public static Snapshot? Latest(string repositoryRoot)
        => LatestPath(repositoryRoot) is { } path ? Read(path) : null;

    public static string? LatestPath(string repositoryRoot)
        => Paths(repositoryRoot) is { Count: > 0 } paths ? paths[^1] : null;

    /// <summary>The last <paramref name="count"/> snapshots, oldest first.</summary>
    public static IReadOnlyList<Snapshot> Recent(string repositoryRoot, int count)
        => Paths(repositoryRoot).TakeLast(count).Select(Read).ToList();

    [GeneratedRegex(@"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
