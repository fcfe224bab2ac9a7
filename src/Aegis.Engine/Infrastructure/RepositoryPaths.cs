namespace Aegis.Engine.Infrastructure;

/// <summary>Paths as the Risk Card writes them: relative to the repository root, with <c>/</c>.</summary>
public static class RepositoryPaths
{
    public static string Relative(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Path.GetFullPath(root), full);
        return relative.Replace('\\', '/');
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that has a <c>.git</c>, else <paramref name="start"/>.</summary>
    public static string FindRoot(string start)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(start));
        if (File.Exists(directory.FullName))
        {
            directory = directory.Parent!;
        }

        for (var current = directory; current is not null; current = current.Parent)
        {
            if (Directory.Exists(Path.Combine(current.FullName, ".git")) || File.Exists(Path.Combine(current.FullName, ".git")))
            {
                return current.FullName;
            }
        }

        return directory.FullName;
    }

    /// <summary>Whether a repository-relative path has a <c>bin</c>, <c>obj</c> or <c>.git</c> segment.</summary>
    public static bool IsBuildOutput(string relative)
    {
        foreach (var segment in relative.Replace('\\', '/').Split('/'))
        {
            if (segment is "bin" or "obj" or ".git")
            {
                return true;
            }
        }

        return false;
    }
}
