using System.Globalization;
using System.Text.RegularExpressions;

namespace Aegis.Bench;

/// <summary>Time the compiler reports for one analyzer type (one line of the /reportanalyzer table).</summary>
internal sealed record AnalyzerTime(string Assembly, string Analyzer, string Ids, double Seconds);

/// <summary>The figures one build log yields.</summary>
internal sealed record BuildFigures(
    double CompileSeconds,
    double? TotalAnalyzerSeconds,
    double? TotalGeneratorSeconds,
    IReadOnlyDictionary<string, double> AssemblySeconds,
    IReadOnlyList<AnalyzerTime> Analyzers,
    string? CompilerVersion);

/// <summary>
/// Reads a detailed MSBuild file log (<c>-flp:v=detailed;PerformanceSummary</c>) of a build with
/// <c>-p:ReportAnalyzer=true</c>. The compiler (csc /reportanalyzer) prints, inside the Csc task's output:
/// <code>
/// Total analyzer execution time: 0.332 seconds.
///
/// Time (s)    %   Analyzer
///    0.113   33   Microsoft.CodeAnalysis.NetAnalyzers, Version=10.0.401.0, ...     ← assembly line
///    0.019    5      Microsoft.NetCore.Analyzers....PlatformCompatibilityAnalyzer (CA1416, CA1422)   ← analyzer line
/// ...
/// Total generator execution time: 1.209 seconds.
/// </code>
/// Times below a millisecond are printed as <c>&lt;0.001</c> and count as zero. The Csc task's duration comes
/// from the "Task Performance Summary" the PerformanceSummary parameter appends to the log.
/// </summary>
internal static partial class BuildLogParser
{
    [GeneratedRegex(@"Total analyzer execution time:\s*([0-9]+[.,][0-9]+) seconds")]
    private static partial Regex TotalAnalyzerRegex();

    [GeneratedRegex(@"Total generator execution time:\s*([0-9]+[.,][0-9]+) seconds")]
    private static partial Regex TotalGeneratorRegex();

    [GeneratedRegex(@"^\s*(<?[0-9]+[.,][0-9]+)\s+(<?[0-9]+)\s+(\S.*?)\s*$")]
    private static partial Regex TimeLineRegex();

    [GeneratedRegex(@"^(?<name>.*?)\s*\((?<ids>[A-Za-z]+[0-9]+(?:,\s*[A-Za-z]+[0-9]+)*)\)$")]
    private static partial Regex AnalyzerNameRegex();

    [GeneratedRegex(@"^\s*([0-9]+) ms\s+Csc\s+([0-9]+) calls")]
    private static partial Regex CscTaskRegex();

    [GeneratedRegex(@"Visual C# Compiler version (\S+)")]
    private static partial Regex CompilerVersionRegex();

    public static BuildFigures Parse(string logPath)
    {
        var lines = File.ReadAllLines(logPath);
        double? compileMs = null;
        double? totalAnalyzers = null;
        double? totalGenerators = null;
        string? compilerVersion = null;
        var assemblies = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var analyzers = new List<AnalyzerTime>();
        var inAnalyzerTable = false;
        var inTaskSummary = false;
        string? currentAssembly = null;

        foreach (var line in lines)
        {
            if (compilerVersion is null && CompilerVersionRegex().Match(line) is { Success: true } version)
            {
                compilerVersion = version.Groups[1].Value;
            }

            if (TotalAnalyzerRegex().Match(line) is { Success: true } total)
            {
                // One compilation per build here; a second Csc (e.g. a referenced project) adds up.
                totalAnalyzers = (totalAnalyzers ?? 0) + Number(total.Groups[1].Value);
                inAnalyzerTable = true;
                currentAssembly = null;
                continue;
            }

            if (TotalGeneratorRegex().Match(line) is { Success: true } generators)
            {
                totalGenerators = (totalGenerators ?? 0) + Number(generators.Groups[1].Value);
                inAnalyzerTable = false;
                continue;
            }

            if (inAnalyzerTable)
            {
                if (line.Contains("Done executing task", StringComparison.Ordinal) || line.Contains("diagnostic suppressors", StringComparison.Ordinal))
                {
                    inAnalyzerTable = false;
                    continue;
                }

                if (TimeLineRegex().Match(line) is { Success: true } row)
                {
                    var seconds = Number(row.Groups[1].Value);
                    var name = row.Groups[3].Value;
                    var comma = name.IndexOf(", Version=", StringComparison.Ordinal);
                    if (comma >= 0)
                    {
                        currentAssembly = name[..comma];
                        assemblies[currentAssembly] = assemblies.GetValueOrDefault(currentAssembly) + seconds;
                    }
                    else if (currentAssembly is not null)
                    {
                        var named = AnalyzerNameRegex().Match(name);
                        analyzers.Add(named.Success
                            ? new AnalyzerTime(currentAssembly, named.Groups["name"].Value, named.Groups["ids"].Value, seconds)
                            : new AnalyzerTime(currentAssembly, name, string.Empty, seconds));
                    }
                }

                continue;
            }

            if (line.Contains("Task Performance Summary:", StringComparison.Ordinal))
            {
                inTaskSummary = true;
                continue;
            }

            if (inTaskSummary && CscTaskRegex().Match(line) is { Success: true } csc)
            {
                compileMs = double.Parse(csc.Groups[1].Value, CultureInfo.InvariantCulture);
                inTaskSummary = false;
            }
        }

        if (compileMs is null)
        {
            throw new BenchException($"No Csc task time in {logPath}: was CoreCompile skipped, or PerformanceSummary missing from -flp?");
        }

        return new BuildFigures(compileMs.Value / 1000.0, totalAnalyzers, totalGenerators, assemblies, analyzers, compilerVersion);
    }

    private static double Number(string text) =>
        text.StartsWith('<') ? 0.0 : double.Parse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture);
}
