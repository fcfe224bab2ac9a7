namespace Aegis.EndToEnd.Tests;

/// <summary>Runs the sample's own functional tests (not its Hole tests), so the repository's test command covers them too.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleFunctionalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task The_sample_functional_tests_pass()
    {
        // The sample first, then its tests, neither building the analyzers (they are built already, see the project file).
        var build = await DotNetCli.RunAsync(
            RepositoryLayout.Root,
            Timeout,
            "build",
            RepositoryLayout.SampleProject,
            "--disable-build-servers",
            "--configuration",
            RepositoryLayout.Configuration,
            "-p:BuildProjectReferences=false",
            "-verbosity:minimal");
        Assert.True(build.Succeeded, build.ToString());

        var test = await DotNetCli.RunAsync(
            RepositoryLayout.Root,
            Timeout,
            "test",
            RepositoryLayout.SampleTestsProject,
            "--disable-build-servers",
            "--configuration",
            RepositoryLayout.Configuration,
            "-p:BuildProjectReferences=false",
            // The Hole tests demonstrate the planted vulnerabilities: they fail until the code fixes are applied
            // (SampleFormatTests runs them on a formatted copy).
            "--filter",
            "Category!=Hole");
        Assert.True(test.Succeeded, test.ToString());
        Assert.Contains("Passed!", test.Output, StringComparison.Ordinal);
    }
}
