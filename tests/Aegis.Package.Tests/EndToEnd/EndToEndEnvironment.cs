using System.IO.Compression;
using System.Text;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// One temp folder for the whole end-to-end collection: a local feed holding the packed package, a NuGet.config that
/// lists it before nuget.org, its own global packages folder (so the machine's cache never holds this build of our
/// package), and the stand-in engine, built once.
/// </summary>
public sealed class EndToEndEnvironment : IDisposable
{
    private readonly Lazy<string> _fakeEngine;

    public EndToEndEnvironment()
    {
        Root = Directory.CreateTempSubdirectory("aegis-e2e-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Packages = Path.Combine(Root, "packages");
        File.Copy(PackageUnderTest.Path, Path.Combine(Feed, Path.GetFileName(PackageUnderTest.Path)));
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="packages" />
              </config>
              <packageSources>
                <clear />
                <add key="aegis-local" value="feed" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        // An empty Directory.Build.props/.targets pair stops MSBuild looking further up than the temp root.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        _fakeEngine = new Lazy<string>(BuildFakeEngine);
    }

    public string Root { get; }

    public string Feed { get; }

    public string Packages { get; }

    /// <summary>The stand-in engine's Aegis.Cli.dll (FakeEngine/Program.cs), for -p:AegisEngineAssemblyFile.</summary>
    public string FakeEngine => _fakeEngine.Value;

    public string PackageFolder => Path.Combine(Packages, "aegis.analyzers", PackageUnderTest.Version);

    /// <summary>
    /// tools/engine/ of the packed package, unzipped as it ships into <c>Root/name</c>: the engine as a process, without a
    /// consumer's restore first. Returns the folder (Aegis.Cli.dll is inside).
    /// </summary>
    public string ExtractEngine(string name)
    {
        const string EngineFolder = "tools/engine/";
        var engine = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        using var zip = ZipFile.OpenRead(PackageUnderTest.Path);
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(EngineFolder, StringComparison.Ordinal) && e.Name.Length > 0))
        {
            var target = Path.Combine(engine, entry.FullName[EngineFolder.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            entry.ExtractToFile(target, overwrite: true);
        }

        return engine;
    }

    public Consumer NewConsumer(string name) => new(this, Directory.CreateDirectory(Path.Combine(Root, name)).FullName);

    public DotNet.RunResult Run(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>())
        {
            // NUGET_PACKAGES would win over the config's globalPackagesFolder.
            ["NUGET_PACKAGES"] = Packages,
        };
        return DotNet.Run(workingDirectory, variables, arguments);
    }

    private string BuildFakeEngine()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, "fake-engine")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "FakeEngine", "Program.cs"), Path.Combine(directory, "Program.cs"));
        File.WriteAllText(Path.Combine(directory, "FakeEngine.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <AssemblyName>Aegis.Cli</AssemblyName>
              </PropertyGroup>
            </Project>
            """);
        var output = Path.Combine(directory, "out");
        var result = Run(directory, null, "build", "-nologo", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-o", output);
        Assert.True(result.ExitCode == 0, "The stand-in engine did not build: " + result);
        return Path.Combine(output, "Aegis.Cli.dll");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (a compiler server) only leaves a temp folder behind.
        }
    }
}

/// <summary>A consumer folder: write its files, build it, look at what the build left.</summary>
public sealed class Consumer(EndToEndEnvironment environment, string directory)
{
    public string Directory { get; } = directory;

    public Consumer WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.Replace("\r\n", "\n"), new UTF8Encoding(false));
        return this;
    }

    public Consumer WriteLibrary(string name, string extraProperties = "", string extraItems = "", bool centralVersions = false, string targetFramework = "net10.0")
    {
        var frameworks = targetFramework.Contains(';', StringComparison.Ordinal)
            ? $"<TargetFrameworks>{targetFramework}</TargetFrameworks>"
            : $"<TargetFramework>{targetFramework}</TargetFramework>";
        var version = centralVersions ? "" : $" Version=\"{PackageUnderTest.Version}\"";
        WriteFile($"{name}/{name}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                {frameworks}
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <LangVersion>latest</LangVersion>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Aegis.Analyzers"{version} />
                {extraItems}
              </ItemGroup>
            </Project>
            """);
        // A planted AEG002 finding: a password inside a connection string literal.
        WriteFile($"{name}/Settings.cs", $$"""
            namespace {{name}};

            public class Settings
            {
                private string connectionString = "Server=db;Password=Xk9mP2vLq7";

                public string Get() => connectionString;
            }
            """);
        return this;
    }

    /// <summary><c>dotnet build</c> with normal verbosity (command lines and target messages) and no build servers left behind.</summary>
    public DotNet.RunResult Build(string target, IReadOnlyDictionary<string, string?>? variables, params string[] properties)
        => environment.Run(Directory, variables,
            ["build", target, "-nologo", "-v:n", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. properties]);

    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    public int EngineRuns(string projectName, string targetFramework = "net10.0")
    {
        var runs = PathOf($"{projectName}/obj/Debug/{targetFramework}/aegis/fake-engine-runs.txt");
        return File.Exists(runs) ? File.ReadAllLines(runs).Length : 0;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndEnvironment>
{
    public const string Name = "EndToEnd";
}
