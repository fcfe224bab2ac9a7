using System.Text.Json;
using Aegis.Package.Tests.EndToEnd;

namespace Aegis.Package.Tests;

/// <summary>Properties of a repository project as MSBuild evaluates them (<c>dotnet msbuild -getProperty</c>).</summary>
internal static class MSBuildProperties
{
    private static readonly Lazy<Dictionary<string, string>> LazyRepository = new(() => Of(
        PackageLayoutTests.RepositoryFile("nuget/Aegis.Analyzers.Package.csproj"), null, "AegisRepositoryUrl;AegisHelpLinkBase"));

    /// <summary>The repository's own settings (Directory.Build.props), as every project of it sees them.</summary>
    public static string RepositoryUrl => LazyRepository.Value["AegisRepositoryUrl"];

    public static string HelpLinkBase => LazyRepository.Value["AegisHelpLinkBase"];

    public static Dictionary<string, string> Of(string project, IReadOnlyDictionary<string, string?>? environment, string names, params string[] arguments)
    {
        var result = DotNet.Run(
            Path.GetDirectoryName(project)!,
            environment ?? new Dictionary<string, string?>(),
            ["msbuild", project, "-nologo", "-nodeReuse:false", "-p:Configuration=Release", .. names.Split(';').Select(n => "-getProperty:" + n), .. arguments]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var requested = names.Split(';');
        if (requested.Length == 1)
        {
            // One property: MSBuild prints its bare value.
            return new Dictionary<string, string>(StringComparer.Ordinal) { [names] = result.Output.Trim().Split('\n')[^1].Trim() };
        }

        using var document = JsonDocument.Parse(result.Output[result.Output.IndexOf('{', StringComparison.Ordinal)..]);
        return document.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
    }
}
