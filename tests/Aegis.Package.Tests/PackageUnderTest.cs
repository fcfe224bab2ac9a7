using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace Aegis.Package.Tests;

/// <summary>The .nupkg this test project's build packed (see the csproj), and what it holds.</summary>
internal static class PackageUnderTest
{
    public const string EngineEntry = "tools/engine/Aegis.Cli.dll";

    public const string EngineMissingReason =
        "tools/engine/ is absent from the package because src/Aegis.Cli is not in this tree yet (it arrives with the " +
        "engine work; nuget/Aegis.Analyzers.Package.csproj packs it as soon as the project exists). The Risk Card needs it.";

    public const string SecretAnalyzerMissingReason =
        "The packed Aegis.Analyzers.dll has no HardcodedSecretAnalyzer (AEG002) yet; it arrives with the AEG002 work.";

    private static readonly Lazy<string> LazyPath = new(() =>
    {
        var listFile = System.IO.Path.Combine(AppContext.BaseDirectory, "package-under-test.txt");
        var path = File.ReadAllLines(listFile).Single(l => l.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase));
        return File.Exists(path) ? path : throw new FileNotFoundException("The packed package is missing.", path);
    });

    private static readonly Lazy<IReadOnlyList<string>> LazyEntries = new(() =>
    {
        using var zip = ZipFile.OpenRead(Path);
        return zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
    });

    private static readonly Lazy<string> LazyVersion = new(() =>
    {
        var nuspec = XDocument.Parse(ReadText("Aegis.Analyzers.nuspec"));
        return nuspec.Descendants().Single(e => e.Name.LocalName == "version").Value;
    });

    public static string Path => LazyPath.Value;

    /// <summary>Every entry of the zip, sorted ordinally.</summary>
    public static IReadOnlyList<string> Entries => LazyEntries.Value;

    public static string Version => LazyVersion.Value;

    public static bool HasEngine => Entries.Contains(EngineEntry);

    public static bool HasSecretAnalyzer => DefinesType("analyzers/dotnet/cs/Aegis.Analyzers.dll", "HardcodedSecretAnalyzer");

    public static string ReadText(string entry)
    {
        using var zip = ZipFile.OpenRead(Path);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    public static byte[] ReadBytes(string entry)
    {
        using var zip = ZipFile.OpenRead(Path);
        using var memory = new MemoryStream();
        using (var stream = zip.GetEntry(entry)!.Open())
        {
            stream.CopyTo(memory);
        }

        return memory.ToArray();
    }

    private static bool DefinesType(string entry, string typeName)
    {
        using var zip = ZipFile.OpenRead(Path);
        using var memory = new MemoryStream();
        using (var stream = zip.GetEntry(entry)!.Open())
        {
            stream.CopyTo(memory);
        }

        memory.Position = 0;
        using var pe = new PEReader(memory);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeDefinitions.Any(handle => metadata.GetString(metadata.GetTypeDefinition(handle).Name) == typeName);
    }

    /// <summary>Evaluated while tests are discovered, so a skip shows its reason in the test report.</summary>
    public static string? SkipUnless(Func<bool> condition, string reason)
    {
        try
        {
            return condition() ? null : reason;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // No package at all: run the test, so it fails loudly instead of skipping.
            return null;
        }
    }
}

/// <summary>The aegis tool package (Aegis.Cli) the same pack put beside the analyzer package.</summary>
internal static class ToolUnderTest
{
    private static readonly Lazy<string> LazyPath = new(() =>
    {
        var path = File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "tool-under-test.txt")).Single(l => l.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase));
        return File.Exists(path) ? path : throw new FileNotFoundException("The packed tool package is missing.", path);
    });

    public static string Path => LazyPath.Value;

    public static IReadOnlyList<string> Entries
    {
        get
        {
            using var zip = ZipFile.OpenRead(Path);
            return zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
        }
    }

    public static string ReadText(string entry)
    {
        using var zip = ZipFile.OpenRead(Path);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }
}

/// <summary>A test that needs the real engine in tools/engine/; skipped, with the reason, only while it is absent.</summary>
public sealed class RequiresEngineFactAttribute : FactAttribute
{
    public RequiresEngineFactAttribute() => Skip = PackageUnderTest.SkipUnless(() => PackageUnderTest.HasEngine, PackageUnderTest.EngineMissingReason);
}

/// <summary>A test that needs the AEG002 analyzer in the packed analyzer assembly.</summary>
public sealed class RequiresSecretAnalyzerFactAttribute : FactAttribute
{
    public RequiresSecretAnalyzerFactAttribute() => Skip = PackageUnderTest.SkipUnless(() => PackageUnderTest.HasSecretAnalyzer, PackageUnderTest.SecretAnalyzerMissingReason);
}
