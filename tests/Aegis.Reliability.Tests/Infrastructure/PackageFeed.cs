using System.IO.Compression;
using System.Xml.Linq;

namespace Aegis.Reliability.Tests.Infrastructure;

/// <summary>
/// The package Aegis.Package.Tests packed, in a local feed inside <paramref name="root"/>, with a NuGet.config that
/// takes Aegis.Analyzers from that feed only and a private global packages folder: the machine's cache may hold an
/// older build of the same version. Everything else comes from the machine's cache (as a local feed, no network),
/// then nuget.org.
/// </summary>
public sealed class PackageFeed
{
    public PackageFeed(string root)
    {
        Root = root;
        var package = PackagePath();
        Feed = Directory.CreateDirectory(Path.Combine(root, "feed")).FullName;
        Packages = Path.Combine(root, "packages");
        File.Copy(package, Path.Combine(Feed, Path.GetFileName(package)));
        using (var zip = ZipFile.OpenRead(package))
        using (var reader = new StreamReader(zip.GetEntry("Aegis.Analyzers.nuspec")!.Open()))
        {
            Version = XDocument.Parse(reader.ReadToEnd()).Descendants().Single(e => e.Name.LocalName == "version").Value;
        }

        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cacheSource = Directory.Exists(cache) ? $"<add key=\"machine-cache\" value=\"{cache}\" />" : "";
        var cacheMapping = Directory.Exists(cache) ? "<packageSource key=\"machine-cache\"><package pattern=\"*\" /></packageSource>" : "";
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="aegis-local" value="{Feed}" />
                {cacheSource}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="aegis-local"><package pattern="Aegis.Analyzers" /></packageSource>
                {cacheMapping}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    public string Root { get; }

    public string Feed { get; }

    public string Packages { get; }

    public string Version { get; }

    /// <summary>The environment a build under <see cref="Root"/> needs (NUGET_PACKAGES would win over the config).</summary>
    public Dictionary<string, string?> BuildEnvironment => new() { ["NUGET_PACKAGES"] = Packages };

    private static string PackagePath()
    {
        var list = Path.Combine(AppContext.BaseDirectory, "package-under-test.txt");
        var path = File.ReadAllLines(list).Single(l => l.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase));
        return File.Exists(path) ? path : throw new FileNotFoundException("The packed package is missing (Aegis.Package.Tests packs it when it builds).", path);
    }
}
