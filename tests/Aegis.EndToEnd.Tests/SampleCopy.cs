using System.Security.Cryptography;
using System.Text;

namespace Aegis.EndToEnd.Tests;

/// <summary>
/// A copy of what the sample needs to build from source (samples/, the analyzer and code-fix projects, the root
/// build files), at the same relative paths, in a fresh temporary folder: tests may rewrite it freely.
/// </summary>
internal sealed class SampleCopy : IDisposable
{
    private static readonly string[] Directories = ["samples", "src/Aegis.Analyzers", "src/Aegis.Analyzers.CodeFixes"];

    private static readonly string[] RootFiles = ["Directory.Build.props", "Directory.Packages.props", "global.json"];

    /// <summary>Build output, local state and logs are never copied.</summary>
    private static readonly string[] SkippedDirectories = ["bin", "obj", "TestResults", ".vs", ".idea"];

    private static readonly string[] SkippedExtensions = [".db", ".sarif", ".binlog", ".user"];

    private SampleCopy(DirectoryInfo root) => Root = root.FullName;

    public string Root { get; }

    public string Samples => Path.Combine(Root, "samples");

    public string SampleProjectDirectory => Path.Combine(Samples, "Aegis.Sample");

    public string SampleProject => Path.Combine(SampleProjectDirectory, "Aegis.Sample.csproj");

    public string SampleTestsProject => Path.Combine(Samples, "Aegis.Sample.Tests", "Aegis.Sample.Tests.csproj");

    public static SampleCopy Create(string from)
    {
        var copy = new SampleCopy(Directory.CreateTempSubdirectory("aegis-format-"));
        foreach (var directory in Directories)
        {
            CopyDirectory(Path.Combine(from, directory), Path.Combine(copy.Root, directory));
        }

        foreach (var file in RootFiles)
        {
            File.Copy(Path.Combine(from, file), Path.Combine(copy.Root, file));
        }

        return copy;
    }

    /// <summary>The sample app's .cs files (not bin/obj), by path relative to samples/ with '/', in ordinal order.</summary>
    public SortedDictionary<string, byte[]> ReadSampleSources()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(SampleProjectDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Samples, file).Replace('\\', '/');
            if (!relative.Split('/').Any(segment => SkippedDirectories.Contains(segment, StringComparer.OrdinalIgnoreCase)))
            {
                files[relative] = File.ReadAllBytes(file);
            }
        }

        return files;
    }

    /// <summary>One SHA-256 over every file's relative path and bytes, in ordinal order of the paths.</summary>
    public static string Hash(SortedDictionary<string, byte[]> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, bytes) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\n" + bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build node that outlived its build may still hold a file; the temp folder is cleaned by the OS later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            if (!SkippedExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (!SkippedDirectories.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                CopyDirectory(directory, Path.Combine(destination, name));
            }
        }
    }
}
