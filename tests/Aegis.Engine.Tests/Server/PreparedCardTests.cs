using Aegis.Cli;
using Aegis.Cli.Commands;
using Aegis.Engine.Compilation;
using Aegis.Engine.Server;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Server;

/// <summary>
/// The card overlapping the compiler: a <c>prepare</c> request (sent before CoreCompile) starts load, analysis, patches
/// and the file sandbox; the build's <c>run</c> request after Build uses them only when its load gives the same
/// compilation. Either way the card is the one-shot engine's, byte for byte but for <c>ts</c> and <c>request_id</c>; a
/// prepare alone writes nothing; a prepared result serves one run only. Through MSBuild: WarmServerTests (Aegis.Package.Tests).
/// </summary>
public sealed class PreparedCardTests
{
    private const string Used = "prepared while the compiler ran";
    private const string NotUsed = "prepared analysis not used: the compilation changed since";

    [Theory]
    [InlineData("file")]
    [InlineData("none")]
    public async Task PreparedThenRun_IsTheOneShotCard(string sandbox)
    {
        using var directory = new TempDirectory();
        TestProjects.WriteControllerProject(directory);
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds());

        Assert.Equal(ServerWire.StatusOk, (await ServeAsync(directory, ServerWire.KindPrepare, "served", sandbox, cache, prepared)).Status);
        var served = await ServeAsync(directory, ServerWire.KindRun, "served", sandbox, cache, prepared);
        var oneShot = await OneShotAsync(directory, "one-shot", sandbox);

        Assert.Equal(Used, served.Message);
        Assert.Equal(0, prepared.Count);
        Assert.Equal(oneShot.Stdout, served.Stdout.Replace("served", "one-shot", StringComparison.Ordinal));
        WarmCardTests.AssertSameCard(Path.Combine(directory.Path, "one-shot"), Path.Combine(directory.Path, "served"));
        Assert.Contains("OrdersController", File.ReadAllText(Path.Combine(directory.Path, "served", "risk-card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreparedRun_TakesTheFileSandboxFromThePreparation()
    {
        using var directory = new TempDirectory();
        TestProjects.WriteControllerProject(directory);
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds());
        await ServeAsync(directory, ServerWire.KindPrepare, "served", "file", cache, prepared);

        var served = await ServeAsync(directory, ServerWire.KindRun, "served", "file", cache, prepared, trace: true);

        Assert.Contains("aegis: trace analyze, fixes: prepared while the compiler ran", served.Stderr, StringComparison.Ordinal);
        Assert.Contains("aegis: trace sandbox: prepared while the compiler ran", served.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"validation_status\": \"verified\"", File.ReadAllText(Path.Combine(directory.Path, "served", "risk-card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceEditedBetweenPrepareAndRun_TheCardIsTheEditedSourcesOneShotCard()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds());
        await ServeAsync(directory, ServerWire.KindPrepare, "served", "file", cache, prepared);
        await prepared.Pending(Key(directory, "file"))!;

        // The open controller gets its [Authorize] after the preparation analyzed it open.
        var orders = inputs.Sources.Single(s => s.EndsWith("OrdersController.cs", StringComparison.Ordinal));
        File.WriteAllText(orders, ShopSources.AuthorizedController.Replace("{0}", "Orders", StringComparison.Ordinal));
        var served = await ServeAsync(directory, ServerWire.KindRun, "served", "file", cache, prepared);
        var oneShot = await OneShotAsync(directory, "one-shot", "file");

        Assert.Equal(NotUsed, served.Message);
        WarmCardTests.AssertSameCard(Path.Combine(directory.Path, "one-shot"), Path.Combine(directory.Path, "served"));
        Assert.Contains("\"no incidents\"", File.ReadAllText(Path.Combine(directory.Path, "served", "risk-card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareAlone_WritesNoCard_AndIsDroppedAfterItsLifetime()
    {
        using var directory = new TempDirectory();
        TestProjects.WriteControllerProject(directory);
        var clock = TimeSpan.Zero;
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds { Now = () => clock });

        // A compile that fails never sends the run: the prepare is all the server ever hears of this build.
        await ServeAsync(directory, ServerWire.KindPrepare, "served", "file", cache, prepared);
        await prepared.Pending(Key(directory, "file"))!;

        Assert.False(Directory.Exists(Path.Combine(directory.Path, "served")));
        Assert.False(Directory.Exists(Path.Combine(directory.Path, ".aegis")));
        Assert.Equal(1, prepared.Count);
        clock = PreparedBuilds.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Null(await prepared.TakeAsync(Key(directory, "file"), TestProjects.Catalog, CancellationToken.None));
        Assert.Equal(0, prepared.Count);
    }

    [Fact]
    public async Task PreparedResult_ServesOneRunOnly_TheNextRunComputesAndWritesTheSameCard()
    {
        using var directory = new TempDirectory();
        TestProjects.WriteControllerProject(directory);
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds());
        await ServeAsync(directory, ServerWire.KindPrepare, "first", "file", cache, prepared);

        var first = await ServeAsync(directory, ServerWire.KindRun, "first", "file", cache, prepared);
        var second = await ServeAsync(directory, ServerWire.KindRun, "second", "file", cache, prepared);

        Assert.Equal(Used, first.Message);
        Assert.Equal("", second.Message);
        // The first run's sandbox marked its patches verified: the second, computed afresh, must agree on its own.
        WarmCardTests.AssertSameCard(Path.Combine(directory.Path, "first"), Path.Combine(directory.Path, "second"));
    }

    [Fact]
    public async Task PreparedWith_AnotherSandboxOrCatalog_IsNotUsed()
    {
        using var directory = new TempDirectory();
        TestProjects.WriteControllerProject(directory);
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds());
        await ServeAsync(directory, ServerWire.KindPrepare, "served", "none", cache, prepared);

        var run = await ServeAsync(directory, ServerWire.KindRun, "served", "file", cache, prepared);

        Assert.Equal("", run.Message);
        Assert.Null(await prepared.TakeAsync(Key(directory, "none"), Engine.Analysis.AnalyzerCatalog.Default, CancellationToken.None));
    }

    [Fact]
    public async Task FailedPreparation_IsTheRunsToReport_AsTheOneShotEngineDoes()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        File.WriteAllText(TestProjects.InputsPath(inputs), "project=" + inputs.ProjectPath + "\nsource=" + Path.Combine(directory.Path, "src", "Shop", "Missing.cs") + "\n");
        var (cache, prepared) = (new LoadedProjectCache(), new PreparedBuilds());

        Assert.Equal(ServerWire.StatusOk, (await ServeAsync(directory, ServerWire.KindPrepare, "served", "file", cache, prepared)).Status);
        var served = await ServeAsync(directory, ServerWire.KindRun, "served", "file", cache, prepared);
        var stderr = new StringWriter();
        var oneShotExit = await AegisCommandLine.RunAsync(Arguments(directory, "served", "file"), new StringWriter(), stderr, _ => null, TestProjects.Catalog, stderrIsTerminal: false);

        Assert.Equal(2, oneShotExit);
        Assert.Equal(oneShotExit, served.ExitCode);
        Assert.Equal(stderr.ToString(), served.Stderr);
        Assert.Contains("Missing.cs", served.Stderr, StringComparison.Ordinal);
    }

    private static string Key(TempDirectory directory, string sandbox)
        => PreparedBuilds.Key(InputsPath(directory), directory.Path, sandbox);

    private static string InputsPath(TempDirectory directory) => Path.Combine(directory.Path, "src", "Shop", "obj", "aegis", "compile-inputs.txt");

    private static string[] Arguments(TempDirectory directory, string output, string sandbox)
        => ["build", "--inputs", InputsPath(directory), "--output", Path.Combine(directory.Path, output), "--repository-root", directory.Path, "--sandbox", sandbox, "--fail-on", "never"];

    private static Task<ServerResponse> ServeAsync(TempDirectory directory, string kind, string output, string sandbox, LoadedProjectCache cache, PreparedBuilds prepared, bool trace = false)
    {
        var request = new ServerRequest { Kind = kind, Arguments = [.. Arguments(directory, output, sandbox)] };
        if (trace)
        {
            request.Environment["AEGIS_TRACE"] = "1";
        }

        return ServerCommands.ServeAsync(request, cache, prepared, TestProjects.Catalog, CancellationToken.None);
    }

    private static async Task<(int Exit, string Stdout)> OneShotAsync(TempDirectory directory, string output, string sandbox)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(Arguments(directory, output, sandbox), stdout, stderr, _ => null, TestProjects.Catalog, stderrIsTerminal: false);
        Assert.True(exit == 0, stderr.ToString());
        return (exit, stdout.ToString());
    }
}
