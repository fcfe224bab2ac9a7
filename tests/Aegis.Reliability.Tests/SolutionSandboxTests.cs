using System.Text.Json;
using Aegis.Package.Tests.EndToEnd;
using Aegis.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Reliability.Tests;

/// <summary>
/// The CI build of a solution with two Aegis projects and a test project: <c>CI=true dotnet build</c> makes the
/// sandbox <c>repository</c>, and MSBuild builds the two projects at once, so two engines copy, build and test the
/// repository side by side. Each one's sweep of abandoned copies must leave the other's alone: before the owner file
/// was locked, the second engine removed the first one's copy (a start time read from another process differs by a
/// fraction of a millisecond on Linux), whose build then failed or hung until its 10-minute timeout, a false rollback.
/// </summary>
[Trait("Category", "Reliability")]
[Trait("Category", "Slow")]
public sealed class SolutionSandboxTests(ITestOutputHelper output)
{
    // Well below the sandbox's own 10-minute build timeout: a copy removed under a running engine shows as a timeout.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(7);

    private static readonly string[] AegisProjects = { "Api", "Admin" };

    [Fact]
    public void CiBuild_TwoAegisProjectsAndATestProject_BothCardsApproved_NoCopyRemovedUnderALiveEngine()
    {
        using var directory = new TempDirectory();
        using var temp = new TempDirectory();
        var feed = new PackageFeed(directory.Path);
        var root = directory.Path;
        directory.Write(".gitignore", "bin/\nobj/\n.aegis/\nfeed/\npackages/\n");
        foreach (var project in AegisProjects)
        {
            directory.Write($"src/{project}/{project}.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <OutputType>Library</OutputType>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Aegis.Analyzers" Version="{feed.Version}" />
                  </ItemGroup>
                </Project>

                """);
            foreach (var (relative, text) in SmallProject.ControllerFiles())
            {
                directory.Write(relative.Replace("src/Shop/", $"src/{project}/", StringComparison.Ordinal), text);
            }
        }

        directory.Write("tests/Api.Tests/Api.Tests.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="../../src/Api/Api.csproj" />
              </ItemGroup>
            </Project>

            """);
        directory.Write("tests/Api.Tests/OrdersTests.cs", """
            namespace Api.Tests;

            public sealed class OrdersTests
            {
                [Xunit.Fact]
                public void OrdersController_IsAController() => Xunit.Assert.True(typeof(Shop.OrdersController).IsPublic);
            }

            """);

        var environment = new Dictionary<string, string?>(feed.BuildEnvironment) { ["TMPDIR"] = temp.Path };
        foreach (var arguments in new[]
        {
            new[] { "new", "sln", "-n", "App", "--format", "sln" },
            new[] { "sln", "App.sln", "add", "src/Api/Api.csproj", "src/Admin/Admin.csproj", "tests/Api.Tests/Api.Tests.csproj" },
        })
        {
            var step = DotNet.Run(root, environment, arguments);
            Assert.True(step.ExitCode == 0, step.ToString());
        }

        Assert.Equal(0, Git(root, "init", "-q"));

        // The planted AEG003 findings make each card 'blocked', which CI's gate would turn into a failed build: the gate
        // is not what this test is about, the sandbox runs are.
        environment["CI"] = "true";
        var build = DotNet.Run(root, environment, BuildTimeout, "build", "App.sln", "-nologo", "-v:m", "-tl:off", "-nodeReuse:false", "-p:AegisFailOn=never");
        output.WriteLine($"exit {build.ExitCode} in {build.Elapsed.TotalSeconds:F0} s");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("AEGB", build.Output, StringComparison.Ordinal);
        foreach (var project in AegisProjects)
        {
            var cardPath = Path.Combine(root, "src", project, "bin", "Debug", "net10.0", "aegis", "risk-card.json");
            using var card = JsonDocument.Parse(File.ReadAllText(cardPath));
            // Each check is [name, passed, message].
            var checks = card.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c[0].GetString()!, c => (Passed: c[1].GetBoolean(), Message: c[2].GetString()));
            var summary = project + ": " + string.Join("; ", checks.Select(c => c.Key + "=" + c.Value.Passed + " " + c.Value.Message));
            output.WriteLine(summary);
            Assert.Equal("repository", card.RootElement.GetProperty("sandbox").GetProperty("mode").GetString());
            Assert.True(checks["sandbox_build"].Passed, summary);
            Assert.True(checks["sandbox_tests"].Passed, summary);
            Assert.Equal("approved_for_rollout", card.RootElement.GetProperty("recommendation").GetString());
        }

        // Each engine removed its own copy and owner file; nothing else was left in the build's temporary folder.
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, "aegis-sandbox-*"));
    }

    private static int Git(string root, params string[] arguments)
    {
        using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", arguments) { WorkingDirectory = root })!;
        git.WaitForExit();
        return git.ExitCode;
    }
}
