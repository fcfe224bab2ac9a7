using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Verification;

public sealed record VerifyCommand(string CommandLine, TimeSpan Timeout);

/// <summary>A file the sandbox copy gets: <see cref="NewContent"/> null deletes it.</summary>
public sealed record FileChange(string RelativePath, string? NewContent);

/// <summary>
/// The repository sandbox: a temporary copy of the repository (git-tracked and untracked-but-not-ignored files
/// when there is a .git, else a walk; never bin/, obj/, .git/), the changes applied there, then
/// <c>dotnet build</c>, the test projects and every verify command. The live working tree is never written. A fresh
/// copy is always removed, also on cancellation; with <see cref="Keep"/> the copy is the repository's kept one
/// (<see cref="KeptSandbox"/>), synced instead of copied and left with this run's changes reverted.
/// </summary>
public sealed class RepositorySandbox
{
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Every sandbox copy is a folder of the temporary folder named so.</summary>
    public const string SandboxPrefix = "aegis-sandbox-";

    public TimeSpan TestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public bool RunTests { get; init; } = true;

    /// <summary>
    /// Keep the copy for the next verification (<see cref="KeptSandbox"/>): synced instead of copied, built
    /// incrementally. Off, every run copies afresh and removes its copy.
    /// </summary>
    public bool Keep { get; init; }

    /// <summary>Where copies go; the temporary folder unless a test says otherwise.</summary>
    public string TemporaryFolder { get; init; } = Path.GetTempPath();

    public async Task<SandboxResult> RunAsync(string repositoryRoot, IReadOnlyList<FileChange> changes, string? buildTarget, IReadOnlyList<VerifyCommand> verifyCommands, CancellationToken cancellationToken)
    {
        var result = new SandboxResult { Mode = SandboxModes.Repository };
        AbandonedSandboxes.Sweep(TemporaryFolder);
        var kept = Keep ? OpenKept(repositoryRoot, result) : null;
        var sandbox = kept?.Tree ?? Path.Combine(TemporaryFolder, SandboxPrefix + Guid.NewGuid().ToString("N")[..12]);
        IDisposable? ownership = null;
        var restored = false;
        var applied = false;
        var copying = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            try
            {
                IReadOnlyList<string> files;
                if (kept is not null && await SyncKeptAsync(kept, repositoryRoot, result, cancellationToken).ConfigureAwait(false) is { } synced)
                {
                    files = synced;
                }
                else
                {
                    if (kept is not null)
                    {
                        // The kept copy could not be synced (a full disk, say): removed, and this run copies afresh.
                        kept.Dispose();
                        KeptSandbox.Remove(TemporaryFolder, repositoryRoot, unusedOnly: false, DateTime.UtcNow);
                        kept = null;
                        sandbox = Path.Combine(TemporaryFolder, SandboxPrefix + Guid.NewGuid().ToString("N")[..12]);
                    }

                    ownership = AbandonedSandboxes.Claim(sandbox);
                    files = await CopyRepositoryAsync(repositoryRoot, sandbox, cancellationToken).ConfigureAwait(false);
                    result.Copy = "fresh copy: " + files.Count.ToString(CultureInfo.InvariantCulture) + " file(s) copied" + (result.Copy is null ? "" : " (" + result.Copy + ")");
                }

                if (changes.Count > 0)
                {
                    // Before the first change lands: a run killed from here on leaves the kept copy marked for a full resync.
                    kept?.MarkDirty();
                    applied = true;
                }

                foreach (var change in changes)
                {
                    var target = Path.GetFullPath(Path.Combine(sandbox, change.RelativePath));
                    if (!target.StartsWith(Path.GetFullPath(sandbox) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    {
                        throw new AegisException(ErrorCodes.SandboxFailure, "change escapes the sandbox: " + change.RelativePath);
                    }

                    if (change.NewContent is null)
                    {
                        File.Delete(target);
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.WriteAllText(target, change.NewContent, AtomicFile.Utf8NoBom);
                    // Later than any output of the kept copy's last build, whatever the clock's resolution.
                    File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
                }

                // The live tree's restore is the copy's when nothing it depends on changed: no second restore.
                restored = RestoreOutputs.TrySeed(repositoryRoot, sandbox, files, changes);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A full or unwritable temporary folder is the machine's problem, not an engine crash: say which folder.
                throw new AegisException(ErrorCodes.SandboxFailure, "cannot copy the repository into the temporary folder " + TemporaryFolder + ": " + exception.Message, exception);
            }

            // Phases of the sandbox for the bench (AEGIS_TRACE=1): the copy or sync, the build, the tests.
            EngineTrace.Write("sandbox-copy", copying.Elapsed);

            // Build: the sandbox build switches the Risk Card off, so it never starts another sandbox.
            var built = true;
            var building = System.Diagnostics.Stopwatch.StartNew();
            var failedBuilds = new List<string>();
            var targets = BuildTargets(sandbox, buildTarget);
            foreach (var target in targets)
            {
                var buildArguments = new List<string> { "build", target, "-p:AegisRiskCard=false", "-nodeReuse:false", "-nologo", "-clp:NoSummary" };
                if (restored)
                {
                    buildArguments.Add("--no-restore");
                }

                var build = await ProcessRunner.RunAsync("dotnet", buildArguments, sandbox, BuildTimeout, cancellationToken).ConfigureAwait(false);
                Record(result, build);
                if (build.ExitCode != 0)
                {
                    built = false;
                    failedBuilds.Add(target + (build.TimedOut ? " (timed out)" : " (exit " + build.ExitCode.ToString(CultureInfo.InvariantCulture) + ")"));
                }
            }

            EngineTrace.Write("sandbox-build", building.Elapsed);
            result.Checks.Add(new Check(CheckNames.SandboxBuild, built, targets.Count == 0 ? "no project to build" : built ? "dotnet build succeeded" : "dotnet build failed: " + string.Join(", ", failedBuilds)));
            result.BrokeBuildOrTests |= !built;

            if (RunTests && built)
            {
                var testing = System.Diagnostics.Stopwatch.StartNew();
                var tests = await RunTestsAsync(sandbox, targets, restored, result, cancellationToken).ConfigureAwait(false);
                EngineTrace.Write("sandbox-tests", testing.Elapsed);
                // Tests already red before the change are not the change's fault: the baseline says which they are.
                var baseline = changes.Count > 0 && tests.FailedNames.Count > 0
                    ? await TestBaseline.GetAsync(this, repositoryRoot, buildTarget, cancellationToken).ConfigureAwait(false)
                    : null;
                var check = TestsCheck(tests, baseline);
                result.Checks.Add(check);
                result.BrokeBuildOrTests |= !check.Passed;
            }

            if (verifyCommands.Count > 0)
            {
                var failed = new List<string>();
                foreach (var command in verifyCommands)
                {
                    var record = await ProcessRunner.RunShellAsync(command.CommandLine, sandbox, command.Timeout, cancellationToken).ConfigureAwait(false);
                    Record(result, record);
                    if (record.ExitCode != 0)
                    {
                        failed.Add(record.TimedOut ? "'" + command.CommandLine + "' timed out" : "'" + command.CommandLine + "' exited " + record.ExitCode.ToString(CultureInfo.InvariantCulture));
                    }
                }

                result.Checks.Add(new Check(CheckNames.SandboxCommands, failed.Count == 0, failed.Count == 0 ? verifyCommands.Count.ToString(CultureInfo.InvariantCulture) + " verify command(s) passed" : string.Join("; ", failed)));
                result.BrokeBuildOrTests |= failed.Count > 0;
            }

            // Last, so the card's output tail keeps it: how this run got its copy (fresh, or the kept one synced).
            result.OutputLines.Add("aegis: sandbox " + result.Copy);
        }
        finally
        {
            if (kept is not null)
            {
                ReleaseKept(kept, repositoryRoot, applied ? changes : Array.Empty<FileChange>());
            }
            else
            {
                TryDelete(sandbox);
                ownership?.Dispose();
            }
        }

        return result;
    }

    /// <summary>The kept copy of the repository, or null (a fresh copy then) when it is in use or not usable.</summary>
    private KeptSandbox? OpenKept(string repositoryRoot, SandboxResult result)
    {
        var kept = KeptSandbox.TryOpen(TemporaryFolder, repositoryRoot, out var reason);
        if (kept is null)
        {
            result.Copy = reason;
        }

        return kept;
    }

    /// <summary>The live files after syncing the kept copy to them; null when the sync failed (the copy is then discarded).</summary>
    private static async Task<IReadOnlyList<string>?> SyncKeptAsync(KeptSandbox kept, string repositoryRoot, SandboxResult result, CancellationToken cancellationToken)
    {
        var files = await ListFilesAsync(repositoryRoot, cancellationToken).ConfigureAwait(false);
        try
        {
            var report = kept.Sync(files, cancellationToken);
            result.Copy = report.ToString();
            result.KeptSync = report;
            return files;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            kept.Discard();
            result.Copy = "the kept copy could not be synced and was discarded: " + exception.Message;
            return null;
        }
    }

    /// <summary>Reverts this run's changes in the kept copy and lets it go; a copy that cannot be reverted is discarded.</summary>
    private void ReleaseKept(KeptSandbox kept, string repositoryRoot, IReadOnlyList<FileChange> changes)
    {
        var reverted = false;
        using (kept)
        {
            try
            {
                kept.Revert(changes);
                reverted = true;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Never leave a patch for the next run: it starts from scratch instead.
                kept.Discard();
            }
        }

        if (!reverted)
        {
            KeptSandbox.Remove(TemporaryFolder, repositoryRoot, unusedOnly: false, DateTime.UtcNow);
        }
    }

    /// <summary>What to build: the given target; else the one solution at the root; else every non-test project
    /// (test projects are built by <c>dotnet test</c>).</summary>
    internal static IReadOnlyList<string> BuildTargets(string root, string? buildTarget)
    {
        if (buildTarget is not null)
        {
            return new[] { buildTarget };
        }

        var solutions = Directory.GetFiles(root, "*.sln").Concat(Directory.GetFiles(root, "*.slnx")).ToList();
        if (solutions.Count == 1)
        {
            return new[] { Path.GetFileName(solutions[0]) };
        }

        var projects = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Select(p => RepositoryPaths.Relative(root, p))
            .Where(p => !RepositoryPaths.IsBuildOutput(p))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        var nonTest = projects.Where(p => !IsTestProject(Path.Combine(root, p))).ToList();
        return nonTest.Count > 0 ? nonTest : projects;
    }

    /// <summary>What one sandbox test run found: totals, the failing tests' names, and runs that gave no usable result.</summary>
    internal sealed record TestRun(bool FoundTestProjects, int Total, int Failed, IReadOnlyList<string> FailedNames, IReadOnlyList<string> Problems, int ProblemFailures);

    private async Task<TestRun> RunTestsAsync(string sandbox, IReadOnlyList<string> builtTargets, bool restored, SandboxResult result, CancellationToken cancellationToken)
    {
        var testProjects = Directory.EnumerateFiles(sandbox, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !RepositoryPaths.IsBuildOutput(RepositoryPaths.Relative(sandbox, p)))
            .Where(IsTestProject)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        if (testProjects.Count == 0)
        {
            return new TestRun(false, 0, 0, Array.Empty<string>(), Array.Empty<string>(), 0);
        }

        // When the solution just built holds every test project, one 'dotnet test <solution> --no-build' runs them all:
        // the same tests on the same build, without a restore and an up-to-date build per test project. Otherwise
        // (no solution, or a test project outside it) each test project is tested on its own, building what it needs.
        var testTargets = SolutionCovering(sandbox, builtTargets, testProjects) is { } solution
            ? new[] { (Target: solution, NoBuild: true) }
            : testProjects.Select(p => (Target: RepositoryPaths.Relative(sandbox, p), NoBuild: false)).ToArray();
        int total = 0, failed = 0, problemFailures = 0;
        var problems = new List<string>();
        var names = new List<string>();
        var index = 0;
        foreach (var (relative, noBuild) in testTargets)
        {
            var resultsRelative = ".aegis-test-results/" + (index++).ToString(CultureInfo.InvariantCulture);
            var resultsDirectory = Path.Combine(sandbox, resultsRelative);
            // One project: a fixed TRX name. A solution: the logger's own unique names (one TRX per test project).
            var arguments = new List<string> { "test", relative, "--logger", noBuild ? "trx" : "trx;LogFileName=aegis.trx", "--results-directory", resultsRelative, "-p:AegisRiskCard=false", "-nodeReuse:false" };
            if (noBuild)
            {
                arguments.Add("--no-build");
            }
            else if (restored)
            {
                arguments.Add("--no-restore");
            }

            var record = await ProcessRunner.RunAsync("dotnet", arguments, sandbox, TestTimeout, cancellationToken).ConfigureAwait(false);
            Record(result, record);
            var counts = ReadTrx(resultsDirectory);
            if (counts is null)
            {
                problems.Add(relative + ": no test results (exit " + record.ExitCode.ToString(CultureInfo.InvariantCulture) + (record.TimedOut ? ", timed out" : "") + ")");
                problemFailures += record.ExitCode == 0 ? 0 : 1;
                continue;
            }

            total += counts.Value.Total;
            failed += counts.Value.Failed;
            names.AddRange(ReadFailedTestNames(resultsDirectory));
            if (record.ExitCode != 0 && counts.Value.Failed == 0)
            {
                problems.Add(relative + ": exit " + record.ExitCode.ToString(CultureInfo.InvariantCulture));
                problemFailures++;
            }
        }

        result.FailedTests.AddRange(names);
        return new TestRun(true, total, failed, names, problems, problemFailures);
    }

    /// <summary>
    /// The sandbox_tests check: failures count unless the baseline had the same test red already (those are named,
    /// not counted). A failure the TRX files do not name, and a test run without results, always count.
    /// </summary>
    internal static Check TestsCheck(TestRun run, TestBaseline? baseline)
    {
        if (!run.FoundTestProjects)
        {
            return new Check(CheckNames.SandboxTests, true, "no test projects found");
        }

        var alreadyRed = baseline is null ? new HashSet<string>(StringComparer.Ordinal) : baseline.FailedTests.ToHashSet(StringComparer.Ordinal);
        var newlyRed = run.FailedNames.Where(n => !alreadyRed.Contains(n)).ToList();
        var stillRed = run.FailedNames.Where(alreadyRed.Contains).Distinct(StringComparer.Ordinal).ToList();
        var unnamed = Math.Max(0, run.Failed - run.FailedNames.Count);
        var failed = newlyRed.Count + unnamed + run.ProblemFailures;
        var passed = failed == 0 && run.Problems.Count == 0;
        var message = new StringBuilder();
        if (passed)
        {
            message.Append(Number(run.Total - stillRed.Count)).Append(" of ").Append(Number(run.Total)).Append(" passed");
        }
        else
        {
            message.Append(Number(failed)).Append(" of ").Append(Number(run.Total)).Append(" failed");
            if (newlyRed.Count > 0)
            {
                // Without a baseline (no change in play, or nothing to compare) a failing test is just failing.
                message.Append(baseline is null ? "; failing: " : "; turned red by the change: ").Append(Names(newlyRed.Distinct(StringComparer.Ordinal).ToList()));
            }
        }

        if (stillRed.Count > 0)
        {
            message.Append("; already red before the change (not counted): ").Append(Names(stillRed));
        }

        if (baseline is not null)
        {
            message.Append(" (baseline ").Append(baseline.Built ? "" : "did not build, so no test counted as already red; ").Append(baseline.Source).Append(')');
        }

        if (run.Problems.Count > 0)
        {
            message.Append("; ").Append(string.Join("; ", run.Problems));
        }

        return new Check(CheckNames.SandboxTests, passed, message.ToString());

        static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        static string Names(IReadOnlyList<string> names)
            => string.Join(", ", names.Take(10)) + (names.Count > 10 ? " and " + Number(names.Count - 10) + " more" : "");
    }

    /// <summary>The one built solution that lists every test project, else null.</summary>
    internal static string? SolutionCovering(string sandbox, IReadOnlyList<string> builtTargets, IReadOnlyList<string> testProjects)
    {
        if (builtTargets.Count != 1 || Path.GetExtension(builtTargets[0]).ToLowerInvariant() is not (".sln" or ".slnx"))
        {
            return null;
        }

        var solution = Path.Combine(sandbox, builtTargets[0]);
        if (!File.Exists(solution))
        {
            return null;
        }

        var listed = Compilation.MsBuildInputs.DiscoverProjects(solution).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        return testProjects.All(p => listed.Contains(Path.GetFullPath(p))) ? builtTargets[0] : null;
    }

    /// <summary>Total and failed counts from the TRX files under <paramref name="directory"/>.</summary>
    internal static (int Total, int Failed)? ReadTrx(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var files = Directory.GetFiles(directory, "*.trx", SearchOption.AllDirectories);
        if (files.Length == 0)
        {
            return null;
        }

        int total = 0, failed = 0;
        foreach (var file in files)
        {
            var counters = XDocument.Load(file).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
            if (counters is null)
            {
                continue;
            }

            total += Int(counters, "total");
            failed += Int(counters, "failed") + Int(counters, "error") + Int(counters, "timeout") + Int(counters, "aborted");
        }

        return (total, failed);

        static int Int(XElement element, string name)
            => int.TryParse(element.Attribute(name)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>Outcomes a TRX file gives a test that did not pass.</summary>
    private static readonly HashSet<string> FailedOutcomes = new(StringComparer.OrdinalIgnoreCase) { "Failed", "Error", "Timeout", "Aborted" };

    /// <summary>The names (<c>testName</c>) of the tests that did not pass, from the TRX files under <paramref name="directory"/>.</summary>
    internal static IReadOnlyList<string> ReadFailedTestNames(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return Array.Empty<string>();
        }

        return Directory.GetFiles(directory, "*.trx", SearchOption.AllDirectories)
            .OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(f => XDocument.Load(f).Descendants().Where(e => e.Name.LocalName == "UnitTestResult"))
            .Where(e => FailedOutcomes.Contains((string?)e.Attribute("outcome") ?? ""))
            .Select(e => (string?)e.Attribute("testName") ?? "")
            .Where(n => n.Length > 0)
            .ToList();
    }

    private static bool IsTestProject(string path)
    {
        var text = File.ReadAllText(path);
        return text.Contains("Microsoft.NET.Test.Sdk", StringComparison.Ordinal) || text.Contains("<IsTestProject>true</IsTestProject>", StringComparison.OrdinalIgnoreCase);
    }

    private static void Record(SandboxResult result, CommandRecord record)
    {
        result.Commands.Add(record);
        result.OutputLines.Add("$ " + record.Command);
        result.OutputLines.AddRange(record.Output.Replace("\r\n", "\n").TrimEnd('\n').Split('\n'));
    }

    /// <summary>The files to copy: git's view when there is a .git (tracked plus untracked-not-ignored), else a walk.</summary>
    internal static async Task<IReadOnlyList<string>> ListFilesAsync(string root, CancellationToken cancellationToken)
    {
        if (await GitAsync(root, cancellationToken, "ls-files", "--cached", "--others", "--exclude-standard").ConfigureAwait(false) is { } listed)
        {
            return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !RepositoryPaths.IsBuildOutput(p) && File.Exists(Path.Combine(root, p)))
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }

        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(p => RepositoryPaths.Relative(root, p))
            .Where(p => !RepositoryPaths.IsBuildOutput(p) && !p.StartsWith(".aegis/history/", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Standard output of <c>git</c> run in <paramref name="root"/> (paths unquoted); null without a .git or on failure.</summary>
    internal static async Task<string?> GitAsync(string root, CancellationToken cancellationToken, params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(root, ".git")) && !File.Exists(Path.Combine(root, ".git")))
        {
            return null;
        }

        var record = await ProcessRunner.RunAsync("git", new[] { "-c", "core.quotepath=off" }.Concat(arguments).ToArray(), root, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        return record.ExitCode == 0 ? record.StandardOutput : null;
    }

    private static async Task<IReadOnlyList<string>> CopyRepositoryAsync(string root, string sandbox, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(sandbox);
        var files = await ListFilesAsync(root, cancellationToken).ConfigureAwait(false);
        foreach (var relative in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(sandbox, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(root, relative), target);
        }

        return files;
    }

    internal static void TryDelete(string directory)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }
}
