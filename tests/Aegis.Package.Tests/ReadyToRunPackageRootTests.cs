using Aegis.Package.Tests.EndToEnd;

namespace Aegis.Package.Tests;

/// <summary>
/// Packing finds crossgen2 under the global packages folder whichever way NUGET_PACKAGES is spelled: NuGet hands the
/// folder to MSBuild (NuGetPackageRoot) exactly as the variable gives it, with or without a trailing slash.
/// </summary>
public sealed class ReadyToRunPackageRootTests
{
    private static readonly string PackageProject = PackageLayoutTests.RepositoryFile("nuget/Aegis.Analyzers.Package.csproj");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NuGetPackagesWithOrWithoutTrailingSlash_FindsCrossgen2(bool trailingSlash)
    {
        // The folder this test project's own pack used; crossgen2 was restored there (or was already).
        var packagesRoot = MSBuildProperties.Of(PackageProject, null, "NuGetPackageRoot")["NuGetPackageRoot"].TrimEnd('/', '\\');
        var spelled = trailingSlash ? packagesRoot + Path.DirectorySeparatorChar : packagesRoot;

        // A restore of its own (its own artifacts folder), so NuGetPackageRoot is what NuGet derives from the variable.
        var artifacts = Directory.CreateTempSubdirectory("aegis-r2r-root-").FullName;
        try
        {
            var properties = MSBuildProperties.Of(
                PackageProject,
                new Dictionary<string, string?> { ["NUGET_PACKAGES"] = spelled },
                "NuGetPackageRoot;_AegisReadyToRunPossible;_AegisCrossgen",
                "-restore", "-t:_AegisReadyToRunPrepare", "-p:ArtifactsPath=" + artifacts);

            Assert.Equal(spelled, properties["NuGetPackageRoot"]);
            Assert.StartsWith(Path.Combine(packagesRoot, "microsoft.netcore.app.crossgen2."), properties["_AegisCrossgen"], StringComparison.Ordinal);
            Assert.True(File.Exists(properties["_AegisCrossgen"]), "no crossgen2 at " + properties["_AegisCrossgen"]);
            Assert.Equal("true", properties["_AegisReadyToRunPossible"]);
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
