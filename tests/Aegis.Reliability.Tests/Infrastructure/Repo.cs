namespace Aegis.Reliability.Tests.Infrastructure;

/// <summary>The repository this test project lives in (the folder holding Aegis.Analyzers.sln).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aegis.Analyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Aegis.Analyzers.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every .cs under the folder, skipping bin/, obj/, artifacts/ and dot-folders, in ordinal order.</summary>
    public static IReadOnlyList<string> SourcesUnder(string relative)
    {
        var root = Path.Combine(Root, relative);
        if (!Directory.Exists(root))
        {
            return Array.Empty<string>();
        }

        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(p => !Path.GetRelativePath(Root, p).Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj" or "artifacts" || s.StartsWith('.')))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();
    }
}
