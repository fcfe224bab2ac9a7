using System.Diagnostics;
using Aegis.Engine.Compilation;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

[Collection(SharedTemporaryFolder.Name)]
public sealed class SandboxProcessTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task HangingCommand_KilledAtItsTimeout_WithItsWholeTree()
    {
        using var directory = new TempDirectory();
        var pidFile = Path.Combine(directory.Path, "child.pid");
        var stopwatch = Stopwatch.StartNew();

        var record = await ProcessRunner.RunShellAsync("bash -c 'sleep 600 & echo $! > " + pidFile + "; wait'", directory.Path, TimeSpan.FromSeconds(2), CancellationToken.None);

        stopwatch.Stop();
        Assert.True(record.TimedOut);
        Assert.Equal(ProcessRunner.TimedOutExitCode, record.ExitCode);
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 1.5, 20);
        Assert.Contains("timed out after 2 s", record.OutputTail, StringComparison.Ordinal);
        var childPid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(200);
        Assert.False(IsAlive(childPid), "the grandchild 'sleep 600' survived");
    }

    [Fact]
    public async Task Command_ExitCodeAndOutputTail()
    {
        using var directory = new TempDirectory();
        var record = await ProcessRunner.RunShellAsync("for i in $(seq 1 50); do echo line$i; done; exit 3", directory.Path, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(3, record.ExitCode);
        Assert.Equal(ProcessRunner.OutputTailLines, record.OutputTail.Split('\n').Length);
        Assert.EndsWith("line50", record.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trx_CountsAreRead()
    {
        using var directory = new TempDirectory();
        directory.Write("r/a.trx", """<?xml version="1.0"?><TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><ResultSummary outcome="Failed"><Counters total="41" executed="41" passed="39" failed="2" error="0" timeout="0" aborted="0" /></ResultSummary></TestRun>""");
        Assert.Equal((41, 2), RepositorySandbox.ReadTrx(Path.Combine(directory.Path, "r")));
        await Task.CompletedTask;
    }

    /// <summary>A tiny project in a temp git repository: the patched copy builds, verify commands run, a failing one
    /// means rollback, the copy is removed and the working tree is untouched.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task RepositorySandbox_BuildsThePatchedCopy_AndRunsVerifyCommands()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        // A buildable project file for the copy (the controller project compiles against ASP.NET Core).
        File.WriteAllText(inputs.ProjectPath, "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><OutputType>Library</OutputType><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>\n");
        directory.Write(".gitignore", "bin/\nobj/\n.aegis/\n");
        await GitRepositories.CommitAllAsync(directory);

        // Other test assemblies run sandboxes in parallel: what matters is that this one leaves no copy behind.
        var before = Directory.GetFileSystemEntries(Path.GetTempPath(), "aegis-sandbox-*").ToHashSet(StringComparer.Ordinal);
        var options = TestProjects.Options(directory.Path, SandboxModes.Repository);
        var engine = new AegisEngine(new EngineOptions
        {
            RepositoryRoot = directory.Path,
            Sandbox = SandboxModes.Repository,
            Catalog = options.Catalog,
            BuildTarget = "src/Shop/Shop.csproj",
            VerifyCommands = new[]
            {
                new VerifyCommand("grep -q '\\[Authorize\\]' src/Shop/Controllers/OrdersController.cs", TimeSpan.FromSeconds(30)),
                new VerifyCommand("test ! -d .git || git status --porcelain > /dev/null", TimeSpan.FromSeconds(30)),
            },
        });
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "verify") }, CancellationToken.None);

        Assert.True(card.Checks.Single(c => c.Name == CheckNames.SandboxBuild).Passed, card.Stdout);
        Assert.True(card.Checks.Single(c => c.Name == CheckNames.SandboxCommands).Passed, card.Stdout);
        Assert.Equal(Recommendations.ApprovedForRollout, card.Recommendation);
        Assert.Equal("repository", card.Sandbox.Mode);
        Assert.Contains(card.Sandbox.Commands, c => c.Command.StartsWith("dotnet build", StringComparison.Ordinal) && c.Command.Contains("-p:AegisRiskCard=false", StringComparison.Ordinal));
        Assert.Equal(ShopSources.OpenController, File.ReadAllText(Path.Combine(directory.Path, "src/Shop/Controllers/OrdersController.cs")));
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "src/Shop/bin")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Path.GetTempPath(), "aegis-sandbox-*"), entry => !before.Contains(entry));

        // A verify command that fails means the patch must not roll out.
        var failing = new AegisEngine(new EngineOptions
        {
            RepositoryRoot = directory.Path,
            Sandbox = SandboxModes.Repository,
            Catalog = options.Catalog,
            BuildTarget = "src/Shop/Shop.csproj",
            VerifyCommands = new[] { new VerifyCommand("exit 7", TimeSpan.FromSeconds(30)) },
        });
        var analysis2 = await failing.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var card2 = await failing.EvaluateAsync(new[] { analysis2 }, new(), CancellationToken.None);
        Assert.Equal(Recommendations.Rollback, card2.Recommendation);
        Assert.Contains("'exit 7' exited 7", card2.Checks.Single(c => c.Name == CheckNames.SandboxCommands).Message, StringComparison.Ordinal);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !File.ReadAllText("/proc/" + pid + "/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

public sealed class ScanVerbTests
{
    /// <summary>The scan verb end to end: dotnet msbuild -getItem for the compile inputs, a card; no profile unless asked.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Scan_ReadsCompileInputsThroughMsBuild_WritesCard_AndNoProfileUnlessAsked()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>\n");
        directory.Write("src/Lib/Greeter.cs", "namespace Lib;\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "scan", directory.Path, "--json" }, stdout, stderr, _ => null, TestProjects.Catalog);

        Assert.True(exit == 0, stderr.ToString());
        using var result = System.Text.Json.JsonDocument.Parse(stdout.ToString());
        var card = result.RootElement.GetProperty("risk_card");
        Assert.Equal("scan", card.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal("src/Lib/Lib.csproj", card.GetProperty("action").GetProperty("projects")[0].GetString());
        Assert.False(card.GetProperty("action").TryGetProperty("profile", out _));
        Assert.Equal("allow", card.GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(directory.Path, ".aegis", "profile.json")), "scan wrote a repository-wide profile nobody asked for");
        Assert.True(File.Exists(Path.Combine(directory.Path, ".aegis", "scan", "risk-card.html")));
    }

    /// <summary>
    /// <c>--write-profile</c> over a controllers project (policy 'Staff', the larger one) and a minimal-API project
    /// (groups with 'Admin'): one section per project, said on stderr; the next scan, with the file passed to the
    /// analyzers as the package passes it, keeps each project's finding and fix on its own policy.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Scan_WriteProfile_OneSectionPerProject_EachProjectKeepsItsOwnPolicy()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Controllers/Shop.Controllers.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><OutputType>Library</OutputType><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>\n");
        foreach (var name in new[] { "Accounts", "Invoices", "Customers", "Payments" })
        {
            directory.Write($"src/Controllers/{name}Controller.cs", ShopSources.AuthorizedController.Replace("{0}", name).Replace("[Authorize]", "[Authorize(Policy = \"Staff\")]"));
        }

        directory.Write("src/Controllers/OrdersController.cs", ShopSources.OpenController);
        directory.Write("src/Minimal/Shop.Minimal.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>\n");
        directory.Write("src/Minimal/Program.cs", """
            var app = WebApplication.CreateBuilder(args).Build();
            var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
            admin.MapGet("/users", () => "users");
            admin.MapPost("/users", () => "created");
            admin.MapDelete("/users/{id}", (int id) => id);
            app.MapPost("/reports", () => "report");
            app.Run();

            """);

        var (exit, stdout, stderr) = await ScanAsync(directory.Path, "--write-profile");

        Assert.True(exit == 0, stderr);
        Assert.Contains("aegis: wrote .aegis/profile.json: the conventions of 2 project(s), one section each: Shop.Controllers (src/Controllers/Shop.Controllers.csproj), Shop.Minimal (src/Minimal/Shop.Minimal.csproj)", stderr, StringComparison.Ordinal);
        using (var profile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, ".aegis", "profile.json"))))
        {
            Assert.False(profile.RootElement.TryGetProperty("authorization", out _), "the file speaks for every project at once");
            var projects = profile.RootElement.GetProperty("projects");
            Assert.Equal("Staff", projects.GetProperty("Shop.Controllers").GetProperty("authorization").GetProperty("dominant_policy").GetString());
            Assert.Equal("\"Admin\"", projects.GetProperty("Shop.Minimal").GetProperty("authorization").GetProperty("require_authorization_arguments").GetString());
        }

        using (var card = System.Text.Json.JsonDocument.Parse(stdout))
        {
            Assert.Equal(".aegis/profile.json", card.RootElement.GetProperty("risk_card").GetProperty("action").GetProperty("profile").GetString());
        }

        // As build/Aegis.Analyzers.props does for every project below the file.
        directory.Write("Directory.Build.props", "<Project><ItemGroup><AdditionalFiles Include=\"$(MSBuildThisFileDirectory).aegis/profile.json\" /></ItemGroup></Project>\n");
        (exit, stdout, stderr) = await ScanAsync(directory.Path);

        Assert.True(exit == 0, stderr);
        using var rescan = System.Text.Json.JsonDocument.Parse(stdout);
        var risk = rescan.RootElement.GetProperty("risk_card");
        var messages = risk.GetProperty("incidents").EnumerateArray().Where(i => i.GetProperty("rule").GetString() == "AEG003").ToDictionary(i => i.GetProperty("file").GetString()!, i => i.GetProperty("message").GetString()!);
        Assert.Equal("Endpoint 'POST /reports' allows anonymous access, but 3 of 4 minimal-API endpoints require policy 'Admin'", messages["src/Minimal/Program.cs"]);
        Assert.Contains("require policy 'Staff'", messages["src/Controllers/OrdersController.cs"], StringComparison.Ordinal);
        var diff = risk.GetProperty("diff").GetString()!;
        Assert.Contains("+app.MapPost(\"/reports\", () => \"report\").RequireAuthorization(\"Admin\");", diff, StringComparison.Ordinal);
        Assert.Contains("+[Authorize(Policy = \"Staff\")]", diff, StringComparison.Ordinal);
        Assert.DoesNotContain(".RequireAuthorization();", diff, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> ScanAsync(string path, params string[] extra)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "scan", path, "--json" }.Concat(extra).ToArray(), stdout, stderr, _ => null, TestProjects.Catalog);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("{ \"authorization\": { \"controllers_total\": 3 }", "AEGB005")]
    [InlineData("{ \"schema\": \"aegis.profile/v1\", \"http_client\": { \"style\": \"factory\" } }", null)]
    public async Task Scan_NeverOverwritesAnExistingProfile_AndNamesACorruptOne(string existing, string? error)
    {
        using var directory = new TempDirectory();
        directory.Write("src/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        directory.Write("src/Lib/Greeter.cs", "namespace Lib;\npublic static class Greeter { public static string Hi => \"hi\"; }\n");
        var profile = directory.Write(".aegis/profile.json", existing);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // On a terminal, where the "kept" line is shown (it is progress: quiet in CI and in a redirected log).
        var exit = await Aegis.Cli.AegisCommandLine.RunAsync(new[] { "scan", directory.Path }, stdout, stderr, _ => null, TestProjects.Catalog, stderrIsTerminal: true);

        Assert.Equal(existing, File.ReadAllText(profile));
        if (error is null)
        {
            Assert.True(exit == 0, stderr.ToString());
            Assert.Contains("aegis: kept .aegis/profile.json (--write-profile rewrites it)", stdout.ToString() + stderr.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, exit);
            Assert.Contains("aegis: error " + error + ": corrupt state file " + profile, stderr.ToString(), StringComparison.Ordinal);
        }
    }
}

[Collection(SharedTemporaryFolder.Name)]
public sealed class SandboxCancellationTests
{
    [Fact]
    public async Task Cancelled_RepositorySandbox_RemovesItsCopy_AndKillsTheCommand()
    {
        using var directory = new TempDirectory();
        directory.Write("README.md", "no projects here\n");
        var before = Directory.GetDirectories(Path.GetTempPath(), "aegis-sandbox-*").ToHashSet();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new RepositorySandbox().RunAsync(
            directory.Path, new[] { new FileChange("README.md", "changed\n") }, null, new[] { new VerifyCommand("sleep 600", TimeSpan.FromMinutes(10)) }, cancellation.Token));

        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 1, 30);
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "aegis-sandbox-*"), d => !before.Contains(d));
        Assert.Equal("no projects here\n", File.ReadAllText(Path.Combine(directory.Path, "README.md")));
    }
}

/// <summary>
/// Ctrl+C on <c>dotnet build</c> ends with MSBuild killing the engine, which runs no clean-up: the next sandbox run
/// removes copies whose engine is gone, and only those. A live engine holds its owner file locked.
/// </summary>
[Collection(SharedTemporaryFolder.Name)]
public sealed class AbandonedSandboxTests
{
    [Fact]
    public async Task NextRun_RemovesCopiesOfKilledEngines_KeepsLiveAndUnownedOnes()
    {
        using var directory = new TempDirectory();
        directory.Write("README.md", "no projects here\n");
        var temp = Path.GetTempPath();

        // A copy left by an engine that was killed: its owner file says who, but nobody holds it locked.
        var killed = MakeCopy(temp, "aaaaaaaaaaaa", "locked 4194000 2026-12-02T01:00:00.0000000Z\n");

        // A copy whose engine still runs (the lock held, here by this process), and one with no owner file.
        var live = Path.Combine(temp, RepositorySandbox.SandboxPrefix + "bbbbbbbbbbbb");
        using var liveOwnership = AbandonedSandboxes.Claim(live);
        MakeCopy(temp, "bbbbbbbbbbbb", owner: null);
        var unowned = MakeCopy(temp, "cccccccccccc", owner: null);

        // An engine between creating its owner file and writing it: left alone.
        var claiming = MakeCopy(temp, "eeeeeeeeeeee", owner: "");

        // Owner files of older engines (id and start ticks, no lock): a reused id started at another time is
        // another process; the running process, its start time read again, is alive even if it differs a little.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var reused = MakeCopy(temp, "dddddddddddd", self.Id + " 1\n");
        var olderLive = MakeCopy(temp, "ffffffffffff", self.Id + " " + (self.StartTime.ToUniversalTime().Ticks + 3_000) + "\n");

        var result = await new RepositorySandbox().RunAsync(directory.Path, new[] { new FileChange("README.md", "changed\n") }, null, Array.Empty<VerifyCommand>(), CancellationToken.None);

        Assert.False(Directory.Exists(killed), "a killed engine's copy was left");
        Assert.False(File.Exists(killed + ".owner"));
        Assert.False(Directory.Exists(reused), "a copy whose owner id was reused was left");
        Assert.False(File.Exists(reused + ".owner"));
        Assert.True(Directory.Exists(live), "a running engine's copy was removed");
        Assert.True(File.Exists(live + ".owner"));
        Assert.True(Directory.Exists(unowned), "a copy without an owner file was removed");
        Assert.True(Directory.Exists(claiming), "a copy whose owner file is still being written was removed");
        Assert.True(Directory.Exists(olderLive), "an older running engine's copy was removed (start time read again differs by 0.3 ms)");
        Assert.NotNull(result);

        // Once the live engine lets go (here: disposes; killed: the OS drops the lock), the next sweep removes its copy.
        liveOwnership.Dispose();
        Assert.False(File.Exists(live + ".owner"), "a released claim left its owner file");
        File.WriteAllText(live + ".owner", "locked 4194000 2026-12-02T01:00:00.0000000Z\n");
        AbandonedSandboxes.Sweep(temp);
        Assert.False(Directory.Exists(live), "an unlocked owner file's copy was left");

        foreach (var copy in new[] { unowned, claiming, olderLive })
        {
            RepositorySandbox.TryDelete(copy);
            File.Delete(copy + ".owner");
        }
    }

    /// <summary>The lock is per open file: another handle, even in the same process, cannot take it while the owner holds it.</summary>
    [Fact]
    public void HeldClaim_CannotBeOpenedAgain_ReleasedClaim_RemovesItsOwnerFile()
    {
        var sandbox = Path.Combine(Path.GetTempPath(), RepositorySandbox.SandboxPrefix + Guid.NewGuid().ToString("N")[..12]);
        var ownership = AbandonedSandboxes.Claim(sandbox);
        try
        {
            Assert.ThrowsAny<IOException>(() => new FileStream(sandbox + ".owner", FileMode.Open, FileAccess.Read, FileShare.None).Dispose());
        }
        finally
        {
            ownership.Dispose();
        }

        Assert.False(File.Exists(sandbox + ".owner"));
    }

    /// <summary>With file locking switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) a probe proves nothing: an unheld
    /// locked-kind owner file is left alone; an unlocked one is judged by its process id and start time.</summary>
    [Fact]
    public void WithoutLocking_LockedKindOwnerFilesAreLeftAlone_UnlockedOnesJudgedByProcess()
    {
        using var temp = new TempDirectory();
        var locked = MakeCopy(temp.Path, "aaaaaaaaaaaa", "locked 4194000 2026-12-02T01:00:00.0000000Z\n");
        var reused = MakeCopy(temp.Path, "bbbbbbbbbbbb", Environment.ProcessId + " 1\n");

        AbandonedSandboxes.Sweep(temp.Path, canLock: false);

        Assert.True(Directory.Exists(locked), "a copy whose owner could not be probed was removed");
        Assert.False(Directory.Exists(reused), "a copy whose owner id was reused was left");

        AbandonedSandboxes.Sweep(temp.Path, canLock: true);
        Assert.False(Directory.Exists(locked), "an unheld owner file's copy was left once locking works");
    }

    private static string MakeCopy(string temp, string id, string? owner)
    {
        var copy = Path.Combine(temp, RepositorySandbox.SandboxPrefix + id);
        Directory.CreateDirectory(Path.Combine(copy, "src"));
        File.WriteAllText(Path.Combine(copy, "src", "Program.cs"), "class P { }\n");
        if (owner is not null)
        {
            File.WriteAllText(copy + ".owner", owner);
        }

        return copy;
    }
}
