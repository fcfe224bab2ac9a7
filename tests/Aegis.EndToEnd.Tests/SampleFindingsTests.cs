using System.Text;

namespace Aegis.EndToEnd.Tests;

/// <summary>
/// Builds the sample as a user would (analyzers in the compiler, SARIF error log) and checks that the analyzers
/// report exactly the findings planted in it: no more (false positives), no fewer (false negatives), no crash.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleFindingsTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] Rules = ["AEG001", "AEG002", "AEG003"];

    /// <summary>An analyzer that threw (AD0001) or could not be loaded (CS8032, CS8033).</summary>
    private static readonly string[] AnalyzerFailures = ["AD0001", "CS8032", "CS8033"];

    [Fact]
    public void Every_rule_is_planted_in_the_sample()
    {
        var planted = PlantedMarkers.Scan(RepositoryLayout.SampleProjectDirectory, RepositoryLayout.Samples);

        Assert.All(Rules, rule => Assert.Contains(planted, finding => finding.RuleId == rule));
    }

    [Fact]
    public async Task Building_the_sample_reports_exactly_the_planted_findings()
    {
        var work = Directory.CreateTempSubdirectory("aegis-e2e-");
        try
        {
            var sarifPath = Path.Combine(work.FullName, "sample.sarif");
            var build = await DotNetCli.RunAsync(
                RepositoryLayout.Root,
                BuildTimeout,
                "build",
                RepositoryLayout.SampleProject,
                "--no-incremental",
                "--disable-build-servers",
                "--configuration",
                RepositoryLayout.Configuration,
                "-p:BuildProjectReferences=false",
                MSBuildArguments.ErrorLog(sarifPath),
                "-verbosity:minimal");

            Assert.True(build.Succeeded, build.ToString());
            Assert.True(File.Exists(sarifPath), $"The build wrote no SARIF log at {sarifPath}.\n{build}");

            var results = SarifLog.ReadResults(sarifPath)
                .Where(result => !result.Suppressed)
                .Where(result => result.RuleId.StartsWith("AEG", StringComparison.Ordinal) || AnalyzerFailures.Contains(result.RuleId))
                .ToList();

            var failures = results.Where(result => AnalyzerFailures.Contains(result.RuleId)).ToList();
            Assert.True(failures.Count == 0, "An analyzer threw or could not be loaded:\n" + string.Join('\n', failures));

            var reported = results.Select(ToFinding).ToList();
            reported.Sort();
            var planted = PlantedMarkers.Scan(RepositoryLayout.SampleProjectDirectory, RepositoryLayout.Samples);

            var difference = Describe(planted, reported, results);
            Assert.True(difference is null, difference);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Finding ToFinding(SarifResult result)
        => new(
            result.FilePath is null ? "(no location)" : Path.GetRelativePath(RepositoryLayout.Samples, result.FilePath).Replace('\\', '/'),
            result.Line,
            result.RuleId);

    /// <summary>Null when both lists hold the same findings (as multisets); otherwise what is missing and what is extra.</summary>
    private static string? Describe(List<Finding> planted, List<Finding> reported, List<SarifResult> results)
    {
        var missing = Subtract(planted, reported);
        var unexpected = Subtract(reported, planted);
        if (missing.Count == 0 && unexpected.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append("The analyzers' findings on the sample differ from the planted markers (paths relative to samples/).\n");
        text.Append($"Missing: planted but not reported ({missing.Count}):\n");
        foreach (var finding in missing)
        {
            text.Append("  - ").Append(finding).Append('\n');
        }

        text.Append($"Unexpected: reported but not planted ({unexpected.Count}):\n");
        foreach (var finding in unexpected)
        {
            text.Append("  + ").Append(finding).Append('\n');
        }

        text.Append($"Everything reported ({results.Count}):\n");
        foreach (var result in results.OrderBy(ToFinding))
        {
            var finding = ToFinding(result);
            text.Append($"    {finding.File}:{finding.Line}: {result.Level} {result.RuleId}: {result.Message}\n");
        }

        return text.ToString();
    }

    private static List<Finding> Subtract(List<Finding> from, List<Finding> remove)
    {
        var left = from.ToList();
        foreach (var finding in remove)
        {
            left.Remove(finding);
        }

        return left;
    }
}
