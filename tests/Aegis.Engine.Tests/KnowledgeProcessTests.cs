using System.Diagnostics;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Engine.Tests;

/// <summary>
/// Engine processes (<c>dotnet Aegis.Cli.dll verify …</c>) started at once on one repository, each verifying the same
/// repair and recording it in <c>.aegis/knowledge/patterns.json</c> under the cross-process lock: the counts add up
/// exactly, and the file is whole. (The 21-project parallel build in Aegis.Reliability.Tests does the same through
/// MSBuild.)
/// </summary>
public sealed class KnowledgeProcessTests(ITestOutputHelper output)
{
    private const int Processes = 6;

    [Fact(Timeout = 10 * 60_000)]
    public async Task ParallelEngineProcesses_LoseNoCount()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var built = Path.Combine(Path.GetDirectoryName(inputs.ProjectPath)!, "obj", "Debug", "net10.0", "aegis", "compile-inputs.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(built)!);
        File.Copy(TestProjects.InputsPath(inputs), built);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(inputs.ProjectPath)!, "obj", "project.assets.json"), "{}\n");
        File.SetLastWriteTimeUtc(built, DateTime.UtcNow.AddHours(1));

        var processes = Enumerable.Range(0, Processes).Select(index =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory.Path };
            foreach (var argument in new[] { CliUnderTest.Path, "verify", inputs.ProjectPath, "--repository-root", directory.Path, "--sandbox", "file", "--fail-on", "never", "--output", Path.Combine(directory.Path, "out" + index) })
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start)!;
        }).ToList();
        foreach (var process in processes)
        {
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                output.WriteLine($"exit {process.ExitCode}\n{await stdout}{await stderr}");
                Assert.Equal(0, process.ExitCode);
            }
        }

        var pattern = Assert.Single(KnowledgeBase.Read(directory.Path).Patterns);
        Assert.Equal((Processes, Processes, 0), (pattern.Attempts, pattern.Verified, pattern.Failed));
        Assert.Empty(Directory.GetFiles(KnowledgeBase.DirectoryFor(directory.Path), "*.tmp"));
    }
}
