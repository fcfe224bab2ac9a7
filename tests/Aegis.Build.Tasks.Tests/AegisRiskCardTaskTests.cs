using Microsoft.Build.Framework;

namespace Aegis.Build.Tasks.Tests;

public sealed class AegisRiskCardTaskTests
{
    private static readonly string Sep = Path.DirectorySeparatorChar.ToString();

    private static (AegisRiskCardTask Task, FakeBuildEngine Engine) Create(
        IDictionary<string, string>? environment = null, ISet<string>? existingFiles = null, string? dotNetRoot = null)
    {
        var engine = new FakeBuildEngine();
        var files = existingFiles ?? new HashSet<string>();
        var task = new AegisRiskCardTask
        {
            BuildEngine = engine,
            EngineAssembly = "/pkg/tools/engine/Aegis.Cli.dll",
            ResponseFile = "/obj/aegis/aegis.rsp",
            DotNetRoot = dotNetRoot,
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            FileExists = files.Contains,
            IsWindows = false,
        };
        return (task, engine);
    }

    [Theory]
    [InlineData("aegis: error AEGB004: gate failed: risk 72 (HIGH) >= HIGH; see /out/aegis/risk-card.json", "AEGB004", "gate failed: risk 72 (HIGH) >= HIGH; see /out/aegis/risk-card.json")]
    [InlineData("aegis: error AEGB005: corrupt state file /repo/.aegis/knowledge/patterns.json", "AEGB005", "corrupt state file /repo/.aegis/knowledge/patterns.json")]
    [InlineData("  aegis: error AEGB008:   engine crashed", "AEGB008", "engine crashed")]
    public void ErrorLine_BecomesErrorWithItsCode(string line, string code, string text)
    {
        var (task, engine) = Create();

        task.LogOutputLineForTests(line, MessageImportance.Low);

        var error = Assert.Single(engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(text, error.Message);
        Assert.Empty(engine.Warnings);
    }

    [Fact]
    public void CodedLines_AreLocatedAtTheProjectFile_NotAtThePackagesTargets()
    {
        // Without a file MSBuild places the error at the task's line in build/Aegis.Analyzers.targets, a file the user
        // cannot change; the project is where AegisFailOn and the package reference are set.
        var (task, engine) = Create();
        task.ProjectFile = "/repo/App/App.csproj";

        task.LogOutputLineForTests("aegis: error AEGB004: Risk gate failed (risk level HIGH >= HIGH): see /out/aegis/risk-card.json", MessageImportance.Low);
        task.LogOutputLineForTests("aegis: warning AEGB007: sandbox build skipped", MessageImportance.Low);

        Assert.Equal("/repo/App/App.csproj", Assert.Single(engine.Errors).File);
        Assert.Equal("/repo/App/App.csproj", Assert.Single(engine.Warnings).File);
    }

    [Fact]
    public void TaskOwnErrors_AreLocatedAtTheProjectFile()
    {
        var (task, engine) = Create();
        task.ProjectFile = "/repo/App/App.csproj";

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB002", error.Code);
        Assert.Equal("/repo/App/App.csproj", error.File);
    }

    [Theory]
    [InlineData(false, false)] // no engine, no dotnet: the run after Build reports AEGB001/AEGB002
    [InlineData(true, false)]
    [InlineData(true, true)] // the server off: nothing to prepare
    public void Prepare_NeverFailsTheBuild_NorRunsTheEngine(bool engineExists, bool serverOff)
    {
        var files = new HashSet<string>();
        if (engineExists)
        {
            files.Add("/pkg/tools/engine/Aegis.Cli.dll");
            files.Add("/dotnet/dotnet");
        }

        var (task, engine) = Create(existingFiles: files, dotNetRoot: "/dotnet");
        task.Prepare = true;
        task.UseServer = !serverOff;
        if (engineExists && !serverOff)
        {
            // Garbage where the server's folder would be: the prepare cannot be sent, and says so quietly.
            task.DotNetRoot = null;
            task.ToolPath = "/nonexistent-dotnet-folder";
            task.GetEnvironmentVariable = name => name == "AEGIS_SERVER_DIR" ? "/proc/aegis-no-such-folder" : null;
        }

        Assert.True(task.Execute());

        Assert.Empty(engine.Errors);
        Assert.Empty(engine.Warnings);
        Assert.Equal(0, task.EngineExitCode);
        Assert.False(task.UsedServer);
        Assert.Null(task.RiskCardSummary);
        Assert.Equal(engineExists && !serverOff, engine.Messages.Any(m => m.Message is { } text && text.Contains("the warm engine server was not reached to prepare the Risk Card", StringComparison.Ordinal)));
    }

    [Fact]
    public void WarningLine_BecomesWarningWithItsCode()
    {
        var (task, engine) = Create();

        task.LogOutputLineForTests("aegis: warning AEGB007: sandbox build skipped: no solution found", MessageImportance.Low);

        var warning = Assert.Single(engine.Warnings);
        Assert.Equal("AEGB007", warning.Code);
        Assert.Equal("sandbox build skipped: no solution found", warning.Message);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void CardLine_BecomesHighImportanceMessageAndOutput()
    {
        var (task, engine) = Create();

        task.LogOutputLineForTests("aegis: card /out/aegis/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed", MessageImportance.Low);

        var message = Assert.Single(engine.Messages);
        Assert.Equal(MessageImportance.High, message.Importance);
        Assert.Equal("Aegis Risk Card: /out/aegis/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed", message.Message);
        Assert.Equal("/out/aegis/risk-card.html: Allowed (risk 10 LOW): no incidents in the code. Patches: none needed", task.RiskCardSummary);
        Assert.Empty(engine.Errors);
        Assert.Empty(engine.Warnings);
    }

    [Theory]
    [InlineData("aegis: scanning 12 files", MessageImportance.Low)]
    [InlineData("error AEGB004: not prefixed, so not the engine's", MessageImportance.Low)]
    [InlineData("aegis: error AEG002: an analyzer ID is not an engine code", MessageImportance.Low)]
    [InlineData("Unhandled exception. System.InvalidOperationException", MessageImportance.Normal)]
    public void OtherLine_IsPlainMessageAtTheGivenImportance(string line, MessageImportance importance)
    {
        var (task, engine) = Create();

        task.LogOutputLineForTests(line, importance);

        var message = Assert.Single(engine.Messages);
        Assert.Equal(line, message.Message);
        Assert.Equal(importance, message.Importance);
        Assert.Empty(engine.Errors);
        Assert.Empty(engine.Warnings);
    }

    [Fact]
    public void CommandLine_RunsEngineBuildVerbWithResponseFile()
    {
        var (task, _) = Create();
        task.EngineAssembly = "/home/me/.nuget/packages/aegis.analyzers/0.1.0/tools/engine/Aegis.Cli.dll";
        task.ResponseFile = "/src/my app/obj/Debug/net10.0/aegis/aegis.rsp";

        Assert.Equal(
            "/home/me/.nuget/packages/aegis.analyzers/0.1.0/tools/engine/Aegis.Cli.dll build @\"/src/my app/obj/Debug/net10.0/aegis/aegis.rsp\"",
            task.CommandLineForTests);
    }

    [Fact]
    public void CommandLine_SarifVerb_WhenTheCardIsOff()
    {
        var (task, _) = Create();
        task.Verb = "sarif";
        task.ResponseFile = "/src/app/obj/Debug/net10.0/aegis/sarif.rsp";

        Assert.Equal("/pkg/tools/engine/Aegis.Cli.dll sarif @\"/src/app/obj/Debug/net10.0/aegis/sarif.rsp\"", task.CommandLineForTests);
    }

    [Fact]
    public void CommandLine_QuotesEnginePathWithSpaces()
    {
        var (task, _) = Create();
        task.EngineAssembly = "/home/my user/pkgs/Aegis.Cli.dll";

        Assert.StartsWith("\"/home/my user/pkgs/Aegis.Cli.dll\" build @\"", task.CommandLineForTests, StringComparison.Ordinal);
    }

    [Fact]
    public void DotNet_HostPathWinsOverRootAndPath()
    {
        var (task, _) = Create(
            new Dictionary<string, string> { ["DOTNET_HOST_PATH"] = "/host/dotnet", ["PATH"] = "/usr/bin:/path/bin" },
            new HashSet<string> { "/host/dotnet", "/root" + Sep + "dotnet", "/path/bin" + Sep + "dotnet" },
            dotNetRoot: "/root");

        Assert.Equal("/host/dotnet", task.FindDotNet());
    }

    [Fact]
    public void DotNet_RootWhenNoHostPath()
    {
        var (task, _) = Create(
            new Dictionary<string, string> { ["PATH"] = "/path/bin" },
            new HashSet<string> { "/root" + Sep + "dotnet", "/path/bin" + Sep + "dotnet" },
            dotNetRoot: "/root");

        Assert.Equal("/root" + Sep + "dotnet", task.FindDotNet());
    }

    [Fact]
    public void DotNet_PathWhenHostPathPointsNowhereAndNoRoot()
    {
        var (task, _) = Create(
            new Dictionary<string, string> { ["DOTNET_HOST_PATH"] = "/gone/dotnet", ["PATH"] = "/usr/local/bin::/path/bin" },
            new HashSet<string> { "/path/bin" + Sep + "dotnet" });

        Assert.Equal("/path/bin" + Sep + "dotnet", task.FindDotNet());
    }

    [Fact]
    public void DotNet_WindowsSearchesForDotNetExeWithSemicolons()
    {
        var (task, _) = Create(
            new Dictionary<string, string> { ["PATH"] = "/a;/b" },
            new HashSet<string> { "/b" + Sep + "dotnet.exe" });
        task.IsWindows = true;

        Assert.Equal("/b" + Sep + "dotnet.exe", task.FindDotNet());
    }

    [Fact]
    public void DotNetNotFound_LogsAEGB001()
    {
        var (task, engine) = Create(
            new Dictionary<string, string> { ["PATH"] = "/usr/bin" },
            new HashSet<string> { "/pkg/tools/engine/Aegis.Cli.dll" });

        Assert.False(task.Execute());

        Assert.Equal(["AEGB001"], engine.ErrorCodes);
    }

    [Fact]
    public void EngineMissing_LogsAEGB002AndStartsNothing()
    {
        var (task, engine) = Create(
            new Dictionary<string, string> { ["DOTNET_HOST_PATH"] = "/host/dotnet" },
            new HashSet<string> { "/host/dotnet" });

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("AEGB002", error.Code);
        Assert.Contains("/pkg/tools/engine/Aegis.Cli.dll", error.Message, StringComparison.Ordinal);
    }
}
