using System.Text.Json;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Restores the packed Aegis.Analyzers from a local feed into consumer projects made in a temp folder and builds them
/// with the dotnet CLI. The Risk Card machinery (target, response file, task, incrementality, error codes) is driven
/// with a stand-in engine (FakeEngine/Program.cs) so it is tested whether or not the real engine is packed; the
/// real engine's card is checked by the [RequiresEngineFact] tests.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class PackageConsumerTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string EngineCommandMarker = "Aegis.Cli.dll build @";

    private string FakeEngineProperty => "-p:AegisEngineAssemblyFile=" + environment.FakeEngine;

    private DotNet.RunResult Succeeds(DotNet.RunResult result)
    {
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, "The build failed: " + result);
        return result;
    }

    private DotNet.RunResult Fails(DotNet.RunResult result)
    {
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode != 0, "The build should have failed: " + result);
        return result;
    }

    private void AssertAnalyzersPassedToCompiler(DotNet.RunResult result)
    {
        var analyzers = Path.Combine(environment.PackageFolder, "analyzers", "dotnet", "cs");
        Assert.Contains("/analyzer:" + Path.Combine(analyzers, "Aegis.Analyzers.dll"), result.Output, StringComparison.Ordinal);
        Assert.Contains("/analyzer:" + Path.Combine(analyzers, "Aegis.Analyzers.CodeFixes.dll"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void PackageReference_AnalyzersRun_RiskCardWritten_SecondBuildDoesNotStartEngine()
    {
        var consumer = environment.NewConsumer("plain").WriteLibrary("Plain");

        var first = Succeeds(consumer.Build("Plain", null, FakeEngineProperty));

        AssertAnalyzersPassedToCompiler(first);
        var allowedLine = "Aegis Risk Card: " + consumer.PathOf("Plain/bin/Debug/net10.0/aegis/risk-card.html") + ": Allowed (risk 10 LOW): no incidents in the code. Patches: none needed";
        Assert.Equal([allowedLine], CardLines(first));
        Assert.Equal(1, consumer.EngineRuns("Plain"));
        Assert.DoesNotContain(first.Diagnostics, d => d.Code.StartsWith("AEGB", StringComparison.Ordinal) || d.Code.StartsWith("MSB", StringComparison.Ordinal));

        var inputs = File.ReadAllLines(consumer.PathOf("Plain/obj/Debug/net10.0/aegis/compile-inputs.txt"));
        Assert.Equal(
            [
                "project=" + consumer.PathOf("Plain/Plain.csproj"),
                "assembly=Plain",
                "outputkind=Library",
                "langversion=latest",
                "nullable=enable",
                "allowunsafe=false",
            ],
            inputs.Take(6));
        Assert.Contains("define=NET10_0", inputs);
        Assert.Contains("source=" + consumer.PathOf("Plain/Settings.cs"), inputs);
        Assert.Contains(inputs, l => l.StartsWith("reference=", StringComparison.Ordinal) && l.EndsWith("System.Runtime.dll", StringComparison.Ordinal));
        Assert.Contains(inputs, l => l.StartsWith("analyzerconfig=", StringComparison.Ordinal) && l.EndsWith(".GeneratedMSBuildEditorConfig.editorconfig", StringComparison.Ordinal));
        Assert.All(inputs, l => Assert.Matches("^(project|assembly|outputkind|langversion|nullable|allowunsafe|define|source|reference|analyzerconfig|additionalfile)=", l));

        // Local defaults: file sandbox, never fail; no .git and no solution above the project, so the project folder.
        Assert.Equal(
            $"""
            --inputs
            {consumer.PathOf("Plain/obj/Debug/net10.0/aegis/compile-inputs.txt")}
            --output
            {consumer.PathOf("Plain/bin/Debug/net10.0/aegis/")}
            --repository-root
            {consumer.PathOf("Plain")}
            --sandbox
            file
            --fail-on
            never

            """,
            File.ReadAllText(consumer.PathOf("Plain/obj/Debug/net10.0/aegis/aegis.rsp")));

        var second = Succeeds(consumer.Build("Plain", null, FakeEngineProperty));
        Assert.Equal(1, consumer.EngineRuns("Plain"));
        Assert.DoesNotContain(EngineCommandMarker, second.Output, StringComparison.Ordinal);
        Assert.Equal([allowedLine], CardLines(second));

        // A changed setting changes the response file, which is an input: the engine runs again.
        var third = Succeeds(consumer.Build("Plain", null, FakeEngineProperty, "-p:AegisSandbox=none"));
        Assert.Equal(2, consumer.EngineRuns("Plain"));
        Assert.Contains(EngineCommandMarker, third.Output, StringComparison.Ordinal);
        Assert.Contains("\"sandbox\":{\"mode\":\"none\"}", File.ReadAllText(consumer.PathOf("Plain/bin/Debug/net10.0/aegis/risk-card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void UpToDateBuild_RepeatsTheLastBlockedCardsLine_WithoutStartingTheEngine()
    {
        // A blocked card with the gate off is only a message: an unchanged rebuild must not make it disappear.
        var consumer = environment.NewConsumer("repeat").WriteLibrary("Repeat");
        var block = new Dictionary<string, string?> { ["FAKE_AEGIS_MODE"] = "block" };
        var blockedLine = "Aegis Risk Card: " + consumer.PathOf("Repeat/bin/Debug/net10.0/aegis/risk-card.html")
            + ": Blocked (risk 72 HIGH): 1 incident in the code (top: AEG001 SQL built from non-constant text reaches a SQL sink in Data/Orders.cs:9). "
            + "Patches: rollback, do not apply (1 of 1 incident fixed in 1 file, failed; sandbox_tests: 1 of 3 failed at 100% $(Configuration))";

        var first = Succeeds(consumer.Build("Repeat", block, FakeEngineProperty, "-p:AegisFailOn=never"));
        Assert.Equal([blockedLine], CardLines(first));
        Assert.Equal(1, consumer.EngineRuns("Repeat"));

        var second = Succeeds(consumer.Build("Repeat", block, FakeEngineProperty, "-p:AegisFailOn=never"));
        Assert.DoesNotContain(EngineCommandMarker, second.Output, StringComparison.Ordinal);
        Assert.Equal(1, consumer.EngineRuns("Repeat"));
        Assert.Equal([blockedLine], CardLines(second));
        Assert.Contains(consumer.PathOf("Repeat/bin/Debug/net10.0/aegis/risk-card.summary.txt"), File.ReadAllText(consumer.PathOf("Repeat/obj/Debug/net10.0/Repeat.csproj.FileListAbsolute.txt")), StringComparison.Ordinal);

        // A deleted summary is an output gone: the engine runs again and writes it, rather than the build logging nothing.
        File.Delete(consumer.PathOf("Repeat/bin/Debug/net10.0/aegis/risk-card.summary.txt"));
        var third = Succeeds(consumer.Build("Repeat", block, FakeEngineProperty, "-p:AegisFailOn=never"));
        Assert.Equal(2, consumer.EngineRuns("Repeat"));
        Assert.Equal([blockedLine], CardLines(third));
    }

    /// <summary>The "Aegis Risk Card: …" lines of a build's log, from that text on (MSBuild indents target messages).</summary>
    private static string[] CardLines(DotNet.RunResult result)
        => result.Output.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Contains("Aegis Risk Card: ", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf("Aegis Risk Card: ", StringComparison.Ordinal)..])
            .ToArray();

    [Fact]
    public void ContinuousIntegration_CIVariable_SwitchesToRepositorySandboxAndBlockedGate()
    {
        var consumer = environment.NewConsumer("ci").WriteLibrary("Ci");

        Succeeds(consumer.Build("Ci", new Dictionary<string, string?> { ["CI"] = "true" }, FakeEngineProperty));

        var rsp = File.ReadAllText(consumer.PathOf("Ci/obj/Debug/net10.0/aegis/aegis.rsp"));
        Assert.Contains("\n--sandbox\nrepository\n--fail-on\nblocked\n", rsp, StringComparison.Ordinal);
    }

    [Fact]
    public void CentralPackageManagement_Restores_AndAegisRiskCardFalseSkipsTheCard()
    {
        var consumer = environment.NewConsumer("cpm")
            .WriteFile("Directory.Packages.props", $"""
                <Project>
                  <PropertyGroup>
                    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageVersion Include="Aegis.Analyzers" Version="{PackageUnderTest.Version}" />
                  </ItemGroup>
                </Project>
                """)
            .WriteFile("Directory.Build.props", """
                <Project>
                  <PropertyGroup>
                    <AegisRiskCard>false</AegisRiskCard>
                  </PropertyGroup>
                </Project>
                """)
            .WriteLibrary("Central", centralVersions: true);

        var result = Succeeds(consumer.Build("Central", null, FakeEngineProperty));

        AssertAnalyzersPassedToCompiler(result);
        Assert.False(Directory.Exists(consumer.PathOf("Central/obj/Debug/net10.0/aegis")));
        Assert.False(Directory.Exists(consumer.PathOf("Central/bin/Debug/net10.0/aegis")));
        Assert.DoesNotContain(EngineCommandMarker, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AegisRiskCardFalse_AfterACardBuild_KeepsTheCardItsInputsAndItsStamp()
    {
        // IncrementalClean deletes what an earlier build wrote and this one does not claim: a card-off build of the
        // same project (a test project's ProjectReference, a sandbox build) must not take the last card's files.
        var consumer = environment.NewConsumer("cardoff").WriteLibrary("CardOff");
        Succeeds(consumer.Build("CardOff", null, FakeEngineProperty));
        string[] kept =
        [
            "CardOff/obj/Debug/net10.0/aegis/compile-inputs.txt",
            "CardOff/obj/Debug/net10.0/aegis/aegis.rsp",
            "CardOff/obj/Debug/net10.0/aegis/risk-card.stamp",
            "CardOff/bin/Debug/net10.0/aegis/risk-card.json",
            "CardOff/bin/Debug/net10.0/aegis/risk-card.summary.txt",
        ];
        Assert.All(kept, f => Assert.True(File.Exists(consumer.PathOf(f)), f + " was not written"));

        // Not --no-incremental: that is a Rebuild, whose Clean rightly removes them.
        Succeeds(consumer.Build("CardOff", null, FakeEngineProperty, "-p:AegisRiskCard=false"));
        Assert.All(kept, f => Assert.True(File.Exists(consumer.PathOf(f)), f + " was deleted by the card-off build"));

        // The card is still up to date, so the next card build does not start the engine.
        var again = Succeeds(consumer.Build("CardOff", null, FakeEngineProperty));
        Assert.DoesNotContain(EngineCommandMarker, again.Output, StringComparison.Ordinal);
        Assert.Equal(1, consumer.EngineRuns("CardOff"));

        // 'dotnet clean' still removes them.
        Succeeds(environment.Run(consumer.Directory, null, "clean", "CardOff/CardOff.csproj", "-nologo"));
        Assert.All(kept, f => Assert.False(File.Exists(consumer.PathOf(f)), f + " survived dotnet clean"));
    }

    [Fact]
    public void MultiProjectSolution_EachProjectAndEachTargetFrameworkGetsItsCard()
    {
        var consumer = environment.NewConsumer("solution")
            .WriteLibrary("Core")
            .WriteLibrary("Api", extraItems: """<ProjectReference Include="../Core/Core.csproj" />""")
            .WriteLibrary("Shared", targetFramework: "netstandard2.0;net10.0");
        Succeeds(environment.Run(consumer.Directory, null, "new", "sln", "-n", "Shop", "--format", "sln"));
        Succeeds(environment.Run(consumer.Directory, null, "sln", "Shop.sln", "add", "Core/Core.csproj", "Api/Api.csproj", "Shared/Shared.csproj"));

        var result = Succeeds(consumer.Build("Shop.sln", null, FakeEngineProperty));

        foreach (var (project, framework) in new[] { ("Core", "net10.0"), ("Api", "net10.0"), ("Shared", "net10.0"), ("Shared", "netstandard2.0") })
        {
            Assert.True(File.Exists(consumer.PathOf($"{project}/bin/Debug/{framework}/aegis/risk-card.json")), $"{project} {framework} has no card");
            Assert.Equal(1, consumer.EngineRuns(project, framework));
            // Built from a solution without .git: the solution's folder is the repository root.
            Assert.Contains($"\n--repository-root\n{consumer.Directory}\n", File.ReadAllText(consumer.PathOf($"{project}/obj/Debug/{framework}/aegis/aegis.rsp")), StringComparison.Ordinal);
        }

        // The outer build of the multi-targeted project compiles nothing and writes no card.
        Assert.False(Directory.Exists(consumer.PathOf("Shared/bin/Debug/aegis")));
        Assert.False(Directory.Exists(consumer.PathOf("Shared/obj/Debug/aegis")));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code.StartsWith("AEGB", StringComparison.Ordinal));
    }

    [Fact]
    public void TreatWarningsAsErrors_BuildMachineryAddsNoWarning()
    {
        // The analyzers' findings are turned down to suggestions, so any warning left would be the package's own.
        var consumer = environment.NewConsumer("strict")
            .WriteFile(".editorconfig", """
                root = true

                [*.cs]
                dotnet_diagnostic.AEG001.severity = suggestion
                dotnet_diagnostic.AEG002.severity = suggestion
                dotnet_diagnostic.AEG003.severity = suggestion
                """)
            .WriteLibrary("Strict", extraProperties: "<TreatWarningsAsErrors>true</TreatWarningsAsErrors><MSBuildTreatWarningsAsErrors>true</MSBuildTreatWarningsAsErrors>");

        var result = Succeeds(consumer.Build("Strict", null, FakeEngineProperty));

        Assert.Empty(result.Diagnostics);
        Assert.Contains("    0 Warning(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains("analyzerconfig=" + consumer.PathOf(".editorconfig"), File.ReadAllLines(consumer.PathOf("Strict/obj/Debug/net10.0/aegis/compile-inputs.txt")));
        Assert.Equal(1, consumer.EngineRuns("Strict"));
    }

    [RequiresSecretAnalyzerFact]
    public void PlantedSecret_IsAWarning_AndAnErrorUnderTreatWarningsAsErrors()
    {
        var consumer = environment.NewConsumer("secret").WriteLibrary("Secret");

        var relaxed = Succeeds(consumer.Build("Secret", null, FakeEngineProperty));
        Assert.Contains(relaxed.Diagnostics, d => d.Kind == "warning" && d.Code == "AEG002" && d.Line.Contains("Settings.cs", StringComparison.Ordinal));

        // --no-incremental: TreatWarningsAsErrors is not an input of CoreCompile, so an up-to-date compile would report nothing.
        var strict = Fails(consumer.Build("Secret", null, FakeEngineProperty, "-p:TreatWarningsAsErrors=true", "--no-incremental"));
        Assert.Contains(strict.Diagnostics, d => d.Kind == "error" && d.Code == "AEG002" && d.Line.Contains("Settings.cs", StringComparison.Ordinal));
    }

    [RequiresSecretAnalyzerFact]
    public void TestProject_PlantedSecret_IsLoweredThroughTheCompilerVisibleIsTestProject()
    {
        // IsTestProject alone, no test framework referenced: only the package's CompilerVisibleProperty tells the analyzer.
        var consumer = environment.NewConsumer("testproject").WriteLibrary("Checks", extraProperties: "<IsTestProject>true</IsTestProject>");

        var result = Succeeds(consumer.Build("Checks", null, FakeEngineProperty, "-p:TreatWarningsAsErrors=true"));

        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "AEG002" && d.Kind is "warning" or "error");
        var generated = File.ReadAllLines(consumer.PathOf("Checks/obj/Debug/net10.0/Checks.GeneratedMSBuildEditorConfig.editorconfig"));
        Assert.Contains("build_property.IsTestProject = true", generated);
    }

    [Fact]
    public void MissingEngine_FailsWithAEGB002Only()
    {
        var consumer = environment.NewConsumer("noengine").WriteLibrary("NoEngine");
        var missing = Path.Combine(environment.Root, "nowhere", "Aegis.Cli.dll");

        var result = Fails(consumer.Build("NoEngine", null, "-p:AegisEngineAssemblyFile=" + missing));

        Assert.Equal(["AEGB002"], result.ErrorCodes);
        Assert.Contains(missing, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GateFailure_IsOneAEGB004_AndFailsAgainOnTheNextBuild()
    {
        var consumer = environment.NewConsumer("gate").WriteLibrary("Gate");
        var block = new Dictionary<string, string?> { ["FAKE_AEGIS_MODE"] = "block" };

        var first = Fails(consumer.Build("Gate", block, FakeEngineProperty, "-p:AegisFailOn=blocked"));
        Assert.Equal(["AEGB004"], first.ErrorCodes);
        Assert.True(File.Exists(consumer.PathOf("Gate/bin/Debug/net10.0/aegis/risk-card.json")));

        // Nothing changed, but the last run failed: the gate must not look up to date.
        var second = Fails(consumer.Build("Gate", block, FakeEngineProperty, "-p:AegisFailOn=blocked"));
        Assert.Equal(["AEGB004"], second.ErrorCodes);
        Assert.Equal(2, consumer.EngineRuns("Gate"));

        // The same card with the gate off passes; an engine warning keeps its code.
        var warn = Succeeds(consumer.Build("Gate", new Dictionary<string, string?> { ["FAKE_AEGIS_MODE"] = "warn" }, FakeEngineProperty, "-p:AegisFailOn=never"));
        Assert.Equal(["AEGB007"], warn.WarningCodes.Where(c => c.StartsWith("AEGB", StringComparison.Ordinal)));
    }

    [Fact]
    public void EngineCrash_IsOneAEGB008()
    {
        var consumer = environment.NewConsumer("crash").WriteLibrary("Crash");

        var result = Fails(consumer.Build("Crash", new Dictionary<string, string?> { ["FAKE_AEGIS_MODE"] = "crash" }, FakeEngineProperty));

        Assert.Equal(["AEGB008"], result.ErrorCodes);
        Assert.False(File.Exists(consumer.PathOf("Crash/obj/Debug/net10.0/aegis/risk-card.stamp")));
    }

    [RequiresEngineFact]
    public void RealEngine_WritesTheRiskCard_AndAnUnchangedBuildDoesNotStartIt()
    {
        var consumer = environment.NewConsumer("real").WriteLibrary("Real");

        var first = Succeeds(consumer.Build("Real", null, "-p:AegisSandbox=none", "-p:AegisFailOn=never"));

        Assert.Contains(EngineCommandMarker, first.Output, StringComparison.Ordinal);
        Assert.Contains("Aegis Risk Card: ", first.Output, StringComparison.Ordinal);
        var card = consumer.PathOf("Real/bin/Debug/net10.0/aegis/risk-card.json");
        using (var json = JsonDocument.Parse(File.ReadAllText(card)))
        {
            Assert.Equal("aegis.riskcard/v1", json.RootElement.GetProperty("schema").GetString());
            Assert.Contains(json.RootElement.GetProperty("status").GetString(), new[] { "allow", "blocked" });
            Assert.InRange(json.RootElement.GetProperty("risk_score").GetInt32(), 0, 100);
        }

        Assert.True(File.Exists(consumer.PathOf("Real/bin/Debug/net10.0/aegis/risk-card.md")));
        Assert.True(File.Exists(consumer.PathOf("Real/bin/Debug/net10.0/aegis/risk-card.html")));
        var written = File.GetLastWriteTimeUtc(card);

        var second = Succeeds(consumer.Build("Real", null, "-p:AegisSandbox=none", "-p:AegisFailOn=never"));

        Assert.DoesNotContain(EngineCommandMarker, second.Output, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(card));
    }
}
