using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Baseline;

/// <summary>
/// Finds the baseline among a project's AdditionalFiles and parses it once per file text. The package passes
/// <c>$(AegisBaseline)</c> with the metadata <c>AegisKind=baseline</c> (build/Aegis.Analyzers.props), so any file name
/// works in a build; a file named <c>.aegis/baseline.json</c> is taken without it (a project that lists it by hand).
/// </summary>
internal static class BaselineFiles
{
    public const string FileName = "baseline.json";

    /// <summary>The item metadata the package sets, as the compiler exposes it to analyzers.</summary>
    public const string KindMetadataKey = "build_metadata.AdditionalFiles.AegisKind";

    public const string KindMetadataValue = "baseline";

    // Parsed once per file text: every project and every editor pass shares it; thread-safe by ConditionalWeakTable.
    private static readonly ConditionalWeakTable<SourceText, BaselineIndex> Parsed = new();

    public static BaselineIndex Find(AnalyzerOptions options, CancellationToken cancellationToken)
        => FindFile(options)?.GetText(cancellationToken) is { } text ? Parsed.GetValue(text, t => BaselineIndex.Parse(t.ToString())) : BaselineIndex.Empty;

    public static AdditionalText? FindFile(AnalyzerOptions options)
    {
        AdditionalText? byName = null;
        foreach (var file in options.AdditionalFiles)
        {
            if (options.AnalyzerConfigOptionsProvider.GetOptions(file).TryGetValue(KindMetadataKey, out var kind)
                && string.Equals(kind, KindMetadataValue, StringComparison.OrdinalIgnoreCase))
            {
                return file;
            }

            var path = file.Path.Replace('\\', '/');
            if (byName is null && (path.EndsWith("/.aegis/" + FileName, StringComparison.OrdinalIgnoreCase) || path.Equals(".aegis/" + FileName, StringComparison.OrdinalIgnoreCase)))
            {
                byName = file;
            }
        }

        return byName;
    }
}
