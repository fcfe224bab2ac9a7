using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Tests;

/// <summary>
/// The tampering detectors on before/after text, as the engine runs them over a proposed change and over a build's
/// patches (<see cref="TamperingGate.Judge"/>): the patterns the propose tests do not reach, each with a harmless twin.
/// </summary>
public sealed class TamperingDetectorTests
{
    private static readonly AegisPolicy Defaults = new();

    private static List<TamperingFinding> Judge(string path, string? before, string? after, string? actor = TamperingGate.CodeFixesActor)
        => TamperingGate.Judge(new[] { new ChangedFile(path, before, after) }, Defaults, actor);

    private const string Project = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <NoWarn>$(NoWarn);CS1591</NoWarn>\n  </PropertyGroup>\n</Project>\n";

    [Theory]
    [InlineData("src/App/App.csproj", "CS1591</NoWarn>", "CS1591;AEG002</NoWarn>", "severity_lowered")]
    [InlineData("Directory.Build.props", "CS1591</NoWarn>", "CS1591;CA5350</NoWarn>", "severity_lowered")]
    [InlineData("src/App/App.csproj", "  </PropertyGroup>", "    <AegisFailOn>never</AegisFailOn>\n  </PropertyGroup>", "analysis_disabled")]
    [InlineData("src/App/App.csproj", "  </PropertyGroup>", "    <RunAnalyzers>false</RunAnalyzers>\n  </PropertyGroup>", "analysis_disabled")]
    [InlineData("Directory.Build.props", "  </PropertyGroup>", "    <AegisRiskCard>false</AegisRiskCard>\n  </PropertyGroup>", "analysis_disabled")]
    public void Detect_ProjectFiles(string path, string find, string replace, string kind)
    {
        var finding = Assert.Single(Judge(path, Project, Project.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Equal(kind, finding.Kind);
        Assert.NotNull(finding.Line);
    }

    [Theory]
    [InlineData("CS1591</NoWarn>", "CS1591;CA1822</NoWarn>")]
    [InlineData("  </PropertyGroup>", "    <AegisFailOn>HIGH</AegisFailOn>\n  </PropertyGroup>")]
    [InlineData("  </PropertyGroup>", "    <RunAnalyzers>true</RunAnalyzers>\n  </PropertyGroup>")]
    public void Safe_ProjectFiles(string find, string replace)
        => Assert.Empty(Judge("src/App/App.csproj", Project, Project.Replace(find, replace, StringComparison.Ordinal)));

    [Fact]
    public void Detect_PragmaWithoutIds_DisablesEveryRule()
        => Assert.Equal("warning_disabled", Assert.Single(Judge("src/A.cs", "class A { }\n", "#pragma warning disable\nclass A { }\n")).Kind);

    [Fact]
    public void Safe_AnExistingPragma_MovedDown_IsNotNew()
        => Assert.Empty(Judge("src/A.cs", "#pragma warning disable AEG001\nclass A { }\n", "// A.\n#pragma warning disable AEG001\nclass A { }\n"));

    [Fact]
    public void Detect_RemovedSeverityThatWasError_IsLowered_AndDeletingTheEditorconfigToo()
    {
        const string Config = "[*.cs]\ndotnet_diagnostic.AEG003.severity = error\n";
        Assert.Equal("severity_lowered", Assert.Single(Judge(".editorconfig", Config, "[*.cs]\n")).Kind);
        Assert.Equal("severity_lowered", Assert.Single(Judge("src/.editorconfig", Config, null)).Kind);
        Assert.Empty(Judge(".editorconfig", "[*.cs]\ndotnet_diagnostic.AEG003.severity = none\n", "[*.cs]\n"));
    }

    [Fact]
    public void Detect_SectionsAreJudgedApart()
    {
        const string Config = "[*.cs]\ndotnet_diagnostic.AEG001.severity = error\n";
        var finding = Assert.Single(Judge(".editorconfig", Config, Config + "\n[Generated/**.cs]\ndotnet_diagnostic.AEG001.severity = none\n"));
        Assert.Equal(5, finding.Line);
    }

    [Theory]
    [InlineData("[Ignore]")]
    [InlineData("[Ignore(\"later\")]")]
    [InlineData("[Theory(Skip = \"flaky\")]")]
    public void Detect_SkipAttributes(string attribute)
    {
        const string Tests = "public class T\n{\n    [Fact]\n    public void A() { Assert.Equal(1, Calc.One()); }\n}\n";
        var finding = Assert.Single(Judge("tests/T.cs", Tests, Tests.Replace("    [Fact]\n", "    [Fact]\n    " + attribute + "\n", StringComparison.Ordinal)));
        Assert.Equal("test_skipped", finding.Kind);
    }

    [Theory]
    [InlineData("Assert.Skip(\"later\");", "test_skipped")]
    [InlineData("Assert.Equal(result, result);", "assertion_weakened")]
    [InlineData("Assert.IsTrue(true);", "assertion_weakened")]
    [InlineData("Assert.Pass();", "assertion_weakened")]
    public void Detect_InTestBodies(string statement, string kind)
    {
        const string Tests = "public class T\n{\n    [Test]\n    public void A()\n    {\n        var result = Calc.One();\n        Assert.AreEqual(1, result);\n    }\n}\n";
        var finding = Assert.Single(Judge("tests/T.cs", Tests, Tests.Replace("        Assert.AreEqual(1, result);", "        " + statement, StringComparison.Ordinal)));
        Assert.Equal(kind, finding.Kind);
        Assert.Equal(7, finding.Line);
    }

    [Fact]
    public void Safe_ConstantAssertionOutsideATest_AndAMovedTestMethod()
    {
        Assert.Empty(Judge("src/Check.cs", "class C { void M() { } }\n", "class C { void M() { Assert.True(true); } }\n"));
        const string Tests = "public class T\n{\n    [Fact]\n    public void A() { }\n\n    [Fact]\n    public void B() { }\n}\n";
        Assert.Empty(Judge("tests/T.cs", Tests, "public class T\n{\n    [Fact]\n    public void B() { }\n\n    [Fact]\n    public void A() { }\n}\n"));
    }

    [Fact]
    public void Detect_SlnxTestProjectRemoved_AndATestProjectFileDeleted()
    {
        const string Slnx = "<Solution>\n  <Project Path=\"src/App/App.csproj\" />\n  <Project Path=\"tests/App.UnitTests/App.UnitTests.csproj\" />\n</Solution>\n";
        Assert.Equal("verification_removed", Assert.Single(Judge("App.slnx", Slnx, Slnx.Replace("  <Project Path=\"tests/App.UnitTests/App.UnitTests.csproj\" />\n", "", StringComparison.Ordinal))).Kind);
        Assert.Empty(Judge("App.slnx", Slnx, Slnx.Replace("  <Project Path=\"src/App/App.csproj\" />\n", "", StringComparison.Ordinal)));
        Assert.Equal("verification_removed", Assert.Single(Judge("tests/App.UnitTests/App.UnitTests.csproj", Project, null)).Kind);
        Assert.Empty(Judge("src/Contests/Contests.csproj", Project, null));
    }

    [Fact]
    public void Detect_OtherAegisState_ButNotTheEnginesOwnOutput()
    {
        Assert.Equal("aegis_state_edited", Assert.Single(Judge(".aegis/profile.json", "{\"a\": 1}", "{\"a\": 2}")).Kind);
        Assert.Empty(Judge(".aegis/propose/risk-card.json", "{\"a\": 1}", "{\"a\": 2}"));
    }

    [Fact]
    public void BuildPatches_AreJudgedAsAPersonsChange_SoAreScored()
    {
        var finding = Assert.Single(Judge("src/Api/Open.cs", "class Open { }\n", "[AllowAnonymous]\nclass Open { }\n"));
        Assert.Equal("allow_anonymous_added", finding.Kind);
        Assert.Equal("scored", finding.Verdict);
        Assert.False(Defaults.IsAgent(TamperingGate.CodeFixesActor));
    }

    [Fact]
    public void Scorer_CountsTampering_AndTheSameEditsRiskyPatternOnlyOnce()
    {
        var card = new RiskCard { Status = RiskStatus.Allow };
        card.DiffAnalysis.RiskyPatterns.Add("added [AllowAnonymous]");
        RiskScorer.Score(card);
        Assert.Equal(10 + 10, card.RiskScore);

        card.Tampering.Add(new TamperingFinding(TamperingKinds.AllowAnonymousAdded, "src/Api/Open.cs", 1, "[AllowAnonymous]"));
        card.Tampering.Add(new TamperingFinding(TamperingKinds.TestDeleted, "tests/T.cs", null, "test method T.A removed"));
        RiskScorer.Score(card);
        Assert.Equal(10 + 10 + 12, card.RiskScore);
        Assert.Contains(card.Reasons, r => r.Text.StartsWith("tampering (scored): deleted a test in tests/T.cs", StringComparison.Ordinal));
    }
}
