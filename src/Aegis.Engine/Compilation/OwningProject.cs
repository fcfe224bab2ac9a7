using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Compilation;

/// <summary>
/// The project a C# file belongs to, with the compile inputs its build uses: the nearest <c>.csproj</c> at or above the
/// file's folder (up to the repository root) whose compile items list the file, or, for a file that does not exist yet,
/// the nearest one whose folder holds it outside <c>bin/</c> and <c>obj/</c> (the SDK's default compile glob).
/// </summary>
public sealed class OwningProject
{
    private OwningProject(CompileInputs? inputs, string explanation)
    {
        Inputs = inputs;
        Explanation = explanation;
    }

    /// <summary>The owner's compile inputs, or null when no project includes the file (or none could be evaluated).</summary>
    public CompileInputs? Inputs { get; }

    /// <summary>The owner (repository-relative), or why there is none: for the card.</summary>
    public string Explanation { get; }

    public static async Task<OwningProject> FindAsync(string repositoryRoot, string filePath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar);
        var file = Path.GetFullPath(filePath);
        var relativeFile = RepositoryPaths.Relative(root, file);
        var problems = new List<string>();
        for (var folder = new DirectoryInfo(Path.GetDirectoryName(file)!); folder is not null && IsAtOrBelow(folder.FullName, root); folder = folder.Parent)
        {
            // A new file may sit in folders that do not exist yet: their projects are further up.
            var projects = folder.Exists ? Directory.GetFiles(folder.FullName, "*.csproj") : Array.Empty<string>();
            foreach (var project in projects.OrderBy(p => p, StringComparer.Ordinal))
            {
                var relativeProject = RepositoryPaths.Relative(root, project);
                if (!IncludesByLocation(project, file))
                {
                    continue;
                }

                CompileInputs inputs;
                try
                {
                    inputs = await MsBuildInputs.ReadAsync(project, timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (AegisException exception)
                {
                    problems.Add(relativeProject + " could not be evaluated (" + exception.Message + ")");
                    continue;
                }

                var listed = inputs.Sources.Any(s => string.Equals(Path.GetFullPath(s), file, StringComparison.Ordinal));
                if (listed || !File.Exists(file))
                {
                    return new OwningProject(inputs, relativeProject);
                }
            }
        }

        return new OwningProject(null, problems.Count > 0 ? string.Join("; ", problems) : "no project includes " + relativeFile);
    }

    /// <summary>False when the file lies in the project's own bin/ or obj/ (never compiled); true otherwise.</summary>
    private static bool IncludesByLocation(string project, string file)
        => !RepositoryPaths.IsBuildOutput(RepositoryPaths.Relative(Path.GetDirectoryName(project)!, file));

    private static bool IsAtOrBelow(string folder, string root)
    {
        var full = folder.TrimEnd(Path.DirectorySeparatorChar);
        return string.Equals(full, root, StringComparison.Ordinal) || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
