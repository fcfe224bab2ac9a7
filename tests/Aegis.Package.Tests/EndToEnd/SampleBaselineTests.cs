using System.Collections.Immutable;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 11's baseline, end to end through the packed package on a copy of the sample in its own git repository: the
/// packed engine writes the baseline (<c>aegis snapshot --baseline</c>); a new finding, with lines shifted above the old
/// ones, then fails <c>-p:AegisFailOn=blocked</c> for the new finding only (the card lists the old ones unchanged), the
/// build's warnings show only the new one, the SARIF log keeps every result (the baselined ones suppressed), and the
/// IDE path (the packed analyzers with the baseline as an AdditionalFile, in process) reports only the new one.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SampleBaselineTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string NewFile = "Aegis.Sample/Reports/ReportQueries.cs";

    private const string NewFinding = """
        namespace Aegis.Sample.Reports;

        public static class ReportQueries
        {
            public static void ByCustomer(System.Data.IDbCommand command, string customer)
            {
                command.CommandText = "SELECT * FROM Orders WHERE Customer = '" + customer + "'";
            }
        }
        """;

    private DotNet.RunResult Logged(DotNet.RunResult result)
    {
        output.WriteLine(result.ToString());
        return result;
    }

    [Fact(Timeout = 15 * 60_000)]
    public async Task Baseline_GateFailsOnlyForTheNewFinding_BuildAndIdeShowOnlyIt()
    {
        await Task.Yield();
        var sample = SampleRepository.Create(environment, "sample-baseline");
        Assert.True(Logged(sample.Build("-p:AegisFailOn=never")).ExitCode == 0, "the sample did not build");
        var planted = sample.PlantedFindings();

        // The packed engine writes the baseline, as a team adopting Aegis would.
        var engine = Path.Combine(environment.ExtractEngine("baseline-engine"), "Aegis.Cli.dll");
        var snapshot = Logged(environment.Run(sample.Root, null, engine, "snapshot", SampleRepository.SampleProject, "--baseline"));
        Assert.True(snapshot.ExitCode == 0, "aegis snapshot --baseline failed: " + snapshot);
        var baselinePath = sample.PathOf(".aegis/baseline.json");
        var baselined = JsonDocument.Parse(File.ReadAllText(baselinePath)).RootElement.GetProperty("incidents").GetArrayLength();
        Assert.Equal(planted.Count, baselined);
        sample.Commit("Adopt Aegis: the baseline");

        // Only existing debt: the card is blocked as before, but the gate counts only new incidents and passes.
        var adopted = Logged(sample.Build("-p:AegisFailOn=blocked"));
        Assert.True(adopted.ExitCode == 0, "a build with only baselined incidents failed the gate: " + adopted);
        Assert.DoesNotContain(adopted.WarningCodes, code => code.StartsWith("AEG0", StringComparison.Ordinal));
        var adoptedCard = JsonDocument.Parse(File.ReadAllText(sample.CardJson)).RootElement;
        Assert.Equal("blocked", adoptedCard.GetProperty("status").GetString());
        Assert.All(adoptedCard.GetProperty("incidents").EnumerateArray(), i => Assert.Equal("unchanged", i.GetProperty("baseline_state").GetString()));

        // A new finding, and lines shifted above every old one.
        foreach (var file in planted.Select(p => p.File).Distinct(StringComparer.Ordinal))
        {
            File.WriteAllText(sample.PathOf(file), "// Reviewed in the adoption sprint.\n// (two lines that move every finding below them)\n" + File.ReadAllText(sample.PathOf(file)));
        }

        sample.WriteFile(NewFile, NewFinding);
        var build = Logged(sample.Build("-p:AegisFailOn=blocked", "-p:ErrorLog=build.sarif%2Cversion=2.1"));

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("AEGB004", build.ErrorCodes);
        Assert.Contains("counting only the 1 incident(s) not in baseline", build.Output, StringComparison.Ordinal);
        // The build's warnings: the new finding only.
        var warnings = build.Diagnostics.Where(d => d.Kind == "warning" && d.Code.StartsWith("AEG0", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal("AEG001", warning.Code);
        Assert.Contains("ReportQueries.cs", warning.Line, StringComparison.Ordinal);

        // The card: the new one first, every planted one unchanged.
        var card = JsonDocument.Parse(File.ReadAllText(sample.CardJson)).RootElement;
        var incidents = card.GetProperty("incidents").EnumerateArray().ToList();
        Assert.Equal(NewFile, incidents[0].GetProperty("file").GetString());
        Assert.Equal("new", incidents[0].GetProperty("baseline_state").GetString());
        Assert.Equal(planted.Count, incidents.Skip(1).Count(i => i.GetProperty("baseline_state").GetString() == "unchanged"));
        Assert.Equal(planted.Count + 1, incidents.Count);
        Assert.Equal(1, card.GetProperty("baseline").GetProperty("new").GetInt32());
        Assert.Equal(planted.Count, card.GetProperty("baseline").GetProperty("unchanged").GetInt32());

        // SARIF: every Aegis result is there; the baselined ones suppressed by the suppressor, each with its state.
        var results = JsonNode.Parse(File.ReadAllText(sample.PathOf("Aegis.Sample/build.sarif")))!["runs"]![0]!["results"]!.AsArray()
            .Select(r => r!.AsObject()).Where(r => ((string?)r["ruleId"])?.StartsWith("AEG0", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(planted.Count + 1, results.Count);
        var fresh = Assert.Single(results, r => (string?)r["baselineState"] == "new");
        Assert.Null(fresh["suppressions"]);
        Assert.All(results.Where(r => r != fresh), r =>
        {
            Assert.Equal("unchanged", (string?)r["baselineState"]);
            Assert.Equal("inSource", (string?)r["suppressions"]![0]!["kind"]);
            Assert.Contains("AEGS00", (string?)r["suppressions"]![0]!["properties"]!["suppressionType"], StringComparison.Ordinal);
        });

        // The IDE path: the packed analyzers and suppressor over the build's own compile inputs, the baseline among them.
        var reported = await IdeDiagnosticsAsync(sample);
        var unsuppressed = reported.Where(d => !d.IsSuppressed).ToList();
        var only = Assert.Single(unsuppressed);
        Assert.Equal("AEG001", only.Id);
        Assert.EndsWith("ReportQueries.cs", only.Location.SourceTree!.FilePath, StringComparison.Ordinal);
        Assert.Equal(planted.Count, reported.Count(d => d.IsSuppressed));
    }

    /// <summary>What an editor computes: every packed analyzer (and the suppressor) over the compilation the build had.</summary>
    private static async Task<IReadOnlyList<Diagnostic>> IdeDiagnosticsAsync(SampleRepository sample)
    {
        var inputs = File.ReadAllLines(sample.PathOf("Aegis.Sample/obj/Debug/net10.0/aegis/compile-inputs.txt"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToLookup(p => p[0], p => p[1]);
        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: inputs["define"]);
        var trees = inputs["source"].Select(path => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(path), System.Text.Encoding.UTF8), parse, path)).ToList();
        var compilation = CSharpCompilation.Create("Aegis.Sample", trees, inputs["reference"].Select(r => MetadataReference.CreateFromFile(r)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var additional = inputs["additionalfile"].Select(path => (AdditionalText)new FileText(path)).ToImmutableArray();
        // The .editorconfig files the compiler had, the generated one included (it carries AegisKind=baseline).
        var configs = AnalyzerConfigSet.Create(inputs["analyzerconfig"].Select(p => AnalyzerConfig.Parse(SourceText.From(File.ReadAllText(p)), p)).ToImmutableArray());
        Assert.Contains(additional, a => a.Path.EndsWith("/.aegis/baseline.json", StringComparison.Ordinal));

        var directory = Directory.CreateTempSubdirectory("aegis-ide-").FullName;
        var context = new AssemblyLoadContext("packed-analyzers-ide", isCollectible: true);
        try
        {
            var path = Path.Combine(directory, "Aegis.Analyzers.dll");
            File.WriteAllBytes(path, PackageUnderTest.ReadBytes("analyzers/dotnet/cs/Aegis.Analyzers.dll"));
            var analyzers = context.LoadFromAssemblyPath(path).GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .ToImmutableArray();
            Assert.Contains(analyzers, a => a is DiagnosticSuppressor);
            var analysis = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions(additional, new ConfigOptions(configs)), null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true));
            var diagnostics = await analysis.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return diagnostics.Where(d => d.Id.StartsWith("AEG0", StringComparison.Ordinal) && d.Severity != DiagnosticSeverity.Hidden).ToList();
        }
        finally
        {
            context.Unload();
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class ConfigOptions(AnalyzerConfigSet configs) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => new Options(configs.GlobalConfigOptions.AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(configs.GetOptionsForSourcePath(tree.FilePath).AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(configs.GetOptionsForSourcePath(textFile.Path).AnalyzerOptions);

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path), System.Text.Encoding.UTF8);
    }
}
