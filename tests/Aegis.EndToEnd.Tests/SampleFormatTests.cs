using System.Text;
using Xunit.Abstractions;

namespace Aegis.EndToEnd.Tests;

/// <summary>
/// The code fixes end to end, as a user applies them: <c>dotnet format analyzers</c> on a fresh copy of the sample.
/// Every finding with a fix is fixed, the fixed app builds with no new warnings and passes its functional tests
/// and its Hole tests (which fail on the sample as written), only the needs-human-review findings remain, and two
/// runs on two copies give byte-identical files.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleFormatTests(FormattedSampleFixture fixture, ITestOutputHelper output) : IClassFixture<FormattedSampleFixture>
{
    private const string RemediationStrategy = "remediation_strategy";

    private const string NeedsHumanReview = "needs-human-review";

    /// <summary>An analyzer or code fix that threw (AD0001) or could not be loaded (CS8032, CS8033).</summary>
    private static readonly string[] AnalyzerFailures = ["AD0001", "CS8032", "CS8033"];

    /// <summary>
    /// The findings no fix is offered for (paths relative to samples/): an <c>ORDER BY</c> column from the query string
    /// (an identifier cannot be a parameter) and a table name from configuration (values are parameters already).
    /// </summary>
    private static readonly (string File, string RuleId)[] ExpectedNeedsHumanReview =
    [
        ("Aegis.Sample/Catalog/ProductsController.cs", "AEG001"),
        ("Aegis.Sample/Orders/OrderTracking.cs", "AEG001"),
    ];

    /// <summary>The fixable findings planted per rule (samples/README.md).</summary>
    private static readonly Dictionary<string, int> ExpectedFixable = new(StringComparer.Ordinal)
    {
        ["AEG001"] = 3,
        ["AEG002"] = 4,
        ["AEG003"] = 2,
    };

    [Fact]
    public void Formatting_fixes_every_fixable_finding_and_leaves_only_the_needs_human_review_ones()
    {
        var run = fixture.First;
        output.WriteLine("Steps of the first run:\n" + run.DescribeSteps());
        RequireSucceeded(run.Build, "building the copy");
        RequireSucceeded(run.Format, "dotnet format analyzers");
        output.WriteLine(DescribeChanges(run.Original, run.Formatted!));
        RequireSucceeded(run.Rebuild, "rebuilding the formatted copy");

        AssertNoAnalyzerFailure(run.Before, "before formatting");
        AssertNoAnalyzerFailure(run.After, "after formatting");

        var before = Aegis(run.Before);
        var after = Aegis(run.After);
        var fixable = before.Where(result => result.Property(RemediationStrategy) != NeedsHumanReview).ToList();
        var needsReview = before.Where(result => result.Property(RemediationStrategy) == NeedsHumanReview).ToList();
        var remainingFixable = after.Where(result => result.Property(RemediationStrategy) != NeedsHumanReview).ToList();
        output.WriteLine(DescribeFindings(run, before, fixable, needsReview, after, remainingFixable));

        // The sample's contract first, so a changed sample or analyzer is not mistaken for a fix that failed.
        Assert.Equal(
            ExpectedFixable.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}: {pair.Value}"),
            fixable.GroupBy(result => result.RuleId).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => $"{group.Key}: {group.Count()}"));
        Assert.Equal(
            ExpectedNeedsHumanReview.Order(),
            needsReview.Select(result => (run.Relative(result), result.RuleId)).Order());

        // Every fixable finding is gone, and the needs-human-review ones are still reported where they were
        // (the line with the same text in the formatted file; fixes elsewhere in the file may shift it).
        Assert.True(remainingFixable.Count == 0, "Findings with a fix are still reported after dotnet format:\n" + string.Join('\n', remainingFixable.Select(result => Describe(run, result))));
        var expectedAfter = needsReview.Select(result => Relocate(run, result)).Order().ToList();
        var actualAfter = after.Select(result => new Finding(run.Relative(result), result.Line, result.RuleId)).Order().ToList();
        Assert.Equal(expectedAfter, actualAfter);
    }

    [Fact]
    public void The_formatted_sample_builds_without_new_warnings()
    {
        var run = fixture.First;
        RequireSucceeded(run.Build, "building the copy");
        RequireSucceeded(run.Format, "dotnet format analyzers");
        RequireSucceeded(run.Rebuild, "rebuilding the formatted copy");

        // Other tools' diagnostics (compiler, .NET and EF Core analyzers), by rule, file and message: lines move.
        var before = Others(run, run.Before);
        var after = Others(run, run.After);
        var added = Subtract(after, before);
        var removed = Subtract(before, after);
        output.WriteLine($"Other diagnostics before: {before.Count}, after: {after.Count}.");
        output.WriteLine("Gone after formatting:\n" + string.Join('\n', removed.Select(text => "  - " + text)));
        output.WriteLine("New after formatting:\n" + string.Join('\n', added.Select(text => "  + " + text)));

        Assert.True(added.Count == 0, "The fixes introduced diagnostics:\n" + string.Join('\n', added));

        // EF Core reports the same injection as AEG001 on the FromSqlRaw line; the fix (FromSqlInterpolated) ends both.
        var ef1002 = after.Where(text => text.StartsWith("EF1002 ", StringComparison.Ordinal)).ToList();
        Assert.True(ef1002.Count == 0, "EF Core still reports FromSqlRaw with interpolation after the AEG001 fix:\n" + string.Join('\n', ef1002));
    }

    [Fact]
    public async Task The_formatted_sample_passes_its_functional_tests()
    {
        var run = fixture.First;
        RequireBuiltForTests(run);

        var test = await run.TestAsync("Category=Functional");
        output.WriteLine($"{test.CommandLine}: exit {test.ExitCode} after {test.Duration.TotalSeconds:F1} s\n{Summary(test)}");

        Assert.True(test.Succeeded, FailedTests(test) + test);
        Assert.Contains("Passed!", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_formatted_sample_passes_its_hole_tests()
    {
        var run = fixture.First;
        RequireBuiltForTests(run);

        var test = await run.TestAsync("Category=Hole");
        output.WriteLine($"{test.CommandLine}: exit {test.ExitCode} after {test.Duration.TotalSeconds:F1} s\n{Summary(test)}");

        Assert.True(test.Succeeded, "Hole tests still failing after the fixes (each one is a hole left open):\n" + FailedTests(test) + test);
        Assert.Contains("Passed!", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Formatting_two_fresh_copies_gives_byte_identical_files()
    {
        output.WriteLine("Steps of the second run:\n" + fixture.Second.DescribeSteps());
        RequireSucceeded(fixture.First.Format, "dotnet format analyzers (first copy)");
        RequireSucceeded(fixture.Second.Format, "dotnet format analyzers (second copy)");

        var first = fixture.First.Formatted!;
        var second = fixture.Second.Formatted!;
        var originalHash = SampleCopy.Hash(fixture.First.Original);
        var firstHash = SampleCopy.Hash(first);
        var secondHash = SampleCopy.Hash(second);
        output.WriteLine($"sha256 over the sample's {first.Count} .cs files: original {originalHash}, first run {firstHash}, second run {secondHash}");

        Assert.NotEqual(originalHash, firstHash);
        var different = first.Keys.Union(second.Keys)
            .Where(path => !first.TryGetValue(path, out var a) || !second.TryGetValue(path, out var b) || !a.AsSpan().SequenceEqual(b))
            .ToList();
        Assert.True(different.Count == 0, "The two runs formatted these files differently: " + string.Join(", ", different));
        Assert.Equal(firstHash, secondHash);
    }

    private static void RequireSucceeded(CommandResult? step, string what)
    {
        Assert.True(step is not null, $"{what} did not run: an earlier step failed (see the other tests of this class).");
        Assert.True(step.Succeeded, $"{what} failed: {step}");
    }

    private static void RequireBuiltForTests(FormattedSample run)
    {
        RequireSucceeded(run.Build, "building the copy");
        RequireSucceeded(run.Format, "dotnet format analyzers");
        RequireSucceeded(run.Rebuild, "rebuilding the formatted copy");
        RequireSucceeded(run.TestBuild, "building the formatted copy's tests");
    }

    private static List<SarifResult> Aegis(List<SarifResult> results)
        => results.Where(result => FormattedSample.Rules.Contains(result.RuleId)).ToList();

    private static List<string> Others(FormattedSample run, List<SarifResult> results)
        => results.Where(result => !result.RuleId.StartsWith("AEG", StringComparison.Ordinal))
            .Select(result => $"{result.RuleId} {run.Relative(result)}: {result.Message}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> Subtract(List<string> from, List<string> remove)
    {
        var left = from.ToList();
        foreach (var item in remove)
        {
            left.Remove(item);
        }

        return left;
    }

    private static void AssertNoAnalyzerFailure(List<SarifResult> results, string when)
    {
        var failures = results.Where(result => AnalyzerFailures.Contains(result.RuleId)).ToList();
        Assert.True(failures.Count == 0, $"An analyzer threw or could not be loaded {when}:\n" + string.Join('\n', failures));
    }

    /// <summary>Where a finding of the original file is in the formatted one: the line with the same text.</summary>
    private static Finding Relocate(FormattedSample run, SarifResult result)
    {
        var file = run.Relative(result);
        var originalLines = Encoding.UTF8.GetString(run.Original[file]).Split('\n');
        var formattedLines = Encoding.UTF8.GetString(run.Formatted![file]).Split('\n');
        var text = originalLines[result.Line - 1];
        var matches = Enumerable.Range(0, formattedLines.Length).Where(index => formattedLines[index] == text).ToList();
        Assert.True(matches.Count == 1, $"{file}:{result.Line}: the line of a needs-human-review finding was changed or duplicated by the fixes:\n{text}");
        return new Finding(file, matches[0] + 1, result.RuleId);
    }

    private static string Describe(FormattedSample run, SarifResult result)
        => $"  {run.Relative(result)}:{result.Line}: {result.RuleId} [{result.Property(RemediationStrategy)}] {result.Message}";

    private static string DescribeFindings(
        FormattedSample run,
        List<SarifResult> before,
        List<SarifResult> fixable,
        List<SarifResult> needsReview,
        List<SarifResult> after,
        List<SarifResult> remainingFixable)
    {
        var text = new StringBuilder();
        text.Append($"AEG001-AEG003 findings before formatting: {before.Count} ({fixable.Count} with a fix, {needsReview.Count} needs-human-review)\n");
        foreach (var result in before.OrderBy(result => (run.Relative(result), result.Line)))
        {
            text.Append(Describe(run, result)).Append('\n');
        }

        var fixedCount = fixable.Count - remainingFixable.Count;
        text.Append($"After formatting: {after.Count} reported; fixed {fixedCount} of {fixable.Count} fixable");
        foreach (var rule in FormattedSample.Rules)
        {
            var ofRule = fixable.Count(result => result.RuleId == rule);
            var left = remainingFixable.Count(result => result.RuleId == rule);
            text.Append($"; {rule} {ofRule - left}/{ofRule}");
        }

        text.Append($"; left as needs-human-review: {after.Count(result => result.Property(RemediationStrategy) == NeedsHumanReview)}\n");
        foreach (var result in after.OrderBy(result => (run.Relative(result), result.Line)))
        {
            text.Append(Describe(run, result)).Append(result.Property("source") is { } source ? $" (source: {source})\n" : "\n");
        }

        return text.ToString();
    }

    private static string DescribeChanges(SortedDictionary<string, byte[]> original, SortedDictionary<string, byte[]> formatted)
    {
        var text = new StringBuilder();
        int files = 0, added = 0, removed = 0;
        foreach (var (path, after) in formatted)
        {
            if (original.TryGetValue(path, out var before) && before.AsSpan().SequenceEqual(after))
            {
                continue;
            }

            var diff = LineDiff.Compare(before ?? [], after);
            files++;
            added += diff.Added;
            removed += diff.Removed;
            text.Append($"{path}: +{diff.Added} -{diff.Removed}\n").Append(diff.Text);
        }

        return $"dotnet format changed {files} of {formatted.Count} files (+{added} -{removed} lines):\n{text}";
    }

    private static string Summary(CommandResult test)
        => string.Join('\n', test.Output.Split('\n').Where(line => line.Contains("Passed!", StringComparison.Ordinal) || line.Contains("Failed!", StringComparison.Ordinal) || line.TrimStart().StartsWith("Failed ", StringComparison.Ordinal)));

    private static string FailedTests(CommandResult test)
    {
        var failed = test.Output.Split('\n').Where(line => line.TrimStart().StartsWith("Failed ", StringComparison.Ordinal)).ToList();
        return failed.Count == 0 ? "" : string.Join('\n', failed) + "\n";
    }
}
