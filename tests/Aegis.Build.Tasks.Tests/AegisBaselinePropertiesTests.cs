namespace Aegis.Build.Tasks.Tests;

/// <summary>
/// <c>AegisBaseline</c> and <c>AegisFailOnNewOnly</c> in the engine's response file: only what differs from the
/// engine's defaults is written, so a project without a baseline keeps the response file (and incrementality) it had.
/// </summary>
public sealed class AegisBaselinePropertiesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("aegis-baseline-rsp-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Project => Path.Combine(_root, "repo", "src", "App");

    private (AegisWriteResponseFile Task, FakeBuildEngine Engine) Create(string? baseline = null, string? failOnNewOnly = null)
    {
        Directory.CreateDirectory(Project);
        var engine = new FakeBuildEngine();
        var task = new AegisWriteResponseFile
        {
            BuildEngine = engine,
            ResponseFile = Path.Combine(Project, "obj", "aegis", "aegis.rsp"),
            CompileInputsFile = Path.Combine(Project, "obj", "aegis", "compile-inputs.txt"),
            OutputDirectory = Path.Combine(Project, "bin", "aegis"),
            ProjectDirectory = Project,
            Sandbox = "file",
            FailOn = "blocked",
            Baseline = baseline,
            FailOnNewOnly = failOnNewOnly,
        };
        return (task, engine);
    }

    private static List<string> Lines(AegisWriteResponseFile task) => File.ReadAllText(task.ResponseFile).Split('\n').ToList();

    [Fact]
    public void NoBaseline_NothingAdded()
    {
        var (task, _) = Create();

        Assert.True(task.Execute());

        Assert.DoesNotContain("--baseline", Lines(task));
        Assert.DoesNotContain("--fail-on-new-only", Lines(task));
    }

    [Fact]
    public void Baseline_IsPassedAsAFullPath_RelativeToTheProject()
    {
        var (task, _) = Create(baseline: "../../.aegis/baseline.json");

        Assert.True(task.Execute());

        var lines = Lines(task);
        Assert.Equal(Path.Combine(_root, "repo", ".aegis", "baseline.json"), lines[lines.IndexOf("--baseline") + 1]);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    public void BaselineNone_TurnsItOff(string value)
    {
        var (task, _) = Create(baseline: value);

        Assert.True(task.Execute());

        var lines = Lines(task);
        Assert.Equal("none", lines[lines.IndexOf("--baseline") + 1]);
    }

    [Theory]
    [InlineData("false", true)]
    [InlineData("False", true)]
    [InlineData("true", false)]
    [InlineData("", false)]
    public void FailOnNewOnly_OnlyFalseIsWritten(string value, bool written)
    {
        var (task, _) = Create(failOnNewOnly: value);

        Assert.True(task.Execute());

        var lines = Lines(task);
        Assert.Equal(written, lines.Contains("--fail-on-new-only"));
        if (written)
        {
            Assert.Equal("false", lines[lines.IndexOf("--fail-on-new-only") + 1]);
        }
    }

    [Fact]
    public void FailOnNewOnly_BadValue_AEGB009NamesTheProperty()
    {
        var (task, engine) = Create(failOnNewOnly: "sometimes");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB009", error.Code);
        Assert.StartsWith("AegisFailOnNewOnly is 'sometimes'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(task.ResponseFile));
    }

    [Fact]
    public void ChangingTheBaseline_RewritesTheResponseFile()
    {
        // The response file is an input of the engine's target: a new AegisBaseline must re-run the engine.
        var (task, _) = Create();
        Assert.True(task.Execute());
        var before = File.ReadAllText(task.ResponseFile);

        var (again, _) = Create(baseline: "none");
        Assert.True(again.Execute());

        Assert.NotEqual(before, File.ReadAllText(again.ResponseFile));
    }
}
