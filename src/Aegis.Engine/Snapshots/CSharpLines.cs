using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Snapshots;

/// <summary>The size the health score divides by: lines of the repository's own C# (each file once, however many
/// projects compile it; generated files under <c>obj/</c> and files outside the repository not counted).</summary>
public static class CSharpLines
{
    public static int Count(IEnumerable<Microsoft.CodeAnalysis.Compilation> compilations, string repositoryRoot)
    {
        var root = Path.GetFullPath(repositoryRoot);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = 0;
        foreach (var tree in compilations.SelectMany(c => c.SyntaxTrees))
        {
            if (tree.FilePath.Length == 0 || !seen.Add(tree.FilePath))
            {
                continue;
            }

            var relative = RepositoryPaths.Relative(root, tree.FilePath);
            if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) || RepositoryPaths.IsBuildOutput(relative))
            {
                continue;
            }

            lines += tree.TryGetText(out var text) ? text.Lines.Count : tree.GetText().Lines.Count;
        }

        return lines;
    }
}
