using Aegis.Bench.Generator;
using Aegis.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Reliability.Tests;

/// <summary>
/// No analyzer exception (AD0001) and no fixer exception over real code: this repository's own sources and a
/// generated ~20k-line ASP.NET Core project, with every offered fix and FixAll applied.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class NoCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RepositorySources_NoAnalyzerOrFixerException()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var outcome = new HarnessOutcome();

        // One compilation per top-level folder: compiler errors (duplicate Program classes, missing test
        // packages) are allowed; what matters is that nothing the analyzers and fixers see makes them throw.
        foreach (var folder in new[] { "src", "tests", "samples", "bench" })
        {
            var files = Repo.SourcesUnder(folder);
            Assert.NotEmpty(files);
            var sources = files.Select(f => (f, File.ReadAllText(f))).ToArray();
            var before = outcome.Diagnostics;
            await AnalyzerHarness.RunAsync(sources, AnalyzerHarness.References, applyFixes: true, timeout.Token, outcome: outcome);
            output.WriteLine($"{folder}: {files.Count} files, {outcome.Diagnostics - before} Aegis diagnostics");
        }

        output.WriteLine($"fixes applied {outcome.FixesApplied}, FixAlls {outcome.FixAllsApplied}");
        Assert.True(outcome.Diagnostics > 0, "the samples plant findings; none were reported");
        Assert.Empty(outcome.Failures);
    }

    [Fact]
    public async Task GeneratedSolution_20kLines_NoAnalyzerOrFixerException()
    {
        using var directory = new TempDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var generated = ProjectGenerator.Generate(Path.Combine(directory.Path, "gen"), seed: 5, targetLines: 20_000, projects: 1, findingRate: 0.1, analyzerPath: "unused", repoRoot: Repo.Root);
        var sources = Directory.EnumerateFiles(Path.Combine(directory.Path, "gen"), "*.cs", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal).Select(f => (f, File.ReadAllText(f))).ToArray();

        // Every diagnostic is analyzed; fixes are applied to at most 40 diagnostics per rule (each fix re-analyzes
        // nothing, but the generated project has hundreds of findings and the budget is minutes, not tens of them).
        var outcome = await AnalyzerHarness.RunAsync(sources, AnalyzerHarness.References, applyFixes: true, timeout.Token, maxActionsPerRule: 40);
        output.WriteLine($"{generated.Lines} lines in {generated.Files} files: {outcome.Diagnostics} Aegis diagnostics, fixes applied {outcome.FixesApplied}, FixAlls {outcome.FixAllsApplied}");
        Assert.True(generated.Lines >= 15_000, "generated " + generated.Lines + " lines");
        Assert.True(outcome.Diagnostics > 0);
        Assert.Empty(outcome.Failures);
    }
}
