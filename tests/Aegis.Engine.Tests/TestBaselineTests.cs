using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>
/// In the repository sandbox, tests already red before a change are not blamed on it: a baseline run on the
/// unpatched copy (cached per commit and working-tree state in .aegis/cache/test-baseline.json) says which they are.
/// </summary>
[Collection(SharedTemporaryFolder.Name)]
public sealed class TestBaselineTests
{
    private const string Trx = """
        <?xml version="1.0"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="Lib.Tests.CalcTests.Add" outcome="Passed" />
            <UnitTestResult testName="Lib.Tests.CalcTests.AlreadyBroken" outcome="Failed" />
            <UnitTestResult testName="Lib.Tests.CalcTests.Hangs" outcome="Timeout" />
            <UnitTestResult testName="Lib.Tests.CalcTests.Skipped" outcome="NotExecuted" />
          </Results>
          <ResultSummary outcome="Failed"><Counters total="4" executed="3" passed="1" failed="1" error="0" timeout="1" aborted="0" /></ResultSummary>
        </TestRun>
        """;

    [Fact]
    public void Trx_FailedTestNames_AreRead()
    {
        using var directory = new TempDirectory();
        directory.Write("r/a.trx", Trx);
        Assert.Equal(new[] { "Lib.Tests.CalcTests.AlreadyBroken", "Lib.Tests.CalcTests.Hangs" }, RepositorySandbox.ReadFailedTestNames(Path.Combine(directory.Path, "r")));
    }

    [Fact]
    public void Check_AlreadyRedTest_IsNamed_NotCounted()
    {
        var run = new RepositorySandbox.TestRun(true, 3, 1, new[] { "T.AlreadyBroken" }, Array.Empty<string>(), 0);
        var baseline = new TestBaseline("c:h", true, new[] { "T.AlreadyBroken" }, "cached in .aegis/cache/test-baseline.json");

        var check = RepositorySandbox.TestsCheck(run, baseline);

        Assert.True(check.Passed);
        Assert.Equal("2 of 3 passed; already red before the change (not counted): T.AlreadyBroken (baseline cached in .aegis/cache/test-baseline.json)", check.Message);
    }

    [Fact]
    public void Check_TestTurnedRed_Counts_AlreadyRedOneIsNamedBeside()
    {
        var run = new RepositorySandbox.TestRun(true, 3, 2, new[] { "T.AlreadyBroken", "T.Twice" }, Array.Empty<string>(), 0);
        var baseline = new TestBaseline("c:h", true, new[] { "T.AlreadyBroken" }, "run on the unpatched copy, cached in .aegis/cache/test-baseline.json");

        var check = RepositorySandbox.TestsCheck(run, baseline);

        Assert.False(check.Passed);
        Assert.Equal("1 of 3 failed; turned red by the change: T.Twice; already red before the change (not counted): T.AlreadyBroken (baseline run on the unpatched copy, cached in .aegis/cache/test-baseline.json)", check.Message);
    }

    [Fact]
    public void Check_WithoutBaseline_EveryFailureCounts_AndUnnamedOnesToo()
    {
        var run = new RepositorySandbox.TestRun(true, 5, 2, new[] { "T.A" }, Array.Empty<string>(), 0);
        var check = RepositorySandbox.TestsCheck(run, baseline: null);
        Assert.False(check.Passed);
        Assert.Equal("2 of 5 failed; failing: T.A", check.Message);
    }

    [Fact]
    public async Task Key_FollowsTheWorkingTree_NotTheStateFolder()
    {
        using var directory = new TempDirectory();
        directory.Write("src/A.cs", "class A { }\n");
        await GitRepositories.CommitAllAsync(directory);
        var clean = await TestBaseline.KeyAsync(directory.Path, CancellationToken.None);

        directory.Write(".aegis/propose/risk-card.json", "{}");
        directory.Write(TestBaseline.CacheRelativePath, "{}");
        Assert.Equal(clean, await TestBaseline.KeyAsync(directory.Path, CancellationToken.None));

        directory.Write("src/A.cs", "class A { int x; }\n");
        var edited = await TestBaseline.KeyAsync(directory.Path, CancellationToken.None);
        Assert.NotEqual(clean, edited);
        directory.Write("src/B.cs", "class B { }\n");
        Assert.NotEqual(edited, await TestBaseline.KeyAsync(directory.Path, CancellationToken.None));
    }

    [Fact]
    public async Task CorruptCache_AEGB005_NamingIt_NeverOverwritten()
    {
        using var directory = new TempDirectory();
        var cache = directory.Write(TestBaseline.CacheRelativePath, "{ \"key\": ");

        var error = await Assert.ThrowsAsync<AegisException>(() => TestBaseline.GetAsync(new RepositorySandbox(), directory.Path, null, CancellationToken.None));

        Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
        Assert.Contains(cache, error.Message, StringComparison.Ordinal);
        Assert.Equal("{ \"key\": ", File.ReadAllText(cache));
    }

    /// <summary>
    /// A library and its xunit tests in a git repository, one test red on the base commit. A harmless proposal is not
    /// a rollback (the red test is named as already red); a proposal that turns a green test red is, and reuses the
    /// baseline cached by the first.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Propose_RepositorySandbox_AlreadyRedTestIsNotBlamed_NewlyRedTestIsRollback()
    {
        using var directory = new TempDirectory();
        const string calc = "namespace Lib;\n\npublic static class Calc\n{\n    public static int Add(int a, int b) => a + b;\n\n    public static int Twice(int a) => a * 2;\n}\n";
        GitRepositories.WriteLibraryWithTests(directory, calc);
        directory.Write("tests/Lib.Tests/CalcTests.cs", """
            using Xunit;

            namespace Lib.Tests;

            public class CalcTests
            {
                [Fact]
                public void Add() => Assert.Equal(4, Calc.Add(2, 2));

                [Fact]
                public void Twice() => Assert.Equal(6, Calc.Twice(3));

                [Fact]
                public void AlreadyBroken() => Assert.Equal(5, Calc.Add(2, 2));
            }
            """);
        directory.Write(".gitignore", "bin/\nobj/\n");
        await GitRepositories.CommitAllAsync(directory);
        var engine = new AegisEngine(TestProjects.Options(directory.Path, SandboxModes.Repository));

        var harmless = await engine.ProposeAsync(new ProposedAction { File = "src/Lib/Calc.cs", Content = calc.Replace("public static class Calc", "/// <summary>Arithmetic.</summary>\npublic static class Calc", StringComparison.Ordinal), Intent = "document Calc" }, CancellationToken.None);

        var tests = harmless.Checks.Single(c => c.Name == CheckNames.SandboxTests);
        Assert.True(tests.Passed, tests.Message + "\n" + harmless.Stdout);
        Assert.Contains("already red before the change (not counted): Lib.Tests.CalcTests.AlreadyBroken (baseline run on the unpatched copy, cached in .aegis/cache/test-baseline.json)", tests.Message, StringComparison.Ordinal);
        Assert.Equal(RiskStatus.Allow, harmless.Status);
        Assert.Equal(Recommendations.ApprovedForRollout, harmless.Recommendation);
        Assert.True(File.Exists(Path.Combine(directory.Path, TestBaseline.CacheRelativePath)));

        var breaking = await engine.ProposeAsync(new ProposedAction { File = "src/Lib/Calc.cs", Content = calc.Replace("a * 2", "a * 3", StringComparison.Ordinal), Intent = "change Twice" }, CancellationToken.None);

        var broken = breaking.Checks.Single(c => c.Name == CheckNames.SandboxTests);
        Assert.False(broken.Passed);
        Assert.Equal("1 of 3 failed; turned red by the change: Lib.Tests.CalcTests.Twice; already red before the change (not counted): Lib.Tests.CalcTests.AlreadyBroken (baseline cached in .aegis/cache/test-baseline.json)", broken.Message);
        Assert.Equal(RiskStatus.Blocked, breaking.Status);
        Assert.Equal(Recommendations.Rollback, breaking.Recommendation);
    }
}
