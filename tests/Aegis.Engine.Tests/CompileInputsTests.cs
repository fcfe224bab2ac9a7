using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Engine.Tests;

public sealed class CompileInputsTests
{
    [Fact]
    public void Parse_ReadsEveryKey_IgnoresUnknownKeys()
    {
        var inputs = CompileInputs.Parse("""
            project=/r/src/App/App.csproj
            assembly=App
            outputkind=Exe
            langversion=12.0
            nullable=enable
            allowunsafe=true
            define=DEBUG
            define=TRACE
            source=/r/src/App/Program.cs
            source=/r/src/App/obj/App.GlobalUsings.g.cs
            reference=/ref/System.Runtime.dll
            analyzerconfig=/r/.editorconfig
            additionalfile=/r/.aegis/profile.json
            futurekey=whatever
            """.Replace("\r\n", "\n"), "compile-inputs.txt");

        Assert.Equal("/r/src/App/App.csproj", inputs.ProjectPath);
        Assert.Equal("App", inputs.AssemblyName);
        Assert.Equal(OutputKind.ConsoleApplication, inputs.OutputKind);
        Assert.Equal("12.0", inputs.LangVersion);
        Assert.Equal("enable", inputs.Nullable);
        Assert.True(inputs.AllowUnsafe);
        Assert.Equal(new[] { "DEBUG", "TRACE" }, inputs.Defines);
        Assert.Equal(2, inputs.Sources.Count);
        Assert.Single(inputs.References);
        Assert.Single(inputs.AnalyzerConfigs);
        Assert.Single(inputs.AdditionalFiles);
    }

    [Fact]
    public void Parse_CrlfAndEmptyValues()
    {
        var inputs = CompileInputs.Parse("project=/p/A.csproj\r\nassembly=\r\nlangversion=\r\nsource=/p/A.cs\r\n", "x");
        Assert.Equal("A", inputs.AssemblyName);
        Assert.Null(inputs.LangVersion);
    }

    [Theory]
    [InlineData("assembly=A\nsource=/a.cs\n", "no 'project=' line")]
    [InlineData("project=/a.csproj\n", "no 'source=' lines")]
    [InlineData("project=/a.csproj\nthis line has no equals\n", "expected key=value")]
    public void Parse_BadInputs_AEGB003(string text, string expected)
    {
        var exception = Assert.Throws<AegisException>(() => CompileInputs.Parse(text, "compile-inputs.txt"));
        Assert.Equal("AEGB003", exception.Code);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RebuildsTheCompilation_WithoutErrors_AndReadsEditorConfig()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        directory.Write(".editorconfig", "root = true\n\n[*.cs]\naegis.AEG003.example_option = yes\ndotnet_diagnostic.CS0168.severity = error\n");
        inputs.AnalyzerConfigs.Add(Path.Combine(directory.Path, ".editorconfig"));
        File.WriteAllText(TestProjects.InputsPath(inputs), inputs.Write());

        var reloaded = CompileInputs.Load(TestProjects.InputsPath(inputs));
        var project = LoadedProject.Load(reloaded);

        Assert.Equal(4, project.Compilation.SyntaxTrees.Count());
        Assert.Empty(project.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var tree = project.Compilation.SyntaxTrees.First();
        Assert.True(project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue("aegis.AEG003.example_option", out var value));
        Assert.Equal("yes", value);
        Assert.Contains("DEBUG", project.ParseOptions.PreprocessorSymbolNames);
    }

    [Fact]
    public void Load_MissingSource_AEGB003()
    {
        var inputs = CompileInputs.Parse("project=/nope/A.csproj\nsource=/nope/A.cs\n", "x");
        Assert.Equal("AEGB003", Assert.Throws<AegisException>(() => LoadedProject.Load(inputs)).Code);
    }

    [Fact]
    public void Write_RoundTrips()
    {
        var inputs = CompileInputs.Parse("project=/p/A.csproj\nassembly=A\noutputkind=Library\nsource=/p/A.cs\ndefine=X\nreference=/r.dll\n", "x");
        var again = CompileInputs.Parse(inputs.Write(), "y");
        Assert.Equal(inputs.Write(), again.Write());
    }

    [Fact]
    public void MsBuildJson_BecomesCompileInputs()
    {
        var json = """
            {"Properties":{"DefineConstants":"TRACE;DEBUG;NET","LangVersion":"14.0","Nullable":"enable","AssemblyName":"web","OutputType":"Exe","AllowUnsafeBlocks":"false"},
             "Items":{"Compile":[{"FullPath":"/w/Program.cs"},{"FullPath":"/w/obj/web.GlobalUsings.g.cs"}],
                      "ReferencePathWithRefAssemblies":[{"FullPath":"/ref/System.Runtime.dll"}],
                      "EditorConfigFiles":[{"FullPath":"/w/obj/web.GeneratedMSBuildEditorConfig.editorconfig"}],
                      "AdditionalFiles":[]}}
            """;
        var inputs = MsBuildInputs.Parse("/w/web.csproj", json);
        Assert.Equal("web", inputs.AssemblyName);
        Assert.Equal(OutputKind.ConsoleApplication, inputs.OutputKind);
        Assert.Equal(new[] { "TRACE", "DEBUG", "NET" }, inputs.Defines);
        Assert.Equal(2, inputs.Sources.Count);
        Assert.Single(inputs.AnalyzerConfigs);
    }
}
