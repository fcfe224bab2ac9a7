using Aegis.Engine.Infrastructure;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>
/// The kept repository sandbox: one copy per repository, synced (not copied) by the next verification, with each run's
/// changes reverted before it is let go. Every test gives the sandbox its own temporary folder, so the kept copies it
/// makes are its own. The fast ones use a repository without projects (no build): only the copy is under test.
/// </summary>
public sealed class KeptSandboxTests
{
    private static readonly IReadOnlyList<VerifyCommand> NoCommands = Array.Empty<VerifyCommand>();

    [Fact]
    public async Task SecondRun_SyncsOnlyTheChangedFile_TheFirstCopiesAll()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };

        var first = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        repository.Write("src/B.txt", "b edited\n");
        var second = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        var third = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);

        Assert.Equal((3, 3), (first.KeptSync!.Copied, first.KeptSync.Files));
        Assert.Equal((1, 3, 0), (second.KeptSync!.Copied, second.KeptSync.Files, second.KeptSync.Deleted));
        Assert.Equal(0, third.KeptSync!.Copied);
        Assert.Contains("aegis: sandbox kept copy: 1 of 3 file(s) copied, 0 deleted", second.OutputLines);
        var tree = Tree(temp, repository);
        Assert.Equal("b edited\n", File.ReadAllText(Path.Combine(tree, "src/B.txt")));
        // Exactly one sandbox folder, the kept one; no fresh copy or owner file was left.
        Assert.Equal(new[] { KeptSandboxes.FolderFor(repository.Path, temp.Path) }, Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));
    }

    [Fact]
    public async Task Patch_SeenByTheRun_RevertedAfterIt_NewFileRemoved()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        var changes = new[] { new FileChange("src/A.txt", "patched\n"), new FileChange("src/New.txt", "new\n"), new FileChange("README.md", null) };
        // The run sees the patch: the verify commands run in the copy with the changes applied.
        var commands = new[]
        {
            new VerifyCommand("grep -q patched src/A.txt && test -f src/New.txt && test ! -e README.md", TimeSpan.FromSeconds(30)),
        };

        var run = await sandbox.RunAsync(repository.Path, changes, null, commands, CancellationToken.None);

        Assert.True(run.Checks.Single(c => c.Name == CheckNames.SandboxCommands).Passed, string.Join("\n", run.OutputLines));
        var tree = Tree(temp, repository);
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(tree, "src/A.txt")));
        Assert.False(File.Exists(Path.Combine(tree, "src/New.txt")));
        Assert.Equal("readme\n", File.ReadAllText(Path.Combine(tree, "README.md")));
        Assert.False(File.Exists(Path.Combine(KeptSandboxes.FolderFor(repository.Path, temp.Path), "dirty")));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(repository.Path, "src/A.txt")));

        // The next run sees none of it, and copies nothing: the revert left the copy in sync.
        var next = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, new[] { new VerifyCommand("grep -q '^a$' src/A.txt && test ! -e src/New.txt", TimeSpan.FromSeconds(30)) }, CancellationToken.None);
        Assert.True(next.Checks.Single(c => c.Name == CheckNames.SandboxCommands).Passed, string.Join("\n", next.OutputLines));
        Assert.Equal(0, next.KeptSync!.Copied);
    }

    [Fact]
    public async Task LiveFileDeleted_GoneInTheCopy_BuildOutputAndFilesTheCommandsWroteHandled()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        var tree = Tree(temp, repository);
        File.WriteAllText(Path.Combine(tree, "src/bin.txt"), "stray\n");
        Directory.CreateDirectory(Path.Combine(tree, "src/obj"));
        File.WriteAllText(Path.Combine(tree, "src/obj/build.cache"), "kept\n");
        // A verify command that edited a tracked file of the copy: copied again even though the live file did not change.
        File.WriteAllText(Path.Combine(tree, "src/A.txt"), "edited by a command\n");
        File.Delete(Path.Combine(repository.Path, "src/B.txt"));

        var run = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(tree, "src/B.txt")));
        Assert.False(File.Exists(Path.Combine(tree, "src/bin.txt")));
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(tree, "src/obj/build.cache")));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(tree, "src/A.txt")));
        Assert.Equal((1, 2), (run.KeptSync!.Copied, run.KeptSync.Deleted));
    }

    [Fact]
    public async Task LockTaken_FreshCopy_RemovedAfter_KeptCopyUntouched()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        var folder = KeptSandboxes.FolderFor(repository.Path, temp.Path);

        SandboxResult run;
        using (FileLock.Acquire(Path.Combine(folder, "lock")))
        {
            run = await sandbox.RunAsync(repository.Path, new[] { new FileChange("src/A.txt", "patched\n") }, null, new[] { new VerifyCommand("grep -q patched src/A.txt", TimeSpan.FromSeconds(30)) }, CancellationToken.None);
        }

        Assert.Null(run.KeptSync);
        Assert.StartsWith("fresh copy: 3 file(s) copied (the kept copy is in use by another verification)", run.Copy, StringComparison.Ordinal);
        Assert.True(run.Checks.Single(c => c.Name == CheckNames.SandboxCommands).Passed);
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(folder, "tree/src/A.txt")));
    }

    [Fact]
    public async Task DirtyMarker_EveryFileCopiedAgain_ThePatchLeftByAKilledRunIsGone()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        var folder = KeptSandboxes.FolderFor(repository.Path, temp.Path);
        // What a run killed with its patch applied leaves: the patch (same size, same time as recorded) and the marker.
        var patched = Path.Combine(folder, "tree/src/A.txt");
        var time = File.GetLastWriteTimeUtc(patched);
        File.WriteAllText(patched, "X\n");
        File.SetLastWriteTimeUtc(patched, time);
        File.WriteAllText(Path.Combine(folder, "dirty"), "");

        var run = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);

        Assert.Equal((3, "an earlier run was interrupted"), (run.KeptSync!.Copied, run.KeptSync.StartedOver));
        Assert.Equal("a\n", File.ReadAllText(patched));
        Assert.False(File.Exists(Path.Combine(folder, "dirty")));
    }

    [Theory]
    [InlineData("{ \"version\": ")]
    [InlineData("{\"version\":1,\"repository\":\"OTHER\",\"files\":{}}")]
    public async Task UnreadableOrForeignState_StartsOver(string state)
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        // Another repository that still exists (one that is gone has its copy swept instead).
        File.WriteAllText(Path.Combine(KeptSandboxes.FolderFor(repository.Path, temp.Path), "state.json"), state.Replace("OTHER", temp.Path, StringComparison.Ordinal));

        var run = await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);

        Assert.Equal(3, run.KeptSync!.Copied);
        Assert.NotNull(run.KeptSync.StartedOver);
    }

    [Fact]
    public async Task FolderNotPrivate_NeverBuiltIn_FreshCopyInstead()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes; on Windows the temporary folder is the user's own.
        }

        using var repository = Repository(out var temp);
        using var _ = temp;
        var folder = KeptSandboxes.FolderFor(repository.Path, temp.Path);
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);

        var run = await new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path }.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);

        Assert.Null(run.KeptSync);
        Assert.Contains("is not private (0700)", run.Copy, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public async Task NewKeptFolder_IsPrivate()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes; on Windows the temporary folder is the user's own.
        }

        using var repository = Repository(out var temp);
        using var _ = temp;
        await new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path }.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(KeptSandboxes.FolderFor(repository.Path, temp.Path)));
    }

    [Fact]
    public async Task KeepOff_NoKeptCopy_TodaysFreshCopyRemoved()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var run = await new RepositorySandbox { TemporaryFolder = temp.Path }.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        Assert.Null(run.KeptSync);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));
    }

    [Fact]
    public async Task Clean_RemovesThisRepositorysCopy_AllRemovesEvery_InUseLeft()
    {
        using var repository = Repository(out var temp);
        using var other = new TempDirectory();
        using var _ = temp;
        other.Write("x.txt", "x\n");
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        await sandbox.RunAsync(other.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        var mine = KeptSandboxes.FolderFor(repository.Path, temp.Path);
        var theirs = KeptSandboxes.FolderFor(other.Path, temp.Path);

        Assert.Equal(new[] { mine }, KeptSandboxes.Clean(repository.Path, temp.Path));
        Assert.True(Directory.Exists(theirs));
        using (FileLock.Acquire(Path.Combine(theirs, "lock")))
        {
            Assert.Empty(KeptSandboxes.Clean(null, temp.Path));
        }

        Assert.Equal(new[] { theirs }, KeptSandboxes.Clean(null, temp.Path));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Sweep_RemovesCopiesUnusedForAWeek_AndThoseOfDeletedRepositories()
    {
        using var repository = Repository(out var temp);
        using var _ = temp;
        var gone = new TempDirectory();
        gone.Write("x.txt", "x\n");
        var sandbox = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        await sandbox.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        await sandbox.RunAsync(gone.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        gone.Dispose();
        var mine = KeptSandboxes.FolderFor(repository.Path, temp.Path);

        AbandonedSandboxes.Sweep(temp.Path);
        Assert.Equal(new[] { mine }, Directory.GetFileSystemEntries(temp.Path));

        File.SetLastWriteTimeUtc(Path.Combine(mine, "state.json"), DateTime.UtcNow - TimeSpan.FromDays(8));
        AbandonedSandboxes.Sweep(temp.Path);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Default_KeptLocally_NotInCi()
    {
        Assert.True(SandboxModes.KeepsByDefault(_ => null));
        Assert.False(SandboxModes.KeepsByDefault(name => name == "CI" ? "true" : null));
        Assert.False(SandboxModes.KeepsByDefault(name => name == "GITHUB_ACTIONS" ? "true" : null));
        Assert.False(SandboxModes.KeepsByDefault(name => name == "TF_BUILD" ? "True" : null));
    }

    /// <summary>
    /// A library and its tests, verified five times through one kept copy (incremental builds): a patch that breaks the
    /// build, then none (built again); a patch that turns a test red, then another (green: patch A's failure is not B's).
    /// The checks of a kept run equal those of a fresh copy's.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task IncrementalBuilds_AnEarlierRunsPatchNeverLeaksIntoTheNext_ChecksEqualAFreshCopys()
    {
        using var repository = new TempDirectory();
        using var temp = new TempDirectory();
        const string calc = "namespace Lib;\n\npublic static class Calc\n{\n    public static int Twice(int a) => a * 2;\n}\n";
        GitRepositories.WriteLibraryWithTests(repository, calc);
        repository.Write("tests/Lib.Tests/CalcTests.cs", "namespace Lib.Tests;\n\npublic class CalcTests\n{\n    [Xunit.Fact]\n    public void Twice() => Xunit.Assert.Equal(6, Calc.Twice(3));\n}\n");
        repository.Write(".gitignore", "bin/\nobj/\n.aegis/\n");
        await GitRepositories.CommitAllAsync(repository);

        var kept = new RepositorySandbox { Keep = true, TemporaryFolder = temp.Path };
        var fresh = new RepositorySandbox { TemporaryFolder = temp.Path };
        var harmless = new[] { new FileChange("src/Lib/Calc.cs", calc.Replace("public static class", "/// <summary>Arithmetic.</summary>\npublic static class", StringComparison.Ordinal)) };

        var first = await kept.RunAsync(repository.Path, harmless, null, NoCommands, CancellationToken.None);
        var second = await kept.RunAsync(repository.Path, harmless, null, NoCommands, CancellationToken.None);
        var freshRun = await fresh.RunAsync(repository.Path, harmless, null, NoCommands, CancellationToken.None);
        Assert.Equal(Checks(freshRun), Checks(first));
        Assert.Equal(Checks(freshRun), Checks(second));
        Assert.True(first.Checks.All(c => c.Passed), Describe(first));
        Assert.Equal(0, second.KeptSync!.Copied); // the first run's revert left the copy in sync

        var broken = await kept.RunAsync(repository.Path, new[] { new FileChange("src/Lib/Calc.cs", calc.Replace("a * 2", "a *", StringComparison.Ordinal)) }, null, NoCommands, CancellationToken.None);
        Assert.False(broken.Checks.Single(c => c.Name == CheckNames.SandboxBuild).Passed, Describe(broken));

        var unpatched = await kept.RunAsync(repository.Path, Array.Empty<FileChange>(), null, NoCommands, CancellationToken.None);
        Assert.Equal("dotnet build succeeded", unpatched.Checks.Single(c => c.Name == CheckNames.SandboxBuild).Message);
        Assert.True(unpatched.Checks.All(c => c.Passed), Describe(unpatched));

        var redA = await kept.RunAsync(repository.Path, new[] { new FileChange("src/Lib/Calc.cs", calc.Replace("a * 2", "a * 3", StringComparison.Ordinal)) }, null, NoCommands, CancellationToken.None);
        Assert.Contains("turned red by the change: Lib.Tests.CalcTests.Twice", redA.Checks.Single(c => c.Name == CheckNames.SandboxTests).Message, StringComparison.Ordinal);

        var greenB = await kept.RunAsync(repository.Path, new[] { new FileChange("src/Lib/Calc.cs", calc.Replace("a * 2", "a + a", StringComparison.Ordinal)) }, null, NoCommands, CancellationToken.None);
        Assert.True(greenB.Checks.All(c => c.Passed), Describe(greenB));
        Assert.Equal(calc, File.ReadAllText(Path.Combine(KeptSandboxes.FolderFor(repository.Path, temp.Path), "tree/src/Lib/Calc.cs")));
        Assert.Equal(calc, File.ReadAllText(Path.Combine(repository.Path, "src/Lib/Calc.cs")));

        static string Checks(SandboxResult result) => string.Join("\n", result.Checks.Select(c => c.Name + " " + c.Passed + " " + c.Message));

        static string Describe(SandboxResult result) => Checks(result) + "\n" + string.Join("\n", result.OutputLines.TakeLast(40));
    }

    /// <summary>A repository without projects (README.md, src/A.txt, src/B.txt) and a temporary folder of the test's own.</summary>
    private static TempDirectory Repository(out TempDirectory temp)
    {
        var repository = new TempDirectory();
        repository.Write("README.md", "readme\n");
        repository.Write("src/A.txt", "a\n");
        repository.Write("src/B.txt", "b\n");
        temp = new TempDirectory();
        return repository;
    }

    private static string Tree(TempDirectory temp, TempDirectory repository) => Path.Combine(KeptSandboxes.FolderFor(repository.Path, temp.Path), "tree");
}
