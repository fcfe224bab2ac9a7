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
        var arguments = new List<string>
        {
            "msbuild", projectPath, "-restore", "-nologo", "-nodeReuse:false", "-p:AegisRiskCard=false", "-t:" + Targets,
            "-getItem:Compile", "-getItem:ReferencePathWithRefAssemblies", "-getItem:EditorConfigFiles", "-getItem:GlobalAnalyzerConfigFiles", "-getItem:AdditionalFiles",
            "-getProperty:DefineConstants", "-getProperty:LangVersion", "-getProperty:Nullable", "-getProperty:AssemblyName", "-getProperty:OutputType", "-getProperty:AllowUnsafeBlocks",
        };
        var record = await ProcessRunner.RunAsync("dotnet", arguments, Path.GetDirectoryName(Path.GetFullPath(projectPath))!, timeout, cancellationToken).ConfigureAwait(false);
        var output = record.Output;
        var start = output.IndexOf('{');
        if (record.ExitCode != 0 || start < 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "dotnet msbuild could not evaluate " + projectPath + " (exit " + record.ExitCode + "): " + ProcessRunner.Tail(output, 5).Replace('\n', ' '));
        }

        return Parse(projectPath, output[start..]);
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
