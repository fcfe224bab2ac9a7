using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Aegis.Build.Tasks.Tests;

public sealed class AegisWriteResponseFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("aegis-rsp-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Project => Path.Combine(_root, "repo", "src", "App");

    private (AegisWriteResponseFile Task, FakeBuildEngine Engine) Create(params ITaskItem[] verifyCommands)
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
            FailOn = "never",
            VerifyCommands = verifyCommands,
        };
        return (task, engine);
    }

    private static TaskItem Command(string itemSpec, string? timeout = null, string? command = null)
    {
        var item = new TaskItem(itemSpec);
        if (timeout is not null)
        {
            item.SetMetadata("Timeout", timeout);
        }

        if (command is not null)
        {
            item.SetMetadata("Command", command);
        }

        return item;
    }

    private string ReadResponseFile(AegisWriteResponseFile task) => File.ReadAllText(task.ResponseFile);

    [Theory]
    [InlineData("build.sarif,version=2.1", "build.sarif")]
    [InlineData("logs/build.sarif", "logs/build.sarif")]
    [InlineData(" build.sarif , version=1 ", "build.sarif")]
    public void ErrorLog_IsPassedAsAFullPath_WithoutTheCompilersVersionOption(string errorLog, string relative)
    {
        var (task, _) = Create();
        task.ErrorLog = errorLog;

        Assert.True(task.Execute());

        Assert.EndsWith("\n--error-log\n" + Path.Combine(Project, relative) + "\n", ReadResponseFile(task), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NoErrorLog_NoErrorLogArgument(string? errorLog)
    {
        var (task, _) = Create();
        task.ErrorLog = errorLog;

        Assert.True(task.Execute());

        Assert.DoesNotContain("--error-log", ReadResponseFile(task), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidSetting_IsLocatedAtTheProjectFile()
    {
        var (task, engine) = Create();
        task.ProjectFile = Path.Combine(Project, "App.csproj");
        task.Sandbox = "sometimes";

        Assert.False(task.Execute());

        Assert.Equal(Path.Combine(Project, "App.csproj"), Assert.Single(engine.Errors).File);
    }

    [Fact]
    public void ResponseFile_HasOneArgumentPerLineInContractOrder()
    {
        Directory.CreateDirectory(Path.Combine(_root, "repo", ".git"));
        var (task, engine) = Create(Command("dotnet test --no-build"), Command("npm test", timeout: "60"));
        task.Sandbox = "Repository";
        task.FailOn = "high";

        Assert.True(task.Execute());

        Assert.Empty(engine.Errors);
        Assert.Equal(
            $"""
            --inputs
            {Path.Combine(Project, "obj", "aegis", "compile-inputs.txt")}
            --output
            {Path.Combine(Project, "bin", "aegis")}{Path.DirectorySeparatorChar}
            --repository-root
            {Path.Combine(_root, "repo")}
            --sandbox
            repository
            --fail-on
            HIGH
            --verify-command
            dotnet test --no-build
            --verify-timeout
            300
            --verify-command
            npm test
            --verify-timeout
            60

            """.Replace("\r\n", "\n"),
            ReadResponseFile(task));
    }

    [Fact]
    public void VerifyCommand_CommandMetadataWinsOverItemSpec()
    {
        var (task, _) = Create(Command("tests", command: "dotnet test tests/App.Tests --filter Category!=Slow"));

        Assert.True(task.Execute());

        Assert.Contains("\n--verify-command\ndotnet test tests/App.Tests --filter Category!=Slow\n--verify-timeout\n300\n", ReadResponseFile(task), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("ten")]
    public void VerifyCommand_BadTimeout_AEGB009AndNoFile(string timeout)
    {
        var (task, engine) = Create(Command("dotnet test", timeout: timeout));

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB009", error.Code);
        Assert.Contains(timeout, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(task.ResponseFile));
    }

    [Fact]
    public void VerifyCommand_OnTwoLines_AEGB009()
    {
        var (task, engine) = Create(Command("x", command: "dotnet build\ndotnet test"));

        Assert.False(task.Execute());

        Assert.Equal(["AEGB009"], engine.ErrorCodes);
    }

    [Theory]
    [InlineData("sandbox", "docker", "never")]
    [InlineData("failon", "file", "sometimes")]
    public void BadSetting_AEGB009NamesTheProperty(string which, string sandbox, string failOn)
    {
        var (task, engine) = Create();
        task.Sandbox = sandbox;
        task.FailOn = failOn;

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB009", error.Code);
        Assert.StartsWith(which == "sandbox" ? "AegisSandbox is 'docker'" : "AegisFailOn is 'sometimes'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NEVER", "never")]
    [InlineData("Blocked", "blocked")]
    [InlineData("critical", "CRITICAL")]
    [InlineData("Low", "LOW")]
    public void FailOn_IsNormalized(string value, string expected)
    {
        var (task, _) = Create();
        task.FailOn = value;

        Assert.True(task.Execute());

        Assert.Contains("\n--fail-on\n" + expected + "\n", ReadResponseFile(task), StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryRoot_GitFileCountsToo()
    {
        // Worktrees and submodules have a .git file, not a folder.
        Directory.CreateDirectory(Path.Combine(_root, "repo"));
        File.WriteAllText(Path.Combine(_root, "repo", ".git"), "gitdir: /elsewhere");
        var (task, _) = Create();

        Assert.True(task.Execute());

        Assert.Equal(Path.Combine(_root, "repo"), task.RepositoryRootUsed);
    }

    [Fact]
    public void RepositoryRoot_SolutionFolderWhenNoGit()
    {
        var (task, _) = Create();
        task.SolutionDirectory = Path.Combine(_root, "repo") + Path.DirectorySeparatorChar;

        Assert.True(task.Execute());

        // Temp folders are not inside a repository on any machine this runs on.
        Assert.Equal(Path.Combine(_root, "repo"), task.RepositoryRootUsed);
    }

    [Fact]
    public void RepositoryRoot_ProjectFolderWhenNoGitAndNoSolution()
    {
        var (task, _) = Create();
        task.SolutionDirectory = "*Undefined*";

        Assert.True(task.Execute());

        Assert.Equal(Project, task.RepositoryRootUsed);
    }

    [Fact]
    public void RepositoryRoot_ExplicitPropertyWins()
    {
        Directory.CreateDirectory(Path.Combine(_root, "repo", ".git"));
        var (task, _) = Create();
        task.RepositoryRoot = Path.Combine(_root, "elsewhere");

        Assert.True(task.Execute());

        Assert.Equal(Path.Combine(_root, "elsewhere"), task.RepositoryRootUsed);
    }

    [Fact]
    public void UnchangedContent_FileIsNotRewritten()
    {
        var (task, _) = Create();
        Assert.True(task.Execute());
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(task.ResponseFile, stamp);

        Assert.True(task.Execute());
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(task.ResponseFile));

        task.Sandbox = "none";
        Assert.True(task.Execute());
        Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(task.ResponseFile));
        Assert.Contains("\n--sandbox\nnone\n", ReadResponseFile(task), StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseFile_IsUtf8WithoutBom()
    {
        var (task, _) = Create();

        Assert.True(task.Execute());

        Assert.Equal((byte)'-', File.ReadAllBytes(task.ResponseFile)[0]);
    }
}
