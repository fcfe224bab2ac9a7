using System.Diagnostics;
using Aegis.Engine.Verification;
using Aegis.Reliability.Tests.Infrastructure;

namespace Aegis.Reliability.Tests;

/// <summary>Hanging commands, failing sandbox builds and cancellation end cleanly: no stray process, no crash, no temp copy.</summary>
[Trait("Category", "Reliability")]
public sealed class FaultTests
{
    private static readonly Dictionary<string, string> Files = SmallProject.ControllerFiles();

    [Fact]
    public async Task HangingVerifyCommand_KilledAtTimeout_WithBothSleeps()
    {
        using var directory = new TempDirectory();
        var marker = "aegis-hang-" + Guid.NewGuid().ToString("N")[..8];

        // Two sleeps, one in the background: killing only the shell would leave the first one running.
        var record = await ProcessRunner.RunShellAsync($"bash -c 'exec -a {marker} sleep 600 & exec -a {marker} sleep 600'", directory.Path, TimeSpan.FromSeconds(3), CancellationToken.None);

        Assert.True(record.TimedOut);
        Assert.Equal(ProcessRunner.TimedOutExitCode, record.ExitCode);
        Assert.True(await NoProcessMatchesAsync(marker), "a process named " + marker + " survived the timeout");
    }

    [Fact]
    public async Task SandboxBuildFails_Rollback_NotACrash_LiveTreeUntouched()
    {
        using var directory = new TempDirectory();

        // The project imports a file that does not exist: 'dotnet build' in the sandbox copy fails at evaluation, fast.
        var inputs = SmallProject.Write(directory, Files, projectXml: "<Project Sdk=\"Microsoft.NET.Sdk\"><Import Project=\"missing.targets\" /><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        var before = SmallProject.HashTree(directory.Path);
        var output = Path.Combine(Path.GetTempPath(), "aegis-rel-out-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var run = await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "repository", "--output", output, "--json");

            Assert.DoesNotContain("AEGB008", run.Stdout + run.Stderr);
            using var json = System.Text.Json.JsonDocument.Parse(run.Stdout);
            var card = json.RootElement.GetProperty("risk_card");
            Assert.Equal("rollback", card.GetProperty("recommendation").GetString());

            // The live tree: every file as it was, except the state the engine owns (.aegis/history).
            Assert.Equal(before, SmallProject.HashTree(directory.Path, ".aegis/"));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>
    /// Cancelled while the verify command runs: a fresh copy is removed; a kept copy (the local default) stays, the one
    /// sandbox folder left, with the run's patch reverted and no dirty marker.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CancelledRepositoryRun_RemovesTempCopy_KillsCommand(bool keep)
    {
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        var marker = "aegis-cancel-" + Guid.NewGuid().ToString("N")[..8];
        var before = Directory.GetDirectories(Path.GetTempPath(), "aegis-sandbox-*").ToHashSet();
        var kept = KeptSandboxes.FolderFor(directory.Path);
        using var cancellation = new CancellationTokenSource();
        var run = AegisCli.RunAsync(cancellation.Token, "build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "repository", "--keep-sandbox", keep ? "true" : "false", "--verify-command", $"bash -c 'exec -a {marker} sleep 600'", "--output", Path.Combine(directory.Path, "out"));

        // Cancel once the sandbox copy exists (the copy, its build or the verify command is then running); a kept copy
        // once the verify command runs, so the patch is in it.
        var stopwatch = Stopwatch.StartNew();
        while (!run.IsCompleted && stopwatch.Elapsed < TimeSpan.FromMinutes(3) && !Directory.GetDirectories(Path.GetTempPath(), "aegis-sandbox-*").Any(d => !before.Contains(d)))
        {
            await Task.Delay(50);
        }

        while (keep && !run.IsCompleted && stopwatch.Elapsed < TimeSpan.FromMinutes(5) && !await ProcessMatchesAsync(marker))
        {
            await Task.Delay(100);
        }

        Assert.Equal(!keep, !Directory.Exists(kept));
        if (keep)
        {
            Assert.NotEqual(Files["src/Shop/OrdersController.cs"], File.ReadAllText(Path.Combine(kept, "tree", "src/Shop/OrdersController.cs")));
        }

        await Task.Delay(500);
        cancellation.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("AEGB007", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "aegis-sandbox-*"), d => !before.Contains(d) && d != kept);
        Assert.True(await NoProcessMatchesAsync(marker));
        if (keep)
        {
            Assert.False(File.Exists(Path.Combine(kept, "dirty")), "the cancelled run left its kept copy dirty");
            Assert.Equal(Files["src/Shop/OrdersController.cs"], File.ReadAllText(Path.Combine(kept, "tree", "src/Shop/OrdersController.cs")));
            Assert.Equal(new[] { kept }, KeptSandboxes.Clean(directory.Path));
        }
    }

    /// <summary>
    /// Ctrl+C on <c>dotnet build</c>: MSBuild cancels the task by killing the engine and its children outright, so
    /// the engine cannot remove its copy then. The copy's owner file says whose it is; the next run removes it.
    /// </summary>
    [Fact]
    public async Task EngineKilledDuringRepositorySandbox_NextRunRemovesTheAbandonedCopy()
    {
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        using var tempDirectory = new TempDirectory();
        var temp = tempDirectory.Path;
        var marker = "aegis-killed-" + Guid.NewGuid().ToString("N")[..8];

        using (var engine = StartEngine(inputs, directory.Path, temp, "--verify-command", $"bash -c 'exec -a {marker} sleep 600'"))
        {
            var stopwatch = Stopwatch.StartNew();
            while (!engine.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(3) && Directory.GetDirectories(temp, "aegis-sandbox-*").Length == 0)
            {
                await Task.Delay(50);
            }

            Assert.False(engine.HasExited, "the engine ended before its sandbox was copied");
            engine.Kill(entireProcessTree: true);
            await engine.WaitForExitAsync();
        }

        var abandoned = Assert.Single(Directory.GetDirectories(temp, "aegis-sandbox-*"));
        Assert.True(File.Exists(abandoned + ".owner"), "the copy has no owner file");
        Assert.True(await NoProcessMatchesAsync(marker), "the verify command survived the kill");

        // The next run (no verify command: it only needs to reach its sandbox) removes the abandoned copy first.
        using (var next = StartEngine(inputs, directory.Path, temp))
        {
            var output = next.StandardOutput.ReadToEndAsync();
            var errors = next.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await next.WaitForExitAsync(deadline.Token);
            Assert.True(next.ExitCode is 0 or 1, "exit " + next.ExitCode + ": " + await output + await errors);
        }

        Assert.False(Directory.Exists(abandoned), "the abandoned copy is still there");
        Assert.Empty(Directory.GetFileSystemEntries(temp, "aegis-sandbox-*"));
    }

    /// <summary>
    /// Two engines at once (two projects of one solution, <c>AegisSandbox=repository</c>): the second one's sweep must
    /// leave the first one's copy alone. A process's start time read from another process differs by fractions of a
    /// millisecond on Linux, so only a lock the owner holds proves it alive.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task SecondEngine_LeavesTheCopyOfALiveEngineInAnotherProcess()
    {
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        using var tempDirectory = new TempDirectory();
        var temp = tempDirectory.Path;
        var marker = "aegis-live-" + Guid.NewGuid().ToString("N")[..8];

        using var first = StartEngine(inputs, directory.Path, temp, "--verify-command", $"bash -c 'exec -a {marker} sleep 600'");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            while (!first.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(3) && Directory.GetDirectories(temp, "aegis-sandbox-*").Length == 0)
            {
                await Task.Delay(50);
            }

            Assert.False(first.HasExited, "the first engine ended before its sandbox was copied");
            var live = Assert.Single(Directory.GetDirectories(temp, "aegis-sandbox-*"));

            using (var second = StartEngine(inputs, directory.Path, temp))
            {
                var output = second.StandardOutput.ReadToEndAsync();
                var errors = second.StandardError.ReadToEndAsync();
                using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
                await second.WaitForExitAsync(deadline.Token);
                Assert.True(second.ExitCode is 0 or 1, "exit " + second.ExitCode + ": " + await output + await errors);
            }

            Assert.False(first.HasExited, "the first engine ended while the second ran");
            Assert.True(Directory.Exists(live), "the second engine removed the copy of a running engine");
            Assert.True(File.Exists(live + ".owner"), "the second engine removed the owner file of a running engine");
        }
        finally
        {
            if (!first.HasExited)
            {
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
        }

        Assert.True(await NoProcessMatchesAsync(marker), "the verify command survived the kill");
    }

    private static Process StartEngine(string inputs, string repository, string temp, params string[] extra)
    {
        var start = new ProcessStartInfo(Aegis.Package.Tests.EndToEnd.DotNet.HostPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        // The owner-file tests are about fresh copies: the kept one (the local default) is asked for by name.
        var keep = extra.Contains("--keep-sandbox") ? Array.Empty<string>() : new[] { "--keep-sandbox", "false" };
        foreach (var argument in new[] { Aegis.Engine.Tests.Infrastructure.CliUnderTest.Path, "build", "--inputs", inputs, "--repository-root", repository, "--sandbox", "repository", "--output", Path.Combine(repository, "out") }.Concat(keep).Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

        // Its own TMPDIR, outside the repository (the engine's runtime keeps a socket there the copy must not meet).
        start.Environment["TMPDIR"] = temp;
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return Process.Start(start)!;
    }

    /// <summary>Whether a process whose command line starts with the marker (the verify command's <c>exec -a</c> name,
    /// not the engine whose arguments hold it) runs now.</summary>
    private static async Task<bool> ProcessMatchesAsync(string marker)
    {
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", new[] { "-f", "^" + marker }) { RedirectStandardOutput = true })!;
        var pids = await pgrep.StandardOutput.ReadToEndAsync();
        await pgrep.WaitForExitAsync();
        return pids.Trim().Length > 0;
    }

    /// <summary>
    /// An engine killed (no clean-up runs) while its patch is in the kept copy: the copy stays, marked dirty; the next run
    /// resyncs every file, so the patch is gone, and leaves the kept copy as the only sandbox folder.
    /// </summary>
    [Fact]
    public async Task EngineKilledWithAKeptCopy_NextRunResyncsIt_NoPatchSurvives()
    {
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        using var tempDirectory = new TempDirectory();
        var temp = tempDirectory.Path;
        var kept = KeptSandboxes.FolderFor(directory.Path, temp);
        var patched = Path.Combine(kept, "tree", "src/Shop/OrdersController.cs");
        var marker = "aegis-kept-" + Guid.NewGuid().ToString("N")[..8];

        using (var engine = StartEngine(inputs, directory.Path, temp, "--keep-sandbox", "true", "--verify-command", $"bash -c 'exec -a {marker} sleep 600'"))
        {
            var stopwatch = Stopwatch.StartNew();
            while (!engine.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(5) && !await ProcessMatchesAsync(marker))
            {
                await Task.Delay(100);
            }

            Assert.False(engine.HasExited, "the engine ended before its verify command ran");
            engine.Kill(entireProcessTree: true);
            await engine.WaitForExitAsync();
        }

        Assert.True(File.Exists(Path.Combine(kept, "dirty")), "the killed run's kept copy is not marked dirty");
        Assert.NotEqual(Files["src/Shop/OrdersController.cs"], File.ReadAllText(patched));

        using (var next = StartEngine(inputs, directory.Path, temp, "--keep-sandbox", "true"))
        {
            var output = next.StandardOutput.ReadToEndAsync();
            var errors = next.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await next.WaitForExitAsync(deadline.Token);
            Assert.True(next.ExitCode is 0 or 1, "exit " + next.ExitCode + ": " + await output + await errors);
        }

        Assert.False(File.Exists(Path.Combine(kept, "dirty")));
        Assert.Equal(Files["src/Shop/OrdersController.cs"], File.ReadAllText(patched));
        Assert.Equal(new[] { kept }, Directory.GetFileSystemEntries(temp, "aegis-sandbox-*"));
        Assert.True(await NoProcessMatchesAsync(marker), "the verify command survived the kill");
    }

    /// <summary>pgrep -f for the marker, retried briefly: a killed process may take a moment to be reaped.</summary>
    private static async Task<bool> NoProcessMatchesAsync(string marker)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var pgrep = Process.Start(new ProcessStartInfo("pgrep", new[] { "-f", marker }) { RedirectStandardOutput = true })!;
            var pids = await pgrep.StandardOutput.ReadToEndAsync();
            await pgrep.WaitForExitAsync();
            if (pids.Trim().Length == 0)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
