using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Patching;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Tests;

/// <summary>The shortcuts the engine takes for speed keep its answers: reused compile inputs only while fresh,
/// one analysis pass for the file sandbox, one test run over a solution.</summary>
public sealed class EngineSpeedTests
{
    private static readonly DateTime Built = DateTime.UtcNow.AddMinutes(-10);

    /// <summary>A project as its last build left it: sources, obj/project.assets.json and obj/Debug/net10.0/aegis/compile-inputs.txt.</summary>
    private static (string Project, string InputsFile) WriteBuiltProject(TempDirectory directory)
    {
        var project = directory.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        var inputs = new CompileInputs { ProjectPath = project, AssemblyName = "App" };
        inputs.Sources.Add(directory.Write("src/App/Program.cs", "class Program { static void Main() { } }\n"));
        inputs.Sources.Add(directory.Write("src/App/Models/Order.cs", "class Order { }\n"));
        inputs.References.Add(typeof(object).Assembly.Location);
        var assets = directory.Write("src/App/obj/project.assets.json", "{}");
        var inputsFile = directory.Write("src/App/obj/Debug/net10.0/aegis/compile-inputs.txt", inputs.Write());
        foreach (var file in new[] { project, assets }.Concat(inputs.Sources))
        {
            File.SetLastWriteTimeUtc(file, Built.AddMinutes(-1));
        }

        File.SetLastWriteTimeUtc(inputsFile, Built);
        return (project, inputsFile);
    }

    [Fact]
    public void CompileInputs_FromTheLastBuild_AreReusedWhileFresh()
    {
        using var directory = new TempDirectory();
        var (project, _) = WriteBuiltProject(directory);

        var inputs = MsBuildInputs.FromLastBuild(project);

        Assert.NotNull(inputs);
        Assert.Equal(project, inputs.ProjectPath);
        Assert.Equal(2, inputs.Sources.Count);
    }

    [Fact]
    public void CompileInputs_SourceEditedAfterTheBuild_Stale_UnlessTheEngineRanSince()
    {
        using var directory = new TempDirectory();
        var (project, inputsFile) = WriteBuiltProject(directory);
        File.SetLastWriteTimeUtc(Path.Combine(directory.Path, "src/App/Program.cs"), Built.AddMinutes(1));
        Assert.Null(MsBuildInputs.FromLastBuild(project));

        // The build rewrites compile-inputs.txt only when its content changes, but touches the stamp after every
        // engine run: a stamp newer than the edit says the inputs were current for it.
        var stamp = directory.Write("src/App/obj/Debug/net10.0/aegis/risk-card.stamp", "");
        File.SetLastWriteTimeUtc(stamp, Built.AddMinutes(2));
        Assert.NotNull(MsBuildInputs.FromLastBuild(project));
        Assert.True(File.GetLastWriteTimeUtc(inputsFile) < File.GetLastWriteTimeUtc(stamp));
    }

    [Theory]
    [InlineData("added")]
    [InlineData("deleted")]
    [InlineData("project")]
    [InlineData("assets")]
    [InlineData("directory-props")]
    [InlineData("other-project")]
    [InlineData("corrupt")]
    public void CompileInputs_Stale_FallBackToMsBuild(string change)
    {
        using var directory = new TempDirectory();
        var (project, inputsFile) = WriteBuiltProject(directory);
        var later = Built.AddMinutes(1);
        switch (change)
        {
            case "added":
                // A file added since the build is compiled by the next build but is not in the list.
                File.SetLastWriteTimeUtc(directory.Write("src/App/Models/Customer.cs", "class Customer { }\n"), Built.AddMinutes(-5));
                break;
            case "deleted":
                File.Delete(Path.Combine(directory.Path, "src/App/Models/Order.cs"));
                break;
            case "project":
                File.SetLastWriteTimeUtc(project, later);
                break;
            case "assets":
                File.SetLastWriteTimeUtc(Path.Combine(directory.Path, "src/App/obj/project.assets.json"), later);
                break;
            case "directory-props":
                File.SetLastWriteTimeUtc(directory.Write("Directory.Build.props", "<Project />"), later);
                break;
            case "other-project":
                File.WriteAllText(inputsFile, File.ReadAllText(inputsFile).Replace("project=" + project, "project=/elsewhere/Other.csproj", StringComparison.Ordinal));
                File.SetLastWriteTimeUtc(inputsFile, Built);
                break;
            case "corrupt":
                File.WriteAllText(inputsFile, "not key value\n");
                File.SetLastWriteTimeUtc(inputsFile, Built);
                break;
        }

        Assert.Null(MsBuildInputs.FromLastBuild(project));
    }

    [Fact]
    public void CompileInputs_BinAndObjSourcesAreNotAdditions()
    {
        using var directory = new TempDirectory();
        var (project, _) = WriteBuiltProject(directory);
        File.SetLastWriteTimeUtc(directory.Write("src/App/obj/Debug/net10.0/App.AssemblyInfo.cs", "// generated\n"), Built.AddMinutes(-1));
        File.SetLastWriteTimeUtc(directory.Write("src/App/bin/Debug/Copied.cs", "// content\n"), Built.AddMinutes(-1));

        Assert.NotNull(MsBuildInputs.FromLastBuild(project));
    }

    [Fact]
    public void MsBuildOutput_JsonAfterAWarningWithBraces_IsFound()
    {
        const string output = "/usr/share/dotnet/sdk/x/NuGet.targets(1,1): warning NU1603: {id} resolved a later version\n"
            + "{\n  \"Properties\": { \"AssemblyName\": \"web\" },\n  \"Items\": { \"Compile\": [ { \"FullPath\": \"/w/Program.cs\" } ] }\n}\n"
            + "a notice after it {x}\n";

        var inputs = MsBuildInputs.FromMsBuildOutput("/w/web.csproj", 0, output, output);

        Assert.Equal("web", inputs.AssemblyName);
        Assert.Equal(new[] { "/w/Program.cs" }, inputs.Sources);
    }

    [Theory]
    [InlineData(0, "no json here\n")]
    [InlineData(0, "{\n  invalid start of a property name\n}\n")]
    [InlineData(0, "{\n  \"Items\": {}\n}\n")]
    [InlineData(1, "{\n  \"Properties\": {}, \"Items\": {}\n}\n")]
    public void MsBuildOutput_Unusable_AEGB003NamingTheProject_NotACrash(int exitCode, string output)
    {
        var exception = Assert.Throws<AegisException>(() => MsBuildInputs.FromMsBuildOutput("/w/web.csproj", exitCode, output, output));

        Assert.Equal(ErrorCodes.BadCompileInputs, exception.Code);
        Assert.Contains("/w/web.csproj", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileSandbox_ErrorsTheProjectAlreadyHad_AreNotThePatchs()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        inputs.Sources.Add(directory.Write("src/Shop/Broken.cs", "namespace Shop;\npublic class Broken { public int X = \"text\"; }\n"));
        var engine = new AegisEngine(TestProjects.Options(directory.Path));
        var project = LoadedProject.Load(inputs);

        var analysis = await engine.AnalyzeAsync(project, CancellationToken.None);
        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "test") }, CancellationToken.None);

        // The analysis pass recorded the existing error (CS0029) as the baseline.
        Assert.Contains(project.CompilerErrors!.Value, d => d.Id == "CS0029");
        Assert.True(card.Checks.Single(c => c.Name == CheckNames.SandboxCompile).Passed, card.Stdout);
        Assert.Equal(ValidationStatuses.Verified, analysis.Patches.Single().ValidationStatus);
    }

    [Fact]
    public async Task FileSandbox_PatchThatBreaksACallerInAnotherFile_Rollback()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        inputs.Sources.Add(directory.Write("src/Shop/Startup.cs", "namespace Shop;\npublic static class Startup { public static object Make() => new OrdersController(); }\n"));
        var engine = new AegisEngine(TestProjects.Options(directory.Path));
        var analysis = await engine.AnalyzeAsync(LoadedProject.Load(inputs), CancellationToken.None);
        var patch = analysis.Patches.Single();
        patch.PatchedText = patch.PatchedText.Replace("class OrdersController", "class RenamedController", StringComparison.Ordinal);

        var card = await engine.EvaluateAsync(new[] { analysis }, new() { new("kind", "test") }, CancellationToken.None);

        Assert.Equal(Recommendations.Rollback, card.Recommendation);
        Assert.Contains(card.Checks, c => c.Name == CheckNames.SandboxCompile && !c.Passed && c.Message.Contains("CS0246", StringComparison.Ordinal));
    }

    [Fact]
    public void RepositorySandbox_OneTestRunOverTheSolution_OnlyWhenItHoldsEveryTestProject()
    {
        using var directory = new TempDirectory();
        const string TestProject = "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>\n";
        directory.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        var tests = directory.Write("tests/App.Tests/App.Tests.csproj", TestProject);
        directory.Write("App.sln", Solution("src\\App\\App.csproj", "tests\\App.Tests\\App.Tests.csproj"));

        Assert.Equal("App.sln", RepositorySandbox.SolutionCovering(directory.Path, new[] { "App.sln" }, new[] { tests }));
        // A project was built, not the solution: each test project is tested on its own.
        Assert.Null(RepositorySandbox.SolutionCovering(directory.Path, new[] { "src/App/App.csproj" }, new[] { tests }));

        // A test project outside the solution would be skipped by 'dotnet test App.sln'.
        var outside = directory.Write("tests/Other.Tests/Other.Tests.csproj", TestProject);
        Assert.Null(RepositorySandbox.SolutionCovering(directory.Path, new[] { "App.sln" }, new[] { tests, outside }));
    }

    [Fact]
    public void Trace_WritesPhaseTimings_OnlyWhenEnabled()
    {
        var writer = new StringWriter();
        var (enabled, previous) = (EngineTrace.Enabled, EngineTrace.Writer);
        try
        {
            EngineTrace.Writer = writer;
            EngineTrace.Enabled = false;
            using (EngineTrace.Measure("quiet"))
            {
            }

            EngineTrace.Enabled = true;
            using (EngineTrace.Measure("analyze"))
            {
            }
        }
        finally
        {
            (EngineTrace.Enabled, EngineTrace.Writer) = (enabled, previous);
        }

        Assert.DoesNotContain("quiet", writer.ToString(), StringComparison.Ordinal);
        // Other test classes run in parallel and may trace too while it is on: look for this phase's line only.
        Assert.Matches(@"(?m)^aegis: trace analyze \d+ ms\r?$", writer.ToString());
    }

    private static string Solution(params string[] projects)
        => "Microsoft Visual Studio Solution File, Format Version 12.00\n"
            + string.Concat(projects.Select((p, i) => "Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"P" + i + "\", \"" + p + "\", \"{00000000-0000-0000-0000-00000000000" + i + "}\"\nEndProject\n"));
}
