using System.Security.Cryptography;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// The files whose change can change the findings — C#, projects, solutions, props/targets, analyzer and app
/// configuration — with their sha256, read from disk without compiling (what <c>aegis status</c> compares). Build
/// output, dependencies and hidden folders (<c>.git</c>, <c>.aegis</c>, <c>.vs</c>) are skipped.
/// </summary>
public static class RepositoryFiles
{
    /// <summary>File kinds that matter, as data: by extension, and by name for files without a telling extension.</summary>
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".csproj", ".props", ".targets", ".sln", ".slnx", ".editorconfig", ".globalconfig", ".config", ".ruleset",
    };

    private static readonly string[] NamePrefixes = { "appsettings", "global.json", "packages.lock.json", "launchSettings.json" };

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "bin", "obj", "artifacts", "node_modules", "packages", "TestResults",
    };

    public static bool Matters(string fileName)
        => Extensions.Contains(Path.GetExtension(fileName)) || fileName.Equals(".editorconfig", StringComparison.OrdinalIgnoreCase)
            || (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && NamePrefixes.Any(p => fileName.StartsWith(p, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Repository-relative path (<c>/</c>) → lower-case sha256 of the bytes, sorted by path.</summary>
    public static SortedDictionary<string, string> Hash(string repositoryRoot, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(repositoryRoot);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var folders = new Stack<string>();
        folders.Push(root);
        while (folders.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = folders.Pop();
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    if (!directory.Name.StartsWith('.') && !SkippedFolders.Contains(directory.Name) && !directory.Attributes.HasFlag(FileAttributes.ReparsePoint))
                    {
                        folders.Push(directory.FullName);
                    }
                }
                else if (Matters(entry.Name))
                {
                    try
                    {
                        using var stream = File.OpenRead(entry.FullName);
                        files[RepositoryPaths.Relative(root, entry.FullName)] = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
                    }
                    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                    {
                        // A file deleted or locked while walking is not part of this state.
                    }
                }
            }
        }

        return files;
    }

    /// <summary>What changed between two file maps: added, removed and modified paths, each sorted.</summary>
    public static FileChanges Compare(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
        => new(
            after.Keys.Where(f => !before.ContainsKey(f)).OrderBy(f => f, StringComparer.Ordinal).ToList(),
            before.Keys.Where(f => !after.ContainsKey(f)).OrderBy(f => f, StringComparer.Ordinal).ToList(),
            after.Where(f => before.TryGetValue(f.Key, out var hash) && hash != f.Value).Select(f => f.Key).OrderBy(f => f, StringComparer.Ordinal).ToList());
}

/// <summary>Files added, removed and modified between two states.</summary>
public sealed record FileChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Modified)
{
    public int Count => Added.Count + Removed.Count + Modified.Count;
}
