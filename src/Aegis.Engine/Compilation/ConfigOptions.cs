using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Engine.Compilation;

/// <summary>Analyzer options from .editorconfig/.globalconfig files, resolved the way the compiler resolves them.</summary>
internal sealed class ConfigOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly AnalyzerConfigSet set;
    private readonly Dictionary<string, AnalyzerConfigOptionsResult> cache = new(StringComparer.Ordinal);

    public ConfigOptionsProvider(AnalyzerConfigSet set)
    {
        this.set = set;
        GlobalOptions = new DictionaryConfigOptions(set.GlobalConfigOptions.AnalyzerOptions);
    }

    public override AnalyzerConfigOptions GlobalOptions { get; }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new DictionaryConfigOptions(ResultFor(tree.FilePath).AnalyzerOptions);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new DictionaryConfigOptions(ResultFor(textFile.Path).AnalyzerOptions);

    internal AnalyzerConfigOptionsResult ResultFor(string path)
    {
        lock (cache)
        {
            if (!cache.TryGetValue(path, out var result))
            {
                result = set.GetOptionsForSourcePath(path);
                cache[path] = result;
            }

            return result;
        }
    }
}

internal sealed class DictionaryConfigOptions : AnalyzerConfigOptions
{
    private readonly ImmutableDictionary<string, string> values;

    public DictionaryConfigOptions(ImmutableDictionary<string, string> values) => this.values = values;

    public override IEnumerable<string> Keys => values.Keys;

    public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
}

/// <summary>Per-tree severities (<c>dotnet_diagnostic.X.severity</c>) and <c>generated_code</c>, as the compiler applies them.</summary>
internal sealed class ConfigSyntaxTreeOptionsProvider : SyntaxTreeOptionsProvider
{
    private readonly ConfigOptionsProvider options;
    private readonly AnalyzerConfigSet set;

    public ConfigSyntaxTreeOptionsProvider(ConfigOptionsProvider options, AnalyzerConfigSet set)
    {
        this.options = options;
        this.set = set;
    }

    public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var result = options.ResultFor(tree.FilePath);
        if (result.AnalyzerOptions.TryGetValue("generated_code", out var value))
        {
            return string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? GeneratedKind.MarkedGenerated : GeneratedKind.NotGenerated;
        }

        return GeneratedKind.Unknown;
    }

    public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        => options.ResultFor(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

    public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        => set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
}

/// <summary>An AdditionalFile read from disk (or given as text by the sandbox).</summary>
internal sealed class FileAdditionalText : AdditionalText
{
    private readonly Microsoft.CodeAnalysis.Text.SourceText? text;

    public FileAdditionalText(string path, Microsoft.CodeAnalysis.Text.SourceText? text)
    {
        Path = path;
        this.text = text;
    }

    public override string Path { get; }

    public override Microsoft.CodeAnalysis.Text.SourceText? GetText(CancellationToken cancellationToken = default) => text;
}
