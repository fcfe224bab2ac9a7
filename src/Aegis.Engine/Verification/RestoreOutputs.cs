using System.Text;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Verification;

/// <summary>
/// The live tree's NuGet restore outputs, carried into a sandbox copy so its build can skip the restore (the largest
/// cost the copy adds over the project's own build). Only when they provably describe the copy: every project of the
/// copy has them in <c>obj/</c>, they are newer than every project, props, targets and NuGet file of the repository,
/// and the changes touch none of those. The projects' own paths in them (project files, obj/) are rewritten to the copy's. Anything
/// less and the sandbox restores, as before.
/// </summary>
internal static class RestoreOutputs
{
    /// <summary>What a restore writes into a project's <c>obj/</c> and a build reads back (<c>{0}</c>: the project file's name).</summary>
    private static readonly string[] FileNames =
    {
        "project.assets.json",
        "project.nuget.cache",
        "{0}.nuget.dgspec.json",
        "{0}.nuget.g.props",
        "{0}.nuget.g.targets",
    };

    /// <summary>Files whose change can change what a restore resolves.</summary>
    private static readonly string[] RestoreInputExtensions = { ".csproj", ".fsproj", ".vbproj", ".props", ".targets", ".sln", ".slnx" };

    private static readonly string[] RestoreInputNames = { "nuget.config", "global.json", "packages.lock.json" };

    /// <summary>
    /// Copies the restore outputs of every project in <paramref name="files"/> from <paramref name="root"/> to
    /// <paramref name="sandbox"/>; true when every project got them (then the build may pass <c>--no-restore</c>).
    /// </summary>
    public static bool TrySeed(string root, string sandbox, IReadOnlyList<string> files, IReadOnlyList<FileChange> changes)
    {
        if (changes.Any(change => IsRestoreInput(change.RelativePath)))
        {
            return false;
        }

        var projects = files.Where(f => Path.GetExtension(f) is ".csproj" or ".fsproj" or ".vbproj").ToList();
        if (projects.Count == 0)
        {
            return false;
        }

        var newestInput = files.Where(IsRestoreInput)
            .Select(f => File.GetLastWriteTimeUtc(Path.Combine(root, f)))
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();
        var copies = new List<(string Source, string Target)>();
        foreach (var project in projects)
        {
            var directory = Path.GetDirectoryName(project) ?? string.Empty;
            var name = Path.GetFileName(project);
            foreach (var pattern in FileNames)
            {
                var relative = Path.Combine(directory, "obj", string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, name));
                var source = Path.Combine(root, relative);
                if (!File.Exists(source) || File.GetLastWriteTimeUtc(source) < newestInput)
                {
                    // Missing (never restored, or an artifacts layout) or older than a project file: restore instead.
                    return false;
                }

                copies.Add((source, Path.Combine(sandbox, relative)));
            }
        }

        // Only the projects' own paths move to the copy (their files, their obj/): a package folder or NuGet.config
        // inside the repository (not copied: ignored, or not a project's) stays where the restore put it, read only.
        var moves = projects
            .SelectMany(project => new[]
            {
                (Path.GetFullPath(Path.Combine(root, project)), Path.GetFullPath(Path.Combine(sandbox, project))),
                (Path.GetFullPath(Path.Combine(root, Path.GetDirectoryName(project) ?? string.Empty, "obj")), Path.GetFullPath(Path.Combine(sandbox, Path.GetDirectoryName(project) ?? string.Empty, "obj"))),
            })
            .ToList();
        try
        {
            foreach (var (source, target) in copies)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var rebased = Rebase(File.ReadAllText(source), moves);
                // A kept copy already has them: rewriting the same text would only make its incremental build redo work.
                if (!File.Exists(target) || File.ReadAllText(target) != rebased)
                {
                    File.WriteAllText(target, rebased, AtomicFile.Utf8NoBom);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A live build rewriting them meanwhile, or an unreadable file: the copy restores for itself (overwriting any half).
            return false;
        }

        return true;
    }

    /// <summary>
    /// Each live path replaced by its copy, as written plainly (props, targets) and JSON-escaped (assets; on Windows
    /// backslashes are doubled). A path that merely starts with another's text (<c>/repo2</c> for <c>/repo</c>) is left.
    /// </summary>
    internal static string Rebase(string text, IReadOnlyList<(string Live, string Copy)> moves)
    {
        foreach (var (live, copy) in moves.OrderByDescending(move => move.Live.Length))
        {
            var liveTrimmed = Path.TrimEndingDirectorySeparator(live);
            var copyTrimmed = Path.TrimEndingDirectorySeparator(copy);
            text = ReplaceRoot(text, liveTrimmed, copyTrimmed);
            var escapedLive = liveTrimmed.Replace("\\", "\\\\");
            if (escapedLive != liveTrimmed)
            {
                text = ReplaceRoot(text, escapedLive, copyTrimmed.Replace("\\", "\\\\"));
            }
        }

        return text;
    }

    private static string ReplaceRoot(string text, string liveRoot, string copyRoot)
    {
        var builder = new StringBuilder(text.Length);
        var index = 0;
        while (true)
        {
            var found = text.IndexOf(liveRoot, index, StringComparison.Ordinal);
            if (found < 0)
            {
                return builder.Append(text, index, text.Length - index).ToString();
            }

            var end = found + liveRoot.Length;
            var next = end < text.Length ? text[end] : '\0';
            var isRoot = next is '/' or '\\' or '"' or '<' or ';' or '\0';
            builder.Append(text, index, found - index).Append(isRoot ? copyRoot : liveRoot);
            index = end;
        }
    }

    private static bool IsRestoreInput(string relative)
    {
        var name = Path.GetFileName(relative);
        return RestoreInputExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase)
            || RestoreInputNames.Contains(name, StringComparer.OrdinalIgnoreCase);
    }
}
