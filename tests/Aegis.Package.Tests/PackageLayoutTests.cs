using System.Text.Json;
using System.Xml.Linq;

namespace Aegis.Package.Tests;

/// <summary>Opens the packed .nupkg and compares it with what the package must hold (STYLE §9, as Meziantou's CI does).</summary>
public sealed class PackageLayoutTests
{
    // The package's own files; tools/engine/** is checked by the engine tests below, since its file set is the CLI's.
    private static readonly string[] ExpectedFiles =
    [
        "Aegis.Analyzers.nuspec",
        "README.md",
        "analyzers/dotnet/cs/Aegis.Analyzers.CodeFixes.dll",
        "analyzers/dotnet/cs/Aegis.Analyzers.dll",
        "build/Aegis.Analyzers.props",
        "build/Aegis.Analyzers.targets",
        "buildMultiTargeting/Aegis.Analyzers.props",
        "buildMultiTargeting/Aegis.Analyzers.targets",
        "buildTransitive/Aegis.Analyzers.props",
        "buildTransitive/Aegis.Analyzers.targets",
        "tools/task/Aegis.Build.Tasks.dll",
    ];

    private static bool IsZipMetadata(string entry)
        => entry.StartsWith("_rels/", StringComparison.Ordinal)
        || entry.StartsWith("package/services/", StringComparison.Ordinal)
        || entry == "[Content_Types].xml";

    [Fact]
    public void Package_HoldsExactlyTheExpectedFiles()
    {
        var actual = PackageUnderTest.Entries
            .Where(e => !IsZipMetadata(e) && !e.StartsWith("tools/engine/", StringComparison.Ordinal))
            .ToArray();

        Assert.Equal(ExpectedFiles, actual);
    }

    [Fact]
    public void Package_ShipsNoLibAndNoMSBuildAssemblies()
    {
        Assert.DoesNotContain(PackageUnderTest.Entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
        Assert.DoesNotContain(PackageUnderTest.Entries, e => Path.GetFileName(e).StartsWith("Microsoft.Build", StringComparison.OrdinalIgnoreCase));
        // Roslyn belongs to the compiler that loads the analyzers; only the out-of-process engine carries its own.
        Assert.DoesNotContain(
            PackageUnderTest.Entries.Where(e => !e.StartsWith("tools/engine/", StringComparison.Ordinal)),
            e => Path.GetFileName(e).StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Nuspec_IsADevelopmentDependencyWithoutDependencies()
    {
        var nuspec = XDocument.Parse(PackageUnderTest.ReadText("Aegis.Analyzers.nuspec"));
        string? Value(string name) => nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("Aegis.Analyzers", Value("id"));
        Assert.Equal("true", Value("developmentDependency"));
        Assert.Equal("README.md", Value("readme"));
        Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName is "dependencies" or "frameworkAssemblies" or "references");
        Assert.Equal(File.ReadAllText(RepositoryFile("nuget/README.md")).Replace("\r\n", "\n"), PackageUnderTest.ReadText("README.md").Replace("\r\n", "\n"));
    }

    [Fact]
    public void Importers_OnlyImportTheBuildFolder()
    {
        foreach (var folder in new[] { "buildTransitive", "buildMultiTargeting" })
        {
            foreach (var extension in new[] { "props", "targets" })
            {
                var project = XDocument.Parse(PackageUnderTest.ReadText($"{folder}/Aegis.Analyzers.{extension}"));
                var children = project.Root!.Elements().ToArray();
                var import = Assert.Single(children);
                Assert.Equal("Import", import.Name.LocalName);
                Assert.Equal($"$(MSBuildThisFileDirectory)../build/Aegis.Analyzers.{extension}", import.Attribute("Project")?.Value);
            }
        }
    }

    [Fact]
    public void BuildFolder_IsTheRepositorysBuildFolder()
    {
        foreach (var extension in new[] { "props", "targets" })
        {
            Assert.Equal(
                File.ReadAllText(RepositoryFile($"build/Aegis.Analyzers.{extension}")).Replace("\r\n", "\n"),
                PackageUnderTest.ReadText($"build/Aegis.Analyzers.{extension}").Replace("\r\n", "\n"));
        }
    }

    [Fact]
    public void AnalyzersAndCodeFixes_CompileAgainstOneRoslyn_4_8()
    {
        // A host older than the newest Roslyn assembly a component references cannot load it: the analyzers and the
        // fixes must need nothing newer than the compiler of the .NET 8 SDK (Roslyn 4.8), and the same from both.
        foreach (var entry in new[] { "analyzers/dotnet/cs/Aegis.Analyzers.dll", "analyzers/dotnet/cs/Aegis.Analyzers.CodeFixes.dll" })
        {
            var roslyn = RoslynReferences(entry);
            Assert.Contains("Microsoft.CodeAnalysis", roslyn.Keys);
            Assert.All(roslyn, reference => Assert.True(reference.Value == new Version(4, 8, 0, 0), $"{entry} references {reference.Key} {reference.Value}"));
        }

        Assert.Contains("Microsoft.CodeAnalysis.Workspaces", RoslynReferences("analyzers/dotnet/cs/Aegis.Analyzers.CodeFixes.dll").Keys);
    }

    private static Dictionary<string, Version> RoslynReferences(string entry)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(PackageUnderTest.ReadBytes(entry)));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return metadata.AssemblyReferences
            .Select(handle => metadata.GetAssemblyReference(handle))
            .Select(reference => (Name: metadata.GetString(reference.Name), reference.Version))
            .Where(reference => reference.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .ToDictionary(reference => reference.Name, reference => reference.Version, StringComparer.Ordinal);
    }

    [RequiresEngineFact]
    public void Engine_IsFrameworkDependentNet8RollingForwardToAnyMajor()
    {
        var engine = PackageUnderTest.Entries.Where(e => e.StartsWith("tools/engine/", StringComparison.Ordinal)).ToArray();

        Assert.Contains("tools/engine/Aegis.Cli.dll", engine);
        Assert.Contains("tools/engine/Aegis.Cli.deps.json", engine);
        Assert.Contains("tools/engine/Aegis.Cli.runtimeconfig.json", engine);
        // Framework-dependent: no runtime, no apphost (the task starts it with dotnet).
        Assert.DoesNotContain(engine, e => e.EndsWith("/System.Private.CoreLib.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(engine, e => e is "tools/engine/Aegis.Cli" or "tools/engine/Aegis.Cli.exe");

        using var config = JsonDocument.Parse(PackageUnderTest.ReadText("tools/engine/Aegis.Cli.runtimeconfig.json"));
        var options = config.RootElement.GetProperty("runtimeOptions");
        Assert.Equal("net8.0", options.GetProperty("tfm").GetString());
        Assert.Equal("Major", options.GetProperty("rollForward").GetString());
    }

    [RequiresEngineFact]
    public void Engine_ShipsIL_AndReadyToRunCopiesOnlyAsRuntimeTargetsOfTheirLibraries()
    {
        const string Root = "tools/engine/";
        var engine = PackageUnderTest.Entries.Where(e => e.StartsWith(Root, StringComparison.Ordinal)).ToArray();
        // The native SQLite libraries (the history index) are runtime assets too, checked by their own test below.
        var natives = engine.Where(e => e.StartsWith(Root + "runtimes/", StringComparison.Ordinal) && e.Contains("/native/", StringComparison.Ordinal)).ToArray();
        var copies = engine.Where(e => e.StartsWith(Root + "runtimes/", StringComparison.Ordinal)).Except(natives).ToArray();

        // English only: no satellite folders (Roslyn brings 13), and nothing nested anywhere else.
        Assert.All(engine.Except(copies).Except(natives), e => Assert.DoesNotContain('/', e[Root.Length..]));
        // Every assembly at the root is IL only, so it runs on any OS and architecture.
        Assert.All(engine.Where(e => !copies.Contains(e) && e.EndsWith(".dll", StringComparison.Ordinal)), e => Assert.False(IsReadyToRun(e), e + " is ReadyToRun"));

        using var deps = JsonDocument.Parse(PackageUnderTest.ReadText(Root + "Aegis.Cli.deps.json"));
        var libraries = deps.RootElement.GetProperty("targets").EnumerateObject().Single().Value.EnumerateObject().ToArray();
        var runtimeTargets = libraries
            .Where(l => l.Value.TryGetProperty("runtimeTargets", out _))
            .SelectMany(l => l.Value.GetProperty("runtimeTargets").EnumerateObject().Select(t => (Library: l, Path: t.Name, Rid: t.Value.GetProperty("rid").GetString()!, Type: t.Value.GetProperty("assetType").GetString())))
            .Where(t => t.Type != "native")
            .ToArray();

        if (copies.Length == 0)
        {
            // Packed without crossgen2 (AegisReadyToRun=false, or the pack could not be restored): IL only, nothing to pick.
            Assert.Empty(runtimeTargets);
            return;
        }

        // Each copy: runtimes/<rid>/lib/net8.0/<file>, ReadyToRun, with its IL twin at the root, listed in the deps file.
        Assert.All(copies, copy =>
        {
            Assert.Matches(@"^tools/engine/runtimes/[a-z0-9.-]+/lib/net8\.0/[^/]+\.dll$", copy);
            Assert.Contains(Root + Path.GetFileName(copy), engine);
            Assert.True(IsReadyToRun(copy), copy + " is not ReadyToRun");
            // Compiled from this very IL: a copy left from an older version of the dependency has another identity,
            // and the host, which loads the copy, then fails to bind the version deps.json names.
            Assert.Equal(Identity(Root + Path.GetFileName(copy)), Identity(copy));
        });
        Assert.Equal(copies.Select(c => c[Root.Length..]).Order(StringComparer.Ordinal), runtimeTargets.Select(t => t.Path).Order(StringComparer.Ordinal));
        Assert.All(runtimeTargets, t =>
        {
            Assert.Equal("runtime", t.Type);
            Assert.StartsWith($"runtimes/{t.Rid}/", t.Path, StringComparison.Ordinal);
            // The copy replaces the library's IL assembly of the same name, and only that.
            var il = t.Library.Value.GetProperty("runtime").EnumerateObject().Select(a => Path.GetFileName(a.Name)).ToArray();
            Assert.Contains(Path.GetFileName(t.Path), il);
        });
        // The entry assembly is loaded from the path the task gives; it stays IL only.
        Assert.DoesNotContain(copies, c => c.EndsWith("/Aegis.Cli.dll", StringComparison.Ordinal));
    }

    /// <summary>
    /// The history index (.aegis/aegis.db) needs SQLite's native library: the packed engine carries e_sqlite3 for the
    /// platforms a .NET SDK build runs on (linux-x64 above all, where CI runs), each listed in the deps file as a native
    /// runtime target so the host finds it, and none of the exotic or browser ones SQLitePCLRaw also brings.
    /// </summary>
    [RequiresEngineFact]
    public void Engine_ShipsSqliteNativeLibraries_ForTheKeptPlatformsOnly()
    {
        const string Root = "tools/engine/";
        string[] expected =
        [
            "runtimes/linux-arm64/native/libe_sqlite3.so",
            "runtimes/linux-musl-arm64/native/libe_sqlite3.so",
            "runtimes/linux-musl-x64/native/libe_sqlite3.so",
            "runtimes/linux-x64/native/libe_sqlite3.so",
            "runtimes/osx-arm64/native/libe_sqlite3.dylib",
            "runtimes/osx-x64/native/libe_sqlite3.dylib",
            "runtimes/win-arm64/native/e_sqlite3.dll",
            "runtimes/win-x64/native/e_sqlite3.dll",
        ];
        var natives = PackageUnderTest.Entries
            .Where(e => e.StartsWith(Root + "runtimes/", StringComparison.Ordinal) && !e.Contains("/lib/", StringComparison.Ordinal))
            .Select(e => e[Root.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, natives);

        using var deps = JsonDocument.Parse(PackageUnderTest.ReadText(Root + "Aegis.Cli.deps.json"));
        var nativeTargets = deps.RootElement.GetProperty("targets").EnumerateObject().Single().Value.EnumerateObject()
            .Where(l => l.Value.TryGetProperty("runtimeTargets", out _))
            .SelectMany(l => l.Value.GetProperty("runtimeTargets").EnumerateObject())
            .Where(t => t.Value.GetProperty("assetType").GetString() == "native")
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, nativeTargets);
        Assert.True(PackageUnderTest.ReadBytes(Root + "runtimes/linux-x64/native/libe_sqlite3.so").AsSpan(0, 4).SequenceEqual(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
    }

    private static string Identity(string entry)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(PackageUnderTest.ReadBytes(entry)));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var definition = metadata.GetAssemblyDefinition();
        return metadata.GetString(definition.Name) + " " + definition.Version;
    }

    private static bool IsReadyToRun(string entry)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(PackageUnderTest.ReadBytes(entry)));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    internal static string RepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aegis.Analyzers.sln")))
            {
                return Path.Combine(directory.FullName, relativePath);
            }
        }

        throw new InvalidOperationException("Aegis.Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
