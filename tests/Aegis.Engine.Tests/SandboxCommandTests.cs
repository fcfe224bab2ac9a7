using System.Diagnostics;
using System.Text.Json;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>
/// The CLI front of the kept sandbox, as a process with its own TMPDIR: <c>propose --sandbox repository</c> keeps the
/// copy locally, not with CI=true nor with <c>--keep-sandbox false</c>; <c>aegis sandbox clean</c> removes this
/// repository's copy, <c>--all</c> every one.
/// </summary>
public sealed class SandboxCommandTests
{
    [Fact]
    public async Task Propose_KeepsTheCopyLocally_NotInCi_NorWhenSwitchedOff_CleanRemovesIt()
    {
        using var temp = new TempDirectory();
        using var repository = Repository();
        using var other = Repository();
        var folder = KeptSandboxes.FolderFor(repository.Path, temp.Path);

        await ProposeAsync(temp, repository, ci: true);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));
        await ProposeAsync(temp, repository, ci: false, "--keep-sandbox", "false");
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));

        await ProposeAsync(temp, repository, ci: false);
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));
        // The kept copy holds the live file, not the proposal.
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(folder, "tree", "notes.txt")));
        await ProposeAsync(temp, other, ci: false);

        var (exit, stdout, stderr) = await RunAsync(temp, ci: false, "sandbox", "clean", "--repository-root", repository.Path, "--json");
        Assert.True(exit == 0, stdout + stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal(new[] { folder }, json.RootElement.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.True(Directory.Exists(KeptSandboxes.FolderFor(other.Path, temp.Path)));
        (exit, stdout, stderr) = await RunAsync(temp, ci: false, "sandbox", "clean", "--all");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("aegis: removed " + KeptSandboxes.FolderFor(other.Path, temp.Path), stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, RepositorySandbox.SandboxPrefix + "*"));

        (exit, stdout, _) = await RunAsync(temp, ci: false, "sandbox", "clean", "--repository-root", repository.Path);
        Assert.Equal(0, exit);
        Assert.StartsWith("aegis: no kept sandbox copy to remove for " + repository.Path, stdout, StringComparison.Ordinal);
    }

    private static async Task ProposeAsync(TempDirectory temp, TempDirectory repository, bool ci, params string[] extra)
    {
        var action = repository.Write(".aegis-action.json", "{\"file\": \"notes.txt\", \"content\": \"changed\\n\", \"intent\": \"edit notes\"}");
        var (exit, stdout, stderr) = await RunAsync(temp, ci, new[] { "propose", "--action", action, "--repository-root", repository.Path, "--sandbox", "repository", "--output", Path.Combine(temp.Path, "out") }.Concat(extra).ToArray());
        File.Delete(action);
        Assert.True(exit is 0 or 1, "exit " + exit + ": " + stdout + stderr);
    }

    /// <summary>A repository without projects: the sandbox copies it and has nothing to build.</summary>
    private static TempDirectory Repository()
    {
        var repository = new TempDirectory();
        repository.Write("notes.txt", "hello\n");
        return repository;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(TempDirectory temp, bool ci, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliUnderTest.Path);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TMPDIR"] = temp.Path;
        foreach (var variable in new[] { "CI", "ContinuousIntegrationBuild", "TF_BUILD", "GITHUB_ACTIONS" })
        {
            start.Environment.Remove(variable);
        }

        if (ci)
        {
            start.Environment["CI"] = "true";
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
