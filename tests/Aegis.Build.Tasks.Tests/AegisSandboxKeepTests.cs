namespace Aegis.Build.Tasks.Tests;

/// <summary>
/// <c>AegisSandboxKeep</c> in the engine's response file: written only when set (the targets set <c>false</c> in CI),
/// so a local project keeps the response file it had and the engine's default (keep) applies.
/// </summary>
public sealed class AegisSandboxKeepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("aegis-keep-rsp-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (AegisWriteResponseFile Task, FakeBuildEngine Engine) Create(string? keep)
    {
        var project = Path.Combine(_root, "repo", "src", "App");
        Directory.CreateDirectory(project);
        var engine = new FakeBuildEngine();
        var task = new AegisWriteResponseFile
        {
            BuildEngine = engine,
            ResponseFile = Path.Combine(project, "obj", "aegis", "aegis.rsp"),
            CompileInputsFile = Path.Combine(project, "obj", "aegis", "compile-inputs.txt"),
            OutputDirectory = Path.Combine(project, "bin", "aegis"),
            ProjectDirectory = project,
            Sandbox = "repository",
            FailOn = "blocked",
            SandboxKeep = keep,
        };
        return (task, engine);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("false", "false")]
    [InlineData("FALSE", "false")]
    [InlineData("True", "true")]
    public void SandboxKeep_WrittenOnlyWhenSet(string? value, string? expected)
    {
        var (task, _) = Create(value);

        Assert.True(task.Execute());

        var lines = File.ReadAllText(task.ResponseFile).Split('\n').ToList();
        Assert.Equal(expected is not null, lines.Contains("--keep-sandbox"));
        if (expected is not null)
        {
            Assert.Equal(expected, lines[lines.IndexOf("--keep-sandbox") + 1]);
        }
    }

    [Fact]
    public void SandboxKeep_BadValue_AEGB009NamesTheProperty()
    {
        var (task, engine) = Create("sometimes");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB009", error.Code);
        Assert.StartsWith("AegisSandboxKeep is 'sometimes'", error.Message, StringComparison.Ordinal);
    }
}
