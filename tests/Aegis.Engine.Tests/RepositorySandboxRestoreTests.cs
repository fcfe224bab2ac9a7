using Aegis.Engine.Verification;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// The repository sandbox reuses the live tree's restore (copies obj/'s restore outputs, paths rebased to the copy)
/// and builds with <c>--no-restore</c>, only when that restore provably describes the copy; otherwise it restores.
/// </summary>
[Collection(SharedTemporaryFolder.Name)]
public sealed class RepositorySandboxRestoreTests
{
    private const string Library = "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>\n";

    [Fact]
    public void Rebase_MovesEachPath_PlainAndJsonEscaped_NotALongerSibling()
    {
        Assert.Equal(
            "<ProjectAssetsFile>/tmp/copy/src/obj/project.assets.json</ProjectAssetsFile> /repo/src/obj2/x \"/tmp/copy/src/obj\"",
            RestoreOutputs.Rebase("<ProjectAssetsFile>/repo/src/obj/project.assets.json</ProjectAssetsFile> /repo/src/obj2/x \"/repo/src/obj\"", new[] { ("/repo/src/obj", "/tmp/copy/src/obj") }));
        Assert.Equal(
            "{\"projectPath\": \"C:\\\\tmp\\\\copy\\\\src\\\\Lib.csproj\"}",
            RestoreOutputs.Rebase("{\"projectPath\": \"C:\\\\work\\\\repo\\\\src\\\\Lib.csproj\"}", new[] { ("C:\\work\\repo\\src\\Lib.csproj", "C:\\tmp\\copy\\src\\Lib.csproj") }));
    }

    /// <summary>A package folder inside the repository (NuGet.config's globalPackagesFolder) is not copied: the copy reads the live one.</summary>
    [Fact]
    public void TrySeed_PackageFolderInsideTheRepository_StaysLive()
    {
        using var live = new TempDirectory();
        using var copy = new TempDirectory();
        var files = WriteRestoredLibrary(live, packagesInside: true);

        Assert.True(RestoreOutputs.TrySeed(live.Path, copy.Path, files, Array.Empty<FileChange>()));

        var props = File.ReadAllText(Path.Combine(copy.Path, "src/Lib/obj/Lib.csproj.nuget.g.props"));
        Assert.Contains("<NuGetPackageRoot>" + Path.Combine(live.Path, "packages") + "/</NuGetPackageRoot>", props, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(copy.Path, "src/Lib/obj/project.assets.json"), props, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySeed_FreshRestore_CopiedWithTheCopysPaths()
    {
        using var live = new TempDirectory();
        using var copy = new TempDirectory();
        var files = WriteRestoredLibrary(live);

        Assert.True(RestoreOutputs.TrySeed(live.Path, copy.Path, files, new[] { new FileChange("src/Lib/Class1.cs", "class C { }") }));

        var props = File.ReadAllText(Path.Combine(copy.Path, "src/Lib/obj/Lib.csproj.nuget.g.props"));
        Assert.Contains(Path.Combine(copy.Path, "src/Lib/obj/project.assets.json"), props, StringComparison.Ordinal);
        Assert.DoesNotContain(live.Path + "/src", props, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySeed_ChangeToAProjectFile_Restores()
    {
        using var live = new TempDirectory();
        using var copy = new TempDirectory();
        var files = WriteRestoredLibrary(live);

        Assert.False(RestoreOutputs.TrySeed(live.Path, copy.Path, files, new[] { new FileChange("src/Lib/Lib.csproj", Library) }));
        Assert.False(RestoreOutputs.TrySeed(live.Path, copy.Path, files, new[] { new FileChange("Directory.Packages.props", "<Project />") }));
        Assert.False(Directory.Exists(Path.Combine(copy.Path, "src/Lib/obj")));
    }

    [Fact]
    public void TrySeed_ProjectFileNewerThanTheRestore_Restores()
    {
        using var live = new TempDirectory();
        using var copy = new TempDirectory();
        var files = WriteRestoredLibrary(live);
        File.SetLastWriteTimeUtc(Path.Combine(live.Path, "src/Lib/Lib.csproj"), DateTime.UtcNow.AddMinutes(5));

        Assert.False(RestoreOutputs.TrySeed(live.Path, copy.Path, files, Array.Empty<FileChange>()));
    }

    [Fact]
    public void TrySeed_NeverRestored_Restores()
    {
        using var live = new TempDirectory();
        using var copy = new TempDirectory();
        live.Write("src/Lib/Lib.csproj", Library);

        Assert.False(RestoreOutputs.TrySeed(live.Path, copy.Path, new[] { "src/Lib/Lib.csproj" }, Array.Empty<FileChange>()));
    }

    /// <summary>A real restore in the live tree: the copy builds without restoring, and the live obj/ is not written.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Sandbox_LiveTreeRestored_BuildsTheCopyWithoutRestoring_LiveObjUntouched()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Lib/Lib.csproj", Library);
        directory.Write("src/Lib/Class1.cs", "namespace Lib;\npublic static class Class1 { public static int One() => 1; }\n");
        directory.Write(".gitignore", "bin/\nobj/\n");
        await GitRepositories.CommitAllAsync(directory);

        var restore = await ProcessRunner.RunAsync("dotnet", new[] { "restore", "src/Lib/Lib.csproj", "-nologo" }, directory.Path, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(restore.ExitCode == 0, restore.Output);
        var assets = Path.Combine(directory.Path, "src/Lib/obj/project.assets.json");
        var (assetsText, assetsTime) = (File.ReadAllText(assets), File.GetLastWriteTimeUtc(assets));

        var result = await new RepositorySandbox { RunTests = false }.RunAsync(
            directory.Path,
            new[] { new FileChange("src/Lib/Class1.cs", "namespace Lib;\npublic static class Class1 { public static int One() => 2 - 1; }\n") },
            "src/Lib/Lib.csproj",
            Array.Empty<VerifyCommand>(),
            CancellationToken.None);

        Assert.True(result.Checks.Single(c => c.Name == CheckNames.SandboxBuild).Passed, string.Join("\n", result.OutputLines));
        var build = Assert.Single(result.Commands, c => c.Command.StartsWith("dotnet build", StringComparison.Ordinal));
        Assert.Contains("--no-restore", build.Command, StringComparison.Ordinal);
        Assert.Equal(assetsText, File.ReadAllText(assets));
        Assert.Equal(assetsTime, File.GetLastWriteTimeUtc(assets));
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "src/Lib/bin")));
    }

    /// <summary>Without a live restore the copy restores itself, as before.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Sandbox_LiveTreeNeverRestored_CopyRestores()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Lib/Lib.csproj", Library);
        directory.Write("src/Lib/Class1.cs", "namespace Lib;\npublic static class Class1 { public static int One() => 1; }\n");

        var result = await new RepositorySandbox { RunTests = false }.RunAsync(directory.Path, Array.Empty<FileChange>(), "src/Lib/Lib.csproj", Array.Empty<VerifyCommand>(), CancellationToken.None);

        Assert.True(result.Checks.Single(c => c.Name == CheckNames.SandboxBuild).Passed, string.Join("\n", result.OutputLines));
        Assert.DoesNotContain("--no-restore", Assert.Single(result.Commands).Command, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "src/Lib/obj")));
    }

    /// <summary>A restored library as restore leaves it: project file, then obj/'s outputs naming the live root.</summary>
    private static IReadOnlyList<string> WriteRestoredLibrary(TempDirectory live, bool packagesInside = false)
    {
        live.Write("src/Lib/Lib.csproj", Library);
        live.Write("src/Lib/Class1.cs", "class C { }");
        File.SetLastWriteTimeUtc(Path.Combine(live.Path, "src/Lib/Lib.csproj"), DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(Path.Combine(live.Path, "src/Lib/Class1.cs"), DateTime.UtcNow.AddMinutes(-5));
        var assets = Path.Combine(live.Path, "src/Lib/obj/project.assets.json");
        live.Write("src/Lib/obj/project.assets.json", "{\"project\": {\"restore\": {\"projectPath\": \"" + Path.Combine(live.Path, "src/Lib/Lib.csproj") + "\"}}}");
        live.Write("src/Lib/obj/project.nuget.cache", "{}");
        live.Write("src/Lib/obj/Lib.csproj.nuget.dgspec.json", "{}");
        var packageRoot = packagesInside ? "<NuGetPackageRoot>" + Path.Combine(live.Path, "packages") + "/</NuGetPackageRoot>" : string.Empty;
        live.Write("src/Lib/obj/Lib.csproj.nuget.g.props", "<Project><PropertyGroup><ProjectAssetsFile>" + assets + "</ProjectAssetsFile>" + packageRoot + "</PropertyGroup></Project>");
        live.Write("src/Lib/obj/Lib.csproj.nuget.g.targets", "<Project />");
        return new[] { "src/Lib/Lib.csproj", "src/Lib/Class1.cs" };
    }
}
