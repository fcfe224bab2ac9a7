using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Compilation;

/// <summary>
/// Compile inputs for a project without MSBuild APIs in this process: <c>dotnet msbuild -restore -t:… -getItem:…
/// -getProperty:…</c> prints JSON (SDK 8+), from which the same <see cref="CompileInputs"/> the build target writes is made.
/// </summary>
public static class MsBuildInputs
{
    private const string Targets = "ResolveReferences;FindReferenceAssembliesForReferences;GenerateGlobalUsings;GenerateMSBuildEditorConfigFile";

    public static async Task<CompileInputs> ReadAsync(string projectPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (FromLastBuild(projectPath) is { } reused)
        {
            return reused;
        }

        var arguments = new List<string>
        {
            "msbuild", projectPath, "-restore", "-nologo", "-nodeReuse:false", "-p:AegisRiskCard=false", "-t:" + Targets,
            "-getItem:Compile", "-getItem:ReferencePathWithRefAssemblies", "-getItem:EditorConfigFiles", "-getItem:GlobalAnalyzerConfigFiles", "-getItem:AdditionalFiles",
            "-getProperty:DefineConstants", "-getProperty:LangVersion", "-getProperty:Nullable", "-getProperty:AssemblyName", "-getProperty:OutputType", "-getProperty:AllowUnsafeBlocks",
        };
        var record = await ProcessRunner.RunAsync("dotnet", arguments, Path.GetDirectoryName(Path.GetFullPath(projectPath))!, timeout, cancellationToken).ConfigureAwait(false);
        // The JSON is read from stdout alone: stderr lines (warnings) could otherwise land in the middle of it.
        return FromMsBuildOutput(projectPath, record.ExitCode, record.StandardOutput, record.Output);
    }

    /// <summary>The inputs from what <c>dotnet msbuild -getItem</c> printed; AEGB003 naming the project when unusable.</summary>
    internal static CompileInputs FromMsBuildOutput(string projectPath, int exitCode, string standardOutput, string output)
    {
        var json = exitCode == 0 ? JsonObjectIn(standardOutput) : null;
        if (json is null)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "dotnet msbuild could not evaluate " + projectPath + " (exit " + exitCode + "): " + ProcessRunner.Tail(output, 5).Replace('\n', ' '));
        }

        try
        {
            return Parse(projectPath, json);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "dotnet msbuild printed no usable item JSON for " + projectPath + ": " + exception.Message + " (output: " + ProcessRunner.Tail(output, 5).Replace('\n', ' ') + ")", exception);
        }
    }

    /// <summary>
    /// The JSON object MSBuild prints for -getItem/-getProperty: from a line that is just "{" to the last line that is
    /// just "}". MSBuild or the SDK may print warnings or notices (which can contain braces) before or after it, so the
    /// first '{' of the output is not necessarily the JSON's.
    /// </summary>
    internal static string? JsonObjectIn(string output)
    {
        var lines = output.Replace("\r\n", "\n").Split('\n');
        var first = Array.FindIndex(lines, l => l.TrimEnd() == "{");
        var last = Array.FindLastIndex(lines, l => l.TrimEnd() == "}");
        return first < 0 || last <= first ? null : string.Join("\n", lines[first..(last + 1)]);
    }

    /// <summary>
    /// The compile inputs the project's last build wrote (<c>obj/Debug/&lt;tfm&gt;/aegis/compile-inputs.txt</c>, the
    /// configuration <c>dotnet msbuild</c> evaluates by default), when nothing they depend on changed since: saves a
    /// restore and an evaluation (seconds per project). Fresh means: the file (or the build's risk-card.stamp beside
    /// it, when later) is newer than the project file, the
    /// Directory.Build.*, Directory.Packages.props and global.json files above it, obj/project.assets.json and every
    /// source it lists; every listed source and reference exists; and no .cs file under the project folder (outside
    /// bin/obj) is missing from the list (a file added since the build). Anything else (stale, unreadable, another
    /// project's) returns null, and the caller asks MSBuild.
    /// </summary>
    public static CompileInputs? FromLastBuild(string projectPath)
    {
        var project = Path.GetFullPath(projectPath);
        var directory = Path.GetDirectoryName(project)!;
        var debug = Path.Combine(directory, "obj", "Debug");
        if (!Directory.Exists(debug))
        {
            return null;
        }

        foreach (var candidate in Directory.GetDirectories(debug).Select(tfm => Path.Combine(tfm, "aegis", "compile-inputs.txt")).Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc))
        {
            try
            {
                var inputs = CompileInputs.Load(candidate);
                // The build rewrites the file only when its content changes, then runs the engine on every rebuild and
                // touches the stamp after it: the later of the two is when these inputs were last known current.
                var stamp = Path.Combine(Path.GetDirectoryName(candidate)!, "risk-card.stamp");
                var written = File.GetLastWriteTimeUtc(candidate);
                if (File.Exists(stamp) && File.GetLastWriteTimeUtc(stamp) > written)
                {
                    written = File.GetLastWriteTimeUtc(stamp);
                }

                if (Staleness(inputs, project, directory, written) is { } reason)
                {
                    EngineTrace.Note("inputs: " + candidate + " not reused: " + reason);
                    continue;
                }

                EngineTrace.Note("inputs: reused " + candidate);
                return inputs;
            }
            catch (Exception exception) when (exception is AegisException or IOException or UnauthorizedAccessException)
            {
                // Unusable: MSBuild answers instead.
                EngineTrace.Note("inputs: " + candidate + " not reused: " + exception.Message);
            }
        }

        return null;
    }

    /// <summary>Why the inputs are stale, or null when they are fresh.</summary>
    private static string? Staleness(CompileInputs inputs, string project, string directory, DateTime written)
    {
        if (!string.Equals(Path.GetFullPath(inputs.ProjectPath), project, StringComparison.Ordinal))
        {
            return "written for " + inputs.ProjectPath;
        }

        bool Newer(string path) => !File.Exists(path) || File.GetLastWriteTimeUtc(path) >= written;
        var assets = Path.Combine(directory, "obj", "project.assets.json");
        var changed = new[] { project, assets }.Concat(inputs.Sources).FirstOrDefault(Newer)
            ?? inputs.References.FirstOrDefault(r => !File.Exists(r));
        if (changed is not null)
        {
            return changed + " is newer or missing";
        }

        for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
        {
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json" })
            {
                var path = Path.Combine(folder.FullName, name);
                if (File.Exists(path) && File.GetLastWriteTimeUtc(path) >= written)
                {
                    return path + " is newer";
                }
            }
        }

        var listed = inputs.Sources.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(p => !RepositoryPaths.IsBuildOutput(RepositoryPaths.Relative(directory, p)))
            .FirstOrDefault(p => !listed.Contains(p)) is { } added ? added + " is not listed (added since the build)" : null;
    }

    internal static CompileInputs Parse(string projectPath, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var properties = root.GetProperty("Properties");
        var items = root.GetProperty("Items");
        string Property(string name) => properties.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
        IEnumerable<string> Items(string name) => items.TryGetProperty(name, out var list)
            ? list.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString() ?? "").Where(p => p.Length > 0)
            : Enumerable.Empty<string>();

        var inputs = new CompileInputs
        {
            ProjectPath = Path.GetFullPath(projectPath),
            AssemblyName = Property("AssemblyName") is { Length: > 0 } name ? name : Path.GetFileNameWithoutExtension(projectPath),
            OutputKind = CompileInputs.ParseOutputKind(Property("OutputType")),
            LangVersion = Property("LangVersion") is { Length: > 0 } lang ? lang : null,
            Nullable = Property("Nullable") is { Length: > 0 } nullable ? nullable : null,
            AllowUnsafe = Property("AllowUnsafeBlocks").Equals("true", StringComparison.OrdinalIgnoreCase),
        };
        inputs.Defines.AddRange(Property("DefineConstants").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal));
        inputs.Sources.AddRange(Items("Compile").Distinct(StringComparer.Ordinal));
        inputs.References.AddRange(Items("ReferencePathWithRefAssemblies").Distinct(StringComparer.Ordinal));
        inputs.AnalyzerConfigs.AddRange(Items("EditorConfigFiles").Concat(Items("GlobalAnalyzerConfigFiles")).Distinct(StringComparer.Ordinal));
        inputs.AdditionalFiles.AddRange(Items("AdditionalFiles").Distinct(StringComparer.Ordinal));
        return inputs;
    }

    /// <summary>The C# projects a target names: a .csproj, the projects of a .sln/.slnx, or every .csproj under a folder.</summary>
    public static IReadOnlyList<string> DiscoverProjects(string target)
    {
        var full = Path.GetFullPath(target);
        if (File.Exists(full))
        {
            var extension = Path.GetExtension(full).ToLowerInvariant();
            var directory = Path.GetDirectoryName(full)!;
            return extension switch
            {
                ".csproj" => new[] { full },
                ".sln" => Regex.Matches(File.ReadAllText(full), @"^Project\(""[^""]*""\)\s*=\s*""[^""]*"",\s*""([^""]+\.csproj)""", RegexOptions.Multiline)
                    .Select(m => Path.GetFullPath(Path.Combine(directory, m.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar))))
                    .Where(File.Exists).OrderBy(p => p, StringComparer.Ordinal).ToList(),
                ".slnx" => XDocument.Load(full).Descendants().Where(e => e.Name.LocalName == "Project")
                    .Select(e => (string?)e.Attribute("Path")).Where(p => p is not null && p.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
                    .Select(p => Path.GetFullPath(Path.Combine(directory, p!.Replace('\\', Path.DirectorySeparatorChar))))
                    .Where(File.Exists).OrderBy(p => p, StringComparer.Ordinal).ToList(),
                _ => throw new AegisException(ErrorCodes.BadCompileInputs, "not a project, solution or folder: " + target),
            };
        }

        if (Directory.Exists(full))
        {
            return Directory.EnumerateFiles(full, "*.csproj", SearchOption.AllDirectories)
                .Where(p => !RepositoryPaths.IsBuildOutput(RepositoryPaths.Relative(full, p)) && !RepositoryPaths.Relative(full, p).Split('/').Any(s => s.StartsWith('.')))
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToList();
        }

        throw new AegisException(ErrorCodes.BadCompileInputs, "not found: " + target);
    }
}
