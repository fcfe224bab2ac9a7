using System.Collections.Immutable;
using System.Text;
using Aegis.Engine.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Engine.Compilation;

/// <summary>A project rebuilt in memory from its compile inputs: compilation, analyzer options and the texts behind them.</summary>
public sealed class LoadedProject
{
    private LoadedProject(CompileInputs inputs, CSharpCompilation compilation, CSharpParseOptions parseOptions, AnalyzerOptions analyzerOptions, ImmutableArray<(string Path, SourceText Text)> analyzerConfigs)
    {
        Inputs = inputs;
        Compilation = compilation;
        ParseOptions = parseOptions;
        AnalyzerOptions = analyzerOptions;
        AnalyzerConfigs = analyzerConfigs;
    }

    public CompileInputs Inputs { get; }

    public CSharpCompilation Compilation { get; }

    public CSharpParseOptions ParseOptions { get; }

    public AnalyzerOptions AnalyzerOptions { get; }

    public ImmutableArray<(string Path, SourceText Text)> AnalyzerConfigs { get; }

    /// <summary>The compiler's errors, once an analysis pass has computed them (the file sandbox's baseline).</summary>
    public ImmutableArray<Diagnostic>? CompilerErrors { get; internal set; }

    public static LoadedProject Load(CompileInputs inputs, CancellationToken cancellationToken = default)
        => Load(inputs, MetadataReferenceFromFile, cancellationToken);

    /// <summary>As <see cref="Load(CompileInputs, CancellationToken)"/>, with the references made by
    /// <paramref name="referenceFromFile"/> (the warm server hands out the ones it already read).</summary>
    internal static LoadedProject Load(CompileInputs inputs, Func<string, MetadataReference> referenceFromFile, CancellationToken cancellationToken)
    {
        var languageVersion = LanguageVersion.Default;
        if (inputs.LangVersion is { } lang && !LanguageVersionFacts.TryParse(lang, out languageVersion))
        {
            languageVersion = LanguageVersion.Default;
        }

        var parseOptions = new CSharpParseOptions(languageVersion, DocumentationMode.Parse, SourceCodeKind.Regular, inputs.Defines);
        var trees = new List<SyntaxTree>();
        foreach (var source in inputs.Sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(source))
            {
                throw new AegisException(ErrorCodes.BadCompileInputs, $"source file not found: {source}");
            }

            var text = ReadText(source);
            trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, source, cancellationToken));
        }

        var references = new List<MetadataReference>();
        foreach (var reference in inputs.References)
        {
            if (!File.Exists(reference))
            {
                throw new AegisException(ErrorCodes.BadCompileInputs, $"reference not found: {reference}");
            }

            references.Add(referenceFromFile(reference));
        }

        var configs = new List<(string, SourceText)>();
        foreach (var configPath in inputs.AnalyzerConfigs)
        {
            if (File.Exists(configPath))
            {
                configs.Add((configPath, ReadText(configPath)));
            }
        }

        var additional = inputs.AdditionalFiles
            .Where(File.Exists)
            .Select(path => (AdditionalText)new FileAdditionalText(path, ReadText(path)))
            .ToImmutableArray();
        return Create(inputs, parseOptions, trees, references, configs, additional);
    }

    private static MetadataReference MetadataReferenceFromFile(string path) => MetadataReference.CreateFromFile(path);

    /// <summary>The project <paramref name="previous"/> was, for new inputs that differ in source texts only (the warm
    /// server's reuse: same options, references, configs and additional files).</summary>
    internal static LoadedProject Reuse(LoadedProject previous, CompileInputs inputs, CSharpCompilation compilation)
        => new(inputs, compilation, previous.ParseOptions, previous.AnalyzerOptions, previous.AnalyzerConfigs);

    /// <summary>The same project with some documents' text replaced (the file sandbox).</summary>
    public LoadedProject WithDocuments(IReadOnlyDictionary<string, string> replacements, CancellationToken cancellationToken = default)
    {
        var compilation = Compilation;
        foreach (var tree in Compilation.SyntaxTrees)
        {
            if (replacements.TryGetValue(tree.FilePath, out var text))
            {
                var replacement = CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8), ParseOptions, tree.FilePath, cancellationToken);
                compilation = compilation.ReplaceSyntaxTree(tree, replacement);
            }
        }

        return new LoadedProject(Inputs, compilation, ParseOptions, AnalyzerOptions, AnalyzerConfigs);
    }

    /// <summary>The same project with one document's text replaced, or added when the project has no such document yet
    /// (a new file the proposal creates).</summary>
    public LoadedProject WithDocument(string path, string text, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var replacement = CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8), ParseOptions, full, cancellationToken);
        var existing = Compilation.SyntaxTrees.FirstOrDefault(t => string.Equals(Path.GetFullPath(t.FilePath), full, StringComparison.Ordinal));
        var compilation = existing is null ? Compilation.AddSyntaxTrees(replacement) : Compilation.ReplaceSyntaxTree(existing, replacement.WithFilePath(existing.FilePath));
        return new LoadedProject(Inputs, compilation, ParseOptions, AnalyzerOptions, AnalyzerConfigs);
    }

    internal static LoadedProject Create(
        CompileInputs inputs,
        CSharpParseOptions parseOptions,
        IEnumerable<SyntaxTree> trees,
        IEnumerable<MetadataReference> references,
        IReadOnlyList<(string Path, SourceText Text)> configs,
        ImmutableArray<AdditionalText> additionalFiles)
    {
        var parsedConfigs = configs.Select(c => AnalyzerConfig.Parse(c.Text, c.Path)).ToImmutableArray();
        var set = AnalyzerConfigSet.Create(parsedConfigs, out _);
        var optionsProvider = new ConfigOptionsProvider(set);
        var nullable = (inputs.Nullable ?? "").ToLowerInvariant() switch
        {
            "enable" => NullableContextOptions.Enable,
            "warnings" => NullableContextOptions.Warnings,
            "annotations" => NullableContextOptions.Annotations,
            _ => NullableContextOptions.Disable,
        };
        var options = new CSharpCompilationOptions(
                inputs.OutputKind,
                nullableContextOptions: nullable,
                allowUnsafe: inputs.AllowUnsafe,
                concurrentBuild: true,
                deterministic: true)
            .WithSyntaxTreeOptionsProvider(new ConfigSyntaxTreeOptionsProvider(optionsProvider, set))
            .WithSpecificDiagnosticOptions(set.GlobalConfigOptions.TreeOptions);
        var compilation = CSharpCompilation.Create(inputs.AssemblyName, trees, references, options);
        var analyzerOptions = new AnalyzerOptions(additionalFiles, optionsProvider);
        return new LoadedProject(inputs, compilation, parseOptions, analyzerOptions, configs.ToImmutableArray());
    }

    internal static SourceText ReadText(string path)
    {
        using var stream = File.OpenRead(path);
        return SourceText.From(stream, Encoding.UTF8, SourceHashAlgorithm.Sha256, throwIfBinaryDetected: false, canBeEmbedded: false);
    }
}
