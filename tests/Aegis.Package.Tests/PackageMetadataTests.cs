using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Package.Tests;

/// <summary>
/// What the packages say about themselves, as mature analyzer packages do (NetAnalyzers, StyleCop.Analyzers,
/// SecurityCodeScan): licence, project and repository, readme, tags, release notes; and the one help-link base that the
/// descriptors, the readmes and the metadata share (AegisHelpLinkBase in Directory.Build.props).
/// </summary>
public sealed partial class PackageMetadataTests
{
    public static TheoryData<string> Packages => new() { "Aegis.Analyzers", "Aegis.Cli" };

    private static XDocument Nuspec(string package) => XDocument.Parse(package == "Aegis.Analyzers"
        ? PackageUnderTest.ReadText("Aegis.Analyzers.nuspec")
        : ToolUnderTest.ReadText("Aegis.Cli.nuspec"));

    private static XElement? Element(XDocument nuspec, string name) => nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == name);

    [Theory]
    [MemberData(nameof(Packages))]
    public void Nuspec_CarriesLicenceProjectRepositoryReadmeTagsAndCopyright(string package)
    {
        var nuspec = Nuspec(package);

        var license = Element(nuspec, "license");
        Assert.NotNull(license);
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal(MSBuildProperties.RepositoryUrl, Element(nuspec, "projectUrl")?.Value);
        var repository = Element(nuspec, "repository");
        Assert.NotNull(repository);
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(MSBuildProperties.RepositoryUrl + ".git", repository.Attribute("url")?.Value);
        Assert.Equal("main", repository.Attribute("branch")?.Value);
        Assert.Equal("README.md", Element(nuspec, "readme")?.Value);
        Assert.Contains("Aegis.Analyzers contributors", Element(nuspec, "copyright")?.Value, StringComparison.Ordinal);
        var tags = Element(nuspec, "tags")?.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        Assert.Contains("security", tags);
        Assert.Contains("roslyn", tags);
        Assert.False(string.IsNullOrWhiteSpace(Element(nuspec, "description")?.Value));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Nuspec_ReleaseNotes_AreTheChangelogsTopSection_WithAbsoluteLinks(string package)
    {
        var changelog = File.ReadAllText(PackageLayoutTests.RepositoryFile("CHANGELOG.md")).Replace("\r\n", "\n").Split('\n');
        var start = Array.FindIndex(changelog, l => l.StartsWith("## ", StringComparison.Ordinal));
        var end = Array.FindIndex(changelog, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var section = string.Join("\n", changelog[start..(end < 0 ? changelog.Length : end)]).Trim();

        var notes = Element(Nuspec(package), "releaseNotes")?.Value.Replace("\r\n", "\n");

        Assert.NotNull(notes);
        Assert.StartsWith(changelog[start] + "\n", notes, StringComparison.Ordinal);
        Assert.Equal(section.Replace("](docs/", "](" + MSBuildProperties.RepositoryUrl + "/blob/main/docs/", StringComparison.Ordinal), notes);
        Assert.DoesNotMatch(@"\]\((?!https://)", notes);
    }

    [Fact]
    public void ToolPackage_IsTheAegisCommand_WithItsReadme()
    {
        Assert.Equal("Aegis.Cli", Element(Nuspec("Aegis.Cli"), "id")?.Value);
        Assert.Contains("DotnetTool", Nuspec("Aegis.Cli").Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")?.Value));
        var settings = XDocument.Parse(ToolUnderTest.ReadText(ToolUnderTest.Entries.Single(e => e.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal))));
        var command = settings.Descendants().Single(e => e.Name.LocalName == "Command");
        Assert.Equal("aegis", command.Attribute("Name")?.Value);
        Assert.Equal("Aegis.Cli.dll", command.Attribute("EntryPoint")?.Value);
        Assert.Equal(
            File.ReadAllText(PackageLayoutTests.RepositoryFile("src/Aegis.Cli/README.md")).Replace("\r\n", "\n"),
            ToolUnderTest.ReadText("README.md").Replace("\r\n", "\n"));
    }

    [Fact]
    public void HelpLinkBase_IsTheProjectsDocsRulesFolder()
        => Assert.Equal(MSBuildProperties.RepositoryUrl + "/blob/main/docs/rules/", MSBuildProperties.HelpLinkBase);

    [Fact]
    public void EveryDescriptorOfThePackedAnalyzers_LinksToItsRulePage_UnderTheOneBase()
    {
        var directory = Directory.CreateTempSubdirectory("aegis-descriptors-").FullName;
        var context = new AssemblyLoadContext("packed-analyzers", isCollectible: true);
        try
        {
            var path = Path.Combine(directory, "Aegis.Analyzers.dll");
            File.WriteAllBytes(path, PackageUnderTest.ReadBytes("analyzers/dotnet/cs/Aegis.Analyzers.dll"));
            // Microsoft.CodeAnalysis is not in this context: it comes from the test's own (newer) Roslyn, as in a compiler.
            var assembly = context.LoadFromAssemblyPath(path);
            var descriptors = assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
                .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
                .ToArray();

            Assert.NotEmpty(descriptors);
            Assert.All(descriptors, descriptor =>
            {
                Assert.Equal(MSBuildProperties.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
                Assert.True(File.Exists(PackageLayoutTests.RepositoryFile($"docs/rules/{descriptor.Id}.md")), $"docs/rules/{descriptor.Id}.md is missing");
            });
        }
        finally
        {
            context.Unload();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("nuget/README.md")]
    [InlineData("src/Aegis.Cli/README.md")]
    public void PackageReadmes_LinkIntoTheRepository_ThroughTheOneBase_ToFilesThatExist(string readme)
    {
        var text = File.ReadAllText(PackageLayoutTests.RepositoryFile(readme));
        var links = LinkPattern().Matches(text).Select(m => m.Groups["url"].Value).ToArray();

        // A package page has no repository around it: every link is absolute, and to this repository or a file of it.
        Assert.NotEmpty(links);
        var files = links.Where(link => link != MSBuildProperties.RepositoryUrl).ToArray();
        Assert.All(files, link => Assert.StartsWith(MSBuildProperties.RepositoryUrl + "/blob/main/", link, StringComparison.Ordinal));
        Assert.All(files, link => Assert.True(
            File.Exists(PackageLayoutTests.RepositoryFile(link[(MSBuildProperties.RepositoryUrl + "/blob/main/").Length..].Split('#')[0])),
            link + " names no file of the repository"));
        Assert.Contains(links, link => link.StartsWith(MSBuildProperties.HelpLinkBase, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\]\((?<url>[^)\s]+)\)")]
    private static partial Regex LinkPattern();
}
