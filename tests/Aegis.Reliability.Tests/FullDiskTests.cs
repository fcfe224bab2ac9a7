using Aegis.Package.Tests.EndToEnd;
using Aegis.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Reliability.Tests;

/// <summary>
/// A full disk under each folder the engine writes: the temporary folder (the repository sandbox's copy), the
/// output folder (the card) and <c>.aegis/history/</c>. Each is a tmpfs filled to the last byte, so the failure is
/// the operating system's own "no space left on device". Expected: one coded error naming the folder and the
/// reason, the previous card and history as they were, the working tree untouched, no temporary file or copy left.
/// The engine runs out of process, as MSBuild runs it, with its own TMPDIR.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class FullDiskTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Files = SmallProject.ControllerFiles();

    [Fact]
    public void FullTempFolder_RepositorySandbox_OneAEGB007NamingIt_NothingOverwritten_NoCopyLeft()
    {
        using var directory = new TempDirectory();
        var (inputs, outputFolder) = WithPreviousCard(directory);
        using var tempParent = new TempDirectory();
        var temp = Path.Combine(tempParent.Path, "tmp");
        using var disk = SmallDisk.TryMount(temp, 64);
        if (disk is null)
        {
            // No mount allowed here: a TMPDIR that is a file fails the copy the same way (an IOException), minus ENOSPC.
            output.WriteLine("tmpfs mount refused: TMPDIR is a file instead of a full disk");
            Directory.Delete(temp);
            File.WriteAllText(temp, "not a folder\n");
        }
        else
        {
            disk.Fill();
        }

        var before = SmallProject.HashTree(directory.Path);

        var run = Engine(temp, "build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "repository", "--output", outputFolder);

        AssertOneError(run, "AEGB007", temp, fullDisk: disk is not null);
        if (disk is not null)
        {
            Assert.Equal(new[] { "filler" }, Directory.GetFileSystemEntries(temp).Select(Path.GetFileName));
        }

        Assert.Equal(before, SmallProject.HashTree(directory.Path));
    }

    [RequiresTmpfsFact]
    public void FullOutputFolder_OneAEGB006NamingIt_PreviousCardAndHistoryIntact_NoTempFileLeft()
    {
        using var directory = new TempDirectory();
        var outputFolder = Path.Combine(directory.Path, "out");
        using var disk = SmallDisk.TryMount(outputFolder, 256) ?? throw new InvalidOperationException("mount refused");
        var (inputs, _) = WithPreviousCard(directory, outputFolder);
        disk.Fill();
        var before = SmallProject.HashTree(directory.Path);

        var run = Engine(null, "build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "file", "--output", outputFolder);

        AssertOneError(run, "AEGB006", outputFolder, fullDisk: true);
        Assert.Equal(before, SmallProject.HashTree(directory.Path));
    }

    [RequiresTmpfsFact]
    public void FullHistoryFolder_OneAEGB006NamingIt_PreviousCardAndHistoryIntact_NoTempFileLeft()
    {
        using var directory = new TempDirectory();
        var history = Path.Combine(directory.Path, ".aegis", "history");
        using var disk = SmallDisk.TryMount(history, 256) ?? throw new InvalidOperationException("mount refused");
        var (inputs, outputFolder) = WithPreviousCard(directory);
        disk.Fill();
        var before = SmallProject.HashTree(directory.Path);

        var run = Engine(null, "build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "file", "--output", outputFolder);

        AssertOneError(run, "AEGB006", history, fullDisk: true);

        // The card of a run whose record could not be kept is not left in place of the previous one.
        Assert.Equal(before, SmallProject.HashTree(directory.Path));
    }

    /// <summary>The small project, built once (file sandbox) so a card and a history record exist to be kept.</summary>
    private (string Inputs, string Output) WithPreviousCard(TempDirectory directory, string? outputFolder = null)
    {
        var inputs = SmallProject.Write(directory, Files);
        outputFolder ??= Path.Combine(directory.Path, "out");
        var first = Engine(null, "build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "file", "--output", outputFolder);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(File.Exists(Path.Combine(outputFolder, "risk-card.html")));
        Assert.Single(Directory.GetFiles(Path.Combine(directory.Path, ".aegis", "history")));
        return (inputs, outputFolder);
    }

    /// <summary>The engine out of process (the CLI project's own build output), optionally with its own TMPDIR.</summary>
    private static DotNet.RunResult Engine(string? temp, params string[] arguments)
        => DotNet.Run(Path.GetTempPath(), new Dictionary<string, string?> { ["TMPDIR"] = temp ?? Path.GetTempPath() }, [Aegis.Engine.Tests.Infrastructure.CliUnderTest.Path, .. arguments]);

    /// <summary>Exit 3 and exactly one error line: the code, the folder, and (on a real full disk) the system's reason.</summary>
    private void AssertOneError(DotNet.RunResult run, string code, string folder, bool fullDisk)
    {
        output.WriteLine(run.ToString());
        Assert.Equal(3, run.ExitCode);
        var error = Assert.Single(ErrorLines(run));
        Assert.Contains("aegis: error " + code + ": ", error, StringComparison.Ordinal);
        Assert.Contains(folder, error, StringComparison.Ordinal);
        if (fullDisk)
        {
            Assert.Contains("No space left on device", error, StringComparison.Ordinal);
        }
    }

    private static string[] ErrorLines(DotNet.RunResult run)
        => run.Output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()).ToArray();
}
