using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>Test repositories the repository sandbox copies: a folder committed to git, a library and its xunit tests.</summary>
internal static class GitRepositories
{
    /// <summary><c>git init</c>, then everything in the folder committed as one commit.</summary>
    public static async Task CommitAllAsync(TempDirectory directory)
    {
        foreach (var command in new[] { "init -q", "add -A", "-c user.email=t@t -c user.name=t commit -qm init" })
        {
            var git = await ProcessRunner.RunAsync("git", command.Split(' '), directory.Path, TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.True(git.ExitCode == 0, git.Output);
        }
    }

    /// <summary><c>src/Lib</c> holding <paramref name="calc"/> as <c>Calc.cs</c>, and <c>tests/Lib.Tests</c> (xunit) referencing it.</summary>
    public static void WriteLibraryWithTests(TempDirectory directory, string calc)
    {
        directory.Write("src/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        directory.Write("src/Lib/Calc.cs", calc);
        directory.Write("tests/Lib.Tests/Lib.Tests.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><IsPackable>false</IsPackable></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
              </ItemGroup>
              <ItemGroup><ProjectReference Include="../../src/Lib/Lib.csproj" /></ItemGroup>
            </Project>
            """);
    }
}
