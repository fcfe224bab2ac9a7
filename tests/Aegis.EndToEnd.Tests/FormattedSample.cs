using System.Text;

namespace Aegis.EndToEnd.Tests;

/// <summary>
/// One run of the user's workflow on a fresh copy of the sample: build it (SARIF log), apply the fixes with
/// <c>dotnet format analyzers</c>, and optionally rebuild it (SARIF log) and build its tests. Each step stops the
/// run when it fails; the tests then report which step failed and its output.
/// </summary>
internal sealed class FormattedSample : IDisposable
{
    /// <summary>
    /// <c>dotnet format</c> loads the project in its default configuration (Debug) and must find the analyzer and
    /// code-fix assemblies built for it, so every build of the copy uses Debug, whatever these tests were built in.
    /// </summary>
    public const string Configuration = "Debug";

    public static readonly string[] Rules = ["AEG001", "AEG002", "AEG003"];

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    private readonly List<CommandResult> _steps = [];

    private FormattedSample(SampleCopy copy)
    {
        Copy = copy;
        Original = copy.ReadSampleSources();
    }

    public SampleCopy Copy { get; }

    /// <summary>The sample's .cs files as copied, before any fix.</summary>
    public SortedDictionary<string, byte[]> Original { get; }

    /// <summary>The sample's .cs files after <c>dotnet format</c>; null if formatting did not run.</summary>
    public SortedDictionary<string, byte[]>? Formatted { get; private set; }

    public CommandResult? Build { get; private set; }

    public CommandResult? Format { get; private set; }

    public CommandResult? Rebuild { get; private set; }

    public CommandResult? TestBuild { get; private set; }

    /// <summary>Unsuppressed compiler and analyzer results of the first build (before the fixes).</summary>
    public List<SarifResult> Before { get; private set; } = [];

    /// <summary>Unsuppressed results of the rebuild after the fixes.</summary>
    public List<SarifResult> After { get; private set; } = [];

    public IReadOnlyList<CommandResult> Steps => _steps;

    public static async Task<FormattedSample> RunAsync(bool rebuild)
    {
        var run = new FormattedSample(SampleCopy.Create(RepositoryLayout.Root));
        try
        {
            await run.RunStepsAsync(rebuild);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    private async Task RunStepsAsync(bool rebuild)
    {
        var copy = Copy;

        // The first build also builds the analyzer and code-fix projects of the copy, which dotnet format loads.
        var beforeLog = Path.Combine(copy.Root, "before.sarif");
        Build = await StepAsync(
            "build", copy.SampleProject, "--disable-build-servers", "--configuration", Configuration, MSBuildArguments.ErrorLog(beforeLog), "-verbosity:minimal");
        if (!Build.Succeeded)
        {
            return;
        }

        Before = ReadUnsuppressed(beforeLog);

        // Exit code 0 whether or not files changed (only --verify-no-changes turns changes into exit code 2).
        // --severity info: the low-confidence AEG001 is reported at Info level, and must be looked at too.
        Format = await StepAsync(
            "format", "analyzers", copy.SampleProject, "--diagnostics", "AEG001", "AEG002", "AEG003", "--severity", "info", "--no-restore", "--verbosity", "normal");
        Formatted = copy.ReadSampleSources();
        if (!Format.Succeeded || !rebuild)
        {
            return;
        }

        // Only the sample recompiles (the analyzers are built); --no-incremental so the compiler runs and writes the log.
        var afterLog = Path.Combine(copy.Root, "after.sarif");
        Rebuild = await StepAsync(
            "build", copy.SampleProject, "--no-incremental", "--disable-build-servers", "--configuration", Configuration,
            "-p:BuildProjectReferences=false", MSBuildArguments.ErrorLog(afterLog), "-verbosity:minimal");
        if (!Rebuild.Succeeded)
        {
            return;
        }

        After = ReadUnsuppressed(afterLog);

        // Built once here, so the Functional and Hole runs can both use --no-build, in either order.
        TestBuild = await StepAsync(
            "build", copy.SampleTestsProject, "--disable-build-servers", "--configuration", Configuration, "-p:BuildProjectReferences=false", "-verbosity:minimal");
    }

    public Task<CommandResult> TestAsync(string filter)
        => StepAsync("test", Copy.SampleTestsProject, "--no-build", "--disable-build-servers", "--configuration", Configuration, "--filter", filter);

    /// <summary>Path relative to the copy's samples/ folder, with '/'.</summary>
    public string Relative(SarifResult result)
        => result.FilePath is null ? "(no location)" : Path.GetRelativePath(Copy.Samples, result.FilePath).Replace('\\', '/');

    public string DescribeSteps()
    {
        var text = new StringBuilder();
        foreach (var step in _steps)
        {
            text.Append($"  {step.Duration.TotalSeconds,6:F1} s  exit {step.ExitCode}  {step.CommandLine.Replace(Copy.Root, "<copy>", StringComparison.Ordinal)}\n");
        }

        return text.ToString();
    }

    public void Dispose() => Copy.Dispose();

    private async Task<CommandResult> StepAsync(params string[] arguments)
    {
        var result = await DotNetCli.RunAsync(Copy.Root, StepTimeout, arguments);
        _steps.Add(result);
        return result;
    }

    private static List<SarifResult> ReadUnsuppressed(string sarifPath)
        => File.Exists(sarifPath) ? SarifLog.ReadResults(sarifPath).Where(result => !result.Suppressed).ToList() : [];
}

/// <summary>Two independent runs on two fresh copies: the first goes all the way, the second only formats (determinism).</summary>
public sealed class FormattedSampleFixture : IAsyncLifetime
{
    internal FormattedSample First { get; private set; } = null!;

    internal FormattedSample Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        First = await FormattedSample.RunAsync(rebuild: true);
        Second = await FormattedSample.RunAsync(rebuild: false);
    }

    public Task DisposeAsync()
    {
        First?.Dispose();
        Second?.Dispose();
        return Task.CompletedTask;
    }
}
