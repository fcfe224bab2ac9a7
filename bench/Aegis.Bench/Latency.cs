using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Aegis.Analyzers.Profile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Bench;

/// <summary>Per-document time of one Aegis analyzer type.</summary>
/// <remarks>
/// <see cref="MedianMs"/> is the analyzer's own time (the driver's telemetry: time inside its callbacks, what
/// <c>/reportanalyzer</c> reports in a build); <see cref="WallMedianMs"/> is the whole call, which includes the driver
/// binding the document for the operation callbacks, work the IDE shares with the compiler's own diagnostics.
/// </remarks>
internal sealed record RuleLatency(string Analyzer, string Ids, double MedianMs, double MinMs, double MaxMs, double WallMedianMs, double ColdMs, int Diagnostics);

/// <summary>What the latency suite measured.</summary>
internal sealed record LatencyResult(
    string Project,
    int ProjectFiles,
    int DocumentLines,
    int DocumentFiles,
    int Runs,
    IReadOnlyList<RuleLatency> Rules,
    double ProfileMedianMs,
    double ProfileFirstMs,
    double ProfileAfterEditMs,
    IReadOnlyList<string> CompileErrors,
    BaselineSuppressorLatency? Baseline = null)
{
    public RuleLatency? Floor => Rules.FirstOrDefault(r => r.Ids == "BENCH0");

    public IEnumerable<RuleLatency> AegisRules => Rules.Where(r => r.Ids != "BENCH0");
}

/// <summary>
/// The IDE's per-document path, in process: one compilation of a generated project (its sources and the
/// reference assemblies from the build's csc command line), one large document made by merging several of its
/// files, and for each Aegis analyzer type alone
/// <c>CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, ct)</c> on that document.
/// Each run is an edit, as the IDE sees one: the document changes inside a method body (a new syntax tree, every
/// other tree shared), so the compilation, its compilation-start work and its repository profile are new; the
/// edited document's method bodies are bound beforehand, outside the timing (the compiler's own diagnostics bind
/// them in the IDE). The figure is the analyzer's own time from the driver's telemetry.
/// </summary>
internal static class Latency
{
    public static LatencyResult Run(string buildLog, string projectPath, int documentLines, int runs)
    {
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        var assemblyName = Path.GetFileNameWithoutExtension(projectPath);
        var commandLine = FindCommandLine(buildLog, assemblyName);
        var (sources, references, defines, languageVersion, library) = ParseCommandLine(commandLine);

        var parseOptions = new CSharpParseOptions(languageVersion, preprocessorSymbols: defines);
        var files = sources.Select(s => Path.GetFullPath(Path.Combine(projectDirectory, s))).Where(File.Exists).ToList();

        // The document: whole files, ordered by file name (so a module's repository, service and controller sit
        // together), merged until the size is reached; file-scoped namespaces become blocks.
        var candidates = files.Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.EndsWith("Program.cs", StringComparison.Ordinal)
                && !f.EndsWith("Registration.cs", StringComparison.Ordinal) && !f.EndsWith("AppDbContext.cs", StringComparison.Ordinal))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ThenBy(f => f, StringComparer.Ordinal).ToList();
        var merged = new List<string>();
        var lines = 0;
        foreach (var file in candidates)
        {
            if (lines >= documentLines)
            {
                break;
            }

            merged.Add(file);
            lines += File.ReadAllText(file).Count(c => c == '\n');
        }

        var documentText = Merge(merged);
        var documentPath = Path.Combine(projectDirectory, "MergedDocument.cs");
        var document = CSharpSyntaxTree.ParseText(documentText, parseOptions, documentPath, Encoding.UTF8);
        var trees = files.Except(merged, StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, f, Encoding.UTF8))
            .Append(document)
            .ToList();
        var compilation = CSharpCompilation.Create(assemblyName, trees,
            references.Select(r => MetadataReference.CreateFromFile(r)),
            new CSharpCompilationOptions(library ? OutputKind.DynamicallyLinkedLibrary : OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
            .Take(5).Select(d => d.ToString()).ToList();

        var analyzerTypes = typeof(RepositoryProfileBuilder).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !typeof(DiagnosticSuppressor).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        var results = new List<RuleLatency>();
        var edits = 0;
        foreach (var (type, analyzer) in analyzerTypes.Select(t => (t, (DiagnosticAnalyzer)Activator.CreateInstance(t)!)).Prepend((typeof(FloorAnalyzer), new FloorAnalyzer())))
        {
            var ids = string.Join(", ", analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal));
            var cold = Once(Edit(compilation, document, ++edits), analyzer, primeBinding: false);
            var warm = Once(Edit(compilation, document, ++edits), analyzer, primeBinding: true);
            var own = new List<double>();
            var wall = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var run = Once(Edit(compilation, document, ++edits), analyzer, primeBinding: true);
                own.Add(run.OwnMs);
                wall.Add(run.WallMs);
            }

            results.Add(new RuleLatency(type.Name, ids, Median(own), own.Min(), own.Max(), Median(wall), cold.OwnMs, warm.Diagnostics));
        }

        // The repository profile: on a compilation whose trees are all new (a build, or opening the project), and
        // after an edit in a method body (every other tree's facts are reused).
        var noOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
        var profileTimes = new List<double>();
        var afterEditTimes = new List<double>();
        for (var i = 0; i < Math.Max(3, Math.Min(runs, 7)); i++)
        {
            var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)));
            fresh.GetDeclarationDiagnostics();
            var stopwatch = Stopwatch.StartNew();
            RepositoryProfileCache.GetDataAccess(fresh, noOptions, CancellationToken.None);
            RepositoryProfileCache.GetAuthorization(fresh, noOptions, CancellationToken.None);
            profileTimes.Add(stopwatch.Elapsed.TotalMilliseconds);

            // The first edit after opening reads every tree once more (a compilation of all-new trees stores its
            // facts without a declaration key, so a build never hashes declarations); every later edit is the
            // steady state timed here.
            var (firstEdit, editedDocument) = Edit(fresh, fresh.SyntaxTrees.Single(t => t.FilePath == document.FilePath), ++edits);
            RepositoryProfileCache.GetDataAccess(firstEdit, noOptions, CancellationToken.None);
            RepositoryProfileCache.GetAuthorization(firstEdit, noOptions, CancellationToken.None);
            var edited = Edit(firstEdit, editedDocument, ++edits).Compilation;
            edited.GetDeclarationDiagnostics();
            stopwatch.Restart();
            RepositoryProfileCache.GetDataAccess(edited, noOptions, CancellationToken.None);
            RepositoryProfileCache.GetAuthorization(edited, noOptions, CancellationToken.None);
            afterEditTimes.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        // The baseline suppressor's added time on the same path (the rules together, with and without a baseline).
        var baseline = BaselineLatency.Measure(compilation, document, (c, d) => Edit(c, d, ++edits), runs);

        return new LatencyResult(assemblyName, files.Count, documentText.Count(c => c == '\n'), merged.Count, runs, results,
            Median(profileTimes.Skip(1)), profileTimes[0], Median(afterEditTimes), errors, baseline);
    }

    /// <summary>The compilation after typing a comment into the document's first method body: a new tree for the document only.</summary>
    private static (Compilation Compilation, SyntaxTree Document) Edit(Compilation compilation, SyntaxTree document, int edit)
    {
        var body = document.GetRoot().DescendantNodes().OfType<BlockSyntax>().First(b => b.Parent is MethodDeclarationSyntax);
        var text = document.GetText();
        var edited = document.WithChangedText(text.WithChanges(new TextChange(new TextSpan(body.OpenBraceToken.Span.End, 0), " /* edit " + edit.ToString(CultureInfo.InvariantCulture) + " */")));
        return (compilation.ReplaceSyntaxTree(document, edited), edited);
    }

    /// <summary>
    /// Does nothing, but needs what every semantic analyzer needs: the driver's per-document work (the compiler binding
    /// the document to produce its events). Its time is the floor an analyzer's time is read against.
    /// </summary>
    // A measuring stick run in process only, never shipped: the analyzer-project rules do not apply.
#pragma warning disable RS1001, RS1036, RS1041, RS2008
    private sealed class FloorAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("BENCH0", "floor", "floor", "Bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
            // Operation and symbol actions, as the rules use (a semantic-model action would make the driver compute
            // the compiler's full diagnostics for the document, a heavier floor than any rule needs).
            context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
            context.RegisterSymbolAction(_ => { }, SymbolKind.NamedType, SymbolKind.Method);
        }
    }
#pragma warning restore RS1001, RS1036, RS1041, RS2008

    private static (double OwnMs, double WallMs, int Diagnostics) Once((Compilation Compilation, SyntaxTree Document) edited, DiagnosticAnalyzer analyzer, bool primeBinding)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false);
        var withAnalyzers = edited.Compilation.WithAnalyzers([analyzer], options);
        var model = withAnalyzers.Compilation.GetSemanticModel(edited.Document);
        if (primeBinding)
        {
            foreach (var body in edited.Document.GetRoot().DescendantNodes().Where(n => n is BlockSyntax { Parent: MemberDeclarationSyntax or AccessorDeclarationSyntax } or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax))
            {
                model.GetOperation(body);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        var diagnostics = withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, CancellationToken.None).GetAwaiter().GetResult();
        stopwatch.Stop();
        var own = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime;
        return (own.TotalMilliseconds, stopwatch.Elapsed.TotalMilliseconds, diagnostics.Length);
    }

    private static string Merge(IReadOnlyList<string> files)
    {
        var usings = new SortedSet<string>(StringComparer.Ordinal);
        var body = new StringBuilder();
        foreach (var file in files)
        {
            var inNamespace = false;
            foreach (var line in File.ReadAllLines(file))
            {
                if (!inNamespace && line.StartsWith("using ", StringComparison.Ordinal) && line.EndsWith(';'))
                {
                    usings.Add(line);
                }
                else if (!inNamespace && line.StartsWith("namespace ", StringComparison.Ordinal) && line.EndsWith(';'))
                {
                    body.Append(line[..^1]).Append("\n{\n");
                    inNamespace = true;
                }
                else if (inNamespace)
                {
                    body.Append(line).Append('\n');
                }
            }

            if (inNamespace)
            {
                body.Append("}\n\n");
            }
        }

        return string.Join('\n', usings) + "\n\n" + body;
    }

    private static string FindCommandLine(string buildLog, string assemblyName)
    {
        var marker = $"/out:obj/";
        var name = $"/{assemblyName}.dll ";
        foreach (var line in File.ReadLines(buildLog))
        {
            if (line.Contains("/reportanalyzer", StringComparison.Ordinal) || line.Contains("/reference:", StringComparison.Ordinal))
            {
                if (line.Contains(marker, StringComparison.Ordinal) && line.Contains(name, StringComparison.Ordinal) && line.Contains("csc", StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }

        throw new BenchException($"No csc command line for {assemblyName} in {buildLog}");
    }

    private static (List<string> Sources, List<string> References, List<string> Defines, LanguageVersion Version, bool Library) ParseCommandLine(string line)
    {
        var sources = new List<string>();
        var references = new List<string>();
        var defines = new List<string>();
        var version = LanguageVersion.Preview;
        var library = false;
        foreach (var raw in line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Trim('"');
            if (token.StartsWith("/reference:", StringComparison.Ordinal))
            {
                references.Add(token["/reference:".Length..]);
            }
            else if (token.StartsWith("/define:", StringComparison.Ordinal))
            {
                defines.AddRange(token["/define:".Length..].Split(';', StringSplitOptions.RemoveEmptyEntries));
            }
            else if (token.StartsWith("/langversion:", StringComparison.Ordinal))
            {
                if (LanguageVersionFacts.TryParse(token["/langversion:".Length..], out var parsed))
                {
                    version = parsed;
                }
            }
            else if (token == "/target:library")
            {
                library = true;
            }
            else if (!token.StartsWith('/') && token.EndsWith(".cs", StringComparison.Ordinal))
            {
                sources.Add(token);
            }
        }

        return (sources, references, defines, version, library);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0)
        {
            return 0;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static string ToText(LatencyResult r)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Editor latency: {r.Project} ({r.ProjectFiles} files), one document of {r.DocumentLines:N0} lines merged from {r.DocumentFiles} generated files; each run an edit in a method body, then GetAnalyzerSemanticDiagnosticsAsync on the document, one analyzer at a time, median of {r.Runs} runs after a warm-up\n");
        sb.Append(CultureInfo.InvariantCulture, $"{"analyzer",-34}  {"ids",-8}  {"own(ms)",8}  {"min(ms)",8}  {"max(ms)",8}  {"wall(ms)",9}  {"cold(ms)",8}  {"diagnostics",11}\n");
        foreach (var rule in r.Rules)
        {
            var own = rule.Ids == "BENCH0" ? "-" : rule.MedianMs.ToString("0.0", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{rule.Analyzer,-34}  {rule.Ids,-8}  {own,8}  {rule.MinMs,8:0.0}  {rule.MaxMs,8:0.0}  {rule.WallMedianMs,9:0.0}  {rule.ColdMs,8:0.0}  {rule.Diagnostics,11}\n");
        }

        sb.Append("(own = the analyzer's time inside its callbacks, from the driver's telemetry, median; wall = the whole call, including the driver binding the document for operation callbacks — FloorAnalyzer, a do-nothing analyzer, shows that part; cold = own time of the first run, no binding primed)\n");
        sb.Append(CultureInfo.InvariantCulture, $"Repository profile (data access + authorization, the sections the rules read) of {r.Project}: all trees new median {r.ProfileMedianMs:0.0} ms (first {r.ProfileFirstMs:0.0} ms); after an edit in a method body median {r.ProfileAfterEditMs:0.0} ms\n");
        if (r.Baseline is { } b)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Baseline suppressor (goal <= 1 ms per document): the three rules on the document {b.WithoutMs:0.00} ms without a baseline, {b.WithMs:0.00} ms with the suppressor and a baseline holding all {b.Findings} findings ({b.Suppressed} suppressed): added {b.AddedMs:0.00} ms wall, suppressor's own time {b.SuppressorOwnMs:0.000} ms (medians of {b.Runs} runs)\n");
        }

        if (r.CompileErrors.Count > 0)
        {
            sb.Append("Note: the in-process compilation has errors (source generators do not run here), first ones:\n  ")
                .Append(string.Join("\n  ", r.CompileErrors)).Append('\n');
        }

        return sb.ToString();
    }
}
