using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// The conventions every verb shares (docs/cli.md): coded errors under <c>--json</c>, unknown options, option values
/// refused up front, verify commands a sandbox will not run, progress only on a terminal, help that matches the docs.
/// </summary>
public sealed class CliConventionTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(args, stdout, stderr, _ => null, TestProjects.Catalog);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static (int ExitCode, string Code, string Message) ErrorObject(string stdout)
    {
        using var document = JsonDocument.Parse(stdout);
        var error = document.RootElement.GetProperty("error");
        return (document.RootElement.GetProperty("exit_code").GetInt32(), error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("malformed")]
    [InlineData("wrong shape")]
    public async Task Json_Propose_BadActionFile_PrintsTheCodedErrorObject(string kind)
    {
        using var directory = new TempDirectory();
        var action = kind switch
        {
            "missing" => Path.Combine(directory.Path, "action.json"),
            "malformed" => directory.Write("action.json", "{ \"file\": "),
            _ => directory.Write("action.json", "{\"file\": 3}"),
        };

        var (exit, stdout, stderr) = await RunAsync("propose", "--action", action, "--repository-root", directory.Path, "--json");

        Assert.Equal(ExitCodes.UsageError, exit);
        var (jsonExit, code, message) = ErrorObject(stdout);
        Assert.Equal(ExitCodes.UsageError, jsonExit);
        Assert.Equal("AEGB003", code);
        Assert.Contains(action, message, StringComparison.Ordinal);
        Assert.Contains("aegis: error AEGB003: bad action file " + action, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_Scan_NoProjects_PrintsTheCodedErrorObject()
    {
        using var directory = new TempDirectory();

        var (exit, stdout, _) = await RunAsync("scan", directory.Path, "--json");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal("AEGB003", ErrorObject(stdout).Code);
    }

    [Fact]
    public async Task WithoutJson_ACodedError_PrintsNothingOnStdout()
    {
        using var directory = new TempDirectory();

        var (exit, stdout, stderr) = await RunAsync("propose", "--action", Path.Combine(directory.Path, "none.json"), "--repository-root", directory.Path);

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal("", stdout);
        Assert.Contains("aegis: error AEGB003: bad action file", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scan {0} --frobnicate")]
    [InlineData("scan --frobnicate {0}")]
    [InlineData("verify --frobnicate")]
    [InlineData("propose --action {0}/a.json --frobnicate")]
    [InlineData("scan {0} -x")]
    public async Task UnknownOption_IsAUsageError_NamingTheOption(string commandLine)
    {
        using var directory = new TempDirectory();
        var args = string.Format(System.Globalization.CultureInfo.InvariantCulture, commandLine, directory.Path).Split(' ');
        var option = args.Last(a => a.StartsWith('-'));

        var (exit, stdout, stderr) = await RunAsync(args.Append("--json").ToArray());

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("aegis: error AEGB010: unknown option " + option, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", stderr, StringComparison.Ordinal);
        Assert.Equal(("AEGB010", "unknown option " + option), (ErrorObject(stdout).Code, ErrorObject(stdout).Message));
    }

    [Fact]
    public async Task UnknownVerb_JsonNamesTheCause_StderrListsEveryError()
    {
        var (exit, stdout, stderr) = await RunAsync("frobnicate", "--json");

        Assert.Equal(ExitCodes.UsageError, exit);
        var (_, code, message) = ErrorObject(stdout);
        Assert.Equal("AEGB010", code);
        Assert.Contains("'frobnicate'", message, StringComparison.Ordinal);
        Assert.StartsWith("aegis: error AEGB010: " + message + "\n", stderr.Replace("\r\n", "\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task VerifyTimeout_NotAPositiveNumberOfSeconds_IsAUsageError(string seconds)
    {
        using var directory = new TempDirectory();

        var (exit, stdout, stderr) = await RunAsync("verify", directory.Path, "--verify-command", "true", "--verify-timeout", seconds, "--json");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("aegis: error AEGB010: --verify-timeout must be a whole number of seconds greater than 0 (got '" + seconds + "')", stderr, StringComparison.Ordinal);
        Assert.Equal("AEGB010", ErrorObject(stdout).Code);
    }

    [Fact]
    public async Task VerifyTimeout_OnePerCommand_IsAccepted()
    {
        // What the MSBuild target writes for two AegisVerifyCommand items: a timeout after each command.
        using var directory = new TempDirectory();

        var (exit, stdout, stderr) = await RunAsync("verify", directory.Path, "--sandbox", "repository", "--verify-command", "a", "--verify-timeout", "5", "--verify-command", "b", "--verify-timeout", "7", "--json");

        // Parsed and validated: the empty folder is what stops it.
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal("AEGB003", ErrorObject(stdout).Code);
        Assert.DoesNotContain("AEGB010", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_VerifyCommandTheSandboxDoesNotRun_IsAWarning_OnStderrAndInJson()
    {
        // propose's file sandbox runs verify commands in a repository copy; only none leaves them out.
        const string sandbox = "none";
        using var directory = new TempDirectory();
        directory.Write("src/App/Greeter.cs", "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");
        var action = directory.Write("action.json", JsonSerializer.Serialize(new { file = "src/App/Greeter.cs", content = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => $\"Hi {name}\";\n}\n", intent = "shorter" }));

        var (exit, stdout, stderr) = await RunAsync("propose", "--action", action, "--repository-root", directory.Path, "--sandbox", sandbox, "--verify-command", "dotnet test", "--json");

        Assert.Equal(ExitCodes.Success, exit);
        var warning = "--verify-command is not run by the " + sandbox + " sandbox (1 command: dotnet test); use --sandbox repository to run it";
        Assert.Contains("aegis: warning AEGB011: " + warning, stderr, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(stdout);
        var only = Assert.Single(document.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Equal("AEGB011", only.GetProperty("code").GetString());
        Assert.Equal(warning, only.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Propose_NoVerifyCommand_NoWarning()
    {
        using var directory = new TempDirectory();
        directory.Write("src/App/Greeter.cs", "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");
        var action = directory.Write("action.json", JsonSerializer.Serialize(new { file = "src/App/Greeter.cs", content = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => $\"Hi {name}\";\n}\n", intent = "shorter" }));

        var (exit, stdout, stderr) = await RunAsync("propose", "--action", action, "--repository-root", directory.Path, "--sandbox", "none", "--json");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.DoesNotContain("AEGB011", stderr, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(stdout);
        Assert.Empty(document.RootElement.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task BuildVerb_VerifyCommandWithTheFileSandbox_IsANoteNotAWarning()
    {
        // The package's local default is the file sandbox; a project's AegisVerifyCommand items run in CI. A coded
        // warning would fail every local build under -warnaserror, so the MSBuild front gets a low-importance note.
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);

        var (exit, stdout, stderr) = await RunAsync("build", "--inputs", TestProjects.InputsPath(inputs), "--output", Path.Combine(directory.Path, "out"), "--repository-root", directory.Path, "--sandbox", "file", "--fail-on", "never", "--verify-command", "dotnet test", "--verify-timeout", "60");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.DoesNotContain("AEGB011", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("aegis: note: AegisVerifyCommand is not run by the file sandbox (1 command: dotnet test); it runs with AegisSandbox=repository, the CI default", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_StderrNotATerminal_NoProgressLines()
    {
        using var directory = new TempDirectory();
        directory.Write("Broken/Broken.csproj", "this is not a project file\n");

        var (exit, _, stderr) = await RunAsync("scan", directory.Path);

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.DoesNotContain("aegis: scan ", stderr, StringComparison.Ordinal);
        Assert.Contains("aegis: error AEGB003", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_StderrATerminal_OneLinePerProject()
    {
        using var directory = new TempDirectory();
        directory.Write("Broken/Broken.csproj", "this is not a project file\n");
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "scan", directory.Path }, new StringWriter(), stderr, _ => null, TestProjects.Catalog, stderrIsTerminal: true);

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("aegis: scan Broken/Broken.csproj", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scan", "(default: none)")]
    [InlineData("verify", "(default: repository when CI is set, else file)")]
    [InlineData("propose", "(default: repository when CI is set, else file)")]
    public async Task Help_SandboxDefault_MatchesTheDocs(string verb, string expected)
    {
        var (exit, stdout, _) = await RunAsync(verb, "--help");

        Assert.Equal(ExitCodes.Success, exit);
        var line = Assert.Single(stdout.Split('\n'), l => l.TrimStart().StartsWith("--sandbox", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
