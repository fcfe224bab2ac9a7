using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aegis.Bench.Generator;

namespace Aegis.Bench;

/// <summary>Figures of one timed build.</summary>
internal sealed record RunFigures(
    double WallSeconds,
    double CompileSeconds,
    double AllAnalyzersSeconds,
    double AegisSeconds,
    double OwnSeconds,
    IReadOnlyList<AnalyzerTime> AegisAnalyzers,
    IReadOnlyDictionary<string, int> Diagnostics,
    string? CompilerVersion,
    string Log,
    IReadOnlyList<AnalyzerTime>? CoveringAnalyzers = null);

/// <summary>Time of one Aegis analyzer type (median over runs).</summary>
internal sealed record RuleTime(string Ids, string Analyzer, double Seconds);

/// <summary>Medians over the runs of one target and configuration.</summary>
internal sealed record Measurement(
    string Target,
    string Configuration,
    int Runs,
    double WallSeconds,
    double CompileSeconds,
    double AllAnalyzersSeconds,
    double AegisSeconds,
    double OwnSeconds,
    IReadOnlyList<RuleTime> PerRule,
    IReadOnlyDictionary<string, int> Diagnostics,
    bool DiagnosticsStable,
    string? CompilerVersion,
    IReadOnlyList<RunFigures> Raw,
    IReadOnlyList<RuleTime>? Covering = null)
{
    /// <summary>The NetAnalyzers rules covering Aegis's families (CA2100, CA3001, CA5390) in this build, median per analyzer type.</summary>
    public IReadOnlyList<RuleTime> CoveringRules => Covering ?? [];

    public double AegisRulesSeconds => PerRule.Sum(r => r.Seconds);

    public double CoveringSeconds => CoveringRules.Sum(r => r.Seconds);

    public double AegisShareOfCompile => CompileSeconds > 0 ? AegisSeconds / CompileSeconds : 0;

    public double OwnShareOfCompile => CompileSeconds > 0 ? OwnSeconds / CompileSeconds : 0;

    public static Measurement From(string target, string configuration, List<RunFigures> runs)
    {
        var rules = PerType(runs, r => r.AegisAnalyzers);
        var covering = PerType(runs, r => r.CoveringAnalyzers ?? []);
        var first = runs[0].Diagnostics;
        var stable = runs.All(r => r.Diagnostics.Count == first.Count && r.Diagnostics.All(d => first.TryGetValue(d.Key, out var n) && n == d.Value));
        return new Measurement(target, configuration, runs.Count,
            Median(runs.Select(r => r.WallSeconds)),
            Median(runs.Select(r => r.CompileSeconds)),
            Median(runs.Select(r => r.AllAnalyzersSeconds)),
            Median(runs.Select(r => r.AegisSeconds)),
            Median(runs.Select(r => r.OwnSeconds)),
            rules, first, stable, runs[0].CompilerVersion, runs, covering);
    }

    /// <summary>Per analyzer type: its time summed over the build's compilations, median over the runs.</summary>
    private static List<RuleTime> PerType(List<RunFigures> runs, Func<RunFigures, IReadOnlyList<AnalyzerTime>> select)
        => runs.SelectMany(select)
            .GroupBy(a => (a.Ids, Analyzer: ShortName(a.Analyzer)))
            .Select(g => new RuleTime(g.Key.Ids, g.Key.Analyzer,
                Median(runs.Select(r => select(r).Where(a => a.Ids == g.Key.Ids && ShortName(a.Analyzer) == g.Key.Analyzer).Sum(a => a.Seconds)))))
            .OrderBy(r => r.Ids, StringComparer.Ordinal).ThenBy(r => r.Analyzer, StringComparer.Ordinal)
            .ToList();

    private static string ShortName(string analyzer)
    {
        var dot = analyzer.LastIndexOf('.');
        return dot >= 0 ? analyzer[(dot + 1)..] : analyzer;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0)
        {
            return 0;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>Renders the figures as the console table and as JSON.</summary>
internal sealed class BenchReport(Machine machine, BenchOptions options, GeneratedProject generated, IReadOnlyList<Measurement> measurements, IReadOnlyList<string> notes, object? latency = null, object? engine = null, GeneratedProject? small = null)
{
    private static readonly (string Id, string Family)[] Rules = [("AEG001", "SQL"), ("AEG002", "SECRET"), ("AEG003", "AUTH")];

    public string ToText()
    {
        var sb = new StringBuilder();
        var compiler = measurements.Select(m => m.CompilerVersion).FirstOrDefault(v => v is not null) ?? "unknown";
        Line(sb, $"Machine: {machine.Cores} cores, {machine.Os}, .NET SDK {machine.Sdk}, C# compiler {compiler}, load average at start {machine.Load}");
        Line(sb, $"Generated: seed {options.Seed}, {generated.Lines:N0} lines (asked {options.Lines:N0}) in {generated.Files} files, {generated.Projects} projects, {generated.Modules} modules, finding rate {options.FindingRate:0.00}; {options.Runs} run(s) each, median; configuration {options.Configuration}");
        if (small is not null)
        {
            var sizes = string.Join(", ", small.Parts.Select(p => p.Lines.ToString("N0", CultureInfo.InvariantCulture)));
            Line(sb, $"Small-projects target: {small.Lines:N0} lines in {small.Files} files, {small.Projects} projects (lines each: {sizes})");
        }

        foreach (var note in notes)
        {
            Line(sb, $"Note: {note}");
        }

        sb.Append('\n');
        Line(sb, $"{"target",-10}  {"config",-16}  {"build(s)",8}  {"compile(s)",10}  {"all-analyzers(s)",16}  {"own(s)",8}  {"own/compile",11}  {"own/aegis",9}");
        foreach (var m in measurements)
        {
            var aegis = measurements.FirstOrDefault(a => a.Target == m.Target && a.Configuration == "aegis");
            var ratio = m.Configuration is "baseline" or "aegis" || aegis is null ? "-"
                : aegis.OwnSeconds > 0 ? (m.OwnSeconds / aegis.OwnSeconds).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "inf";
            Line(sb, $"{m.Target,-10}  {m.Configuration,-16}  {m.WallSeconds,8:0.00}  {m.CompileSeconds,10:0.00}  {m.AllAnalyzersSeconds,16:0.000}  {m.OwnSeconds,8:0.000}  {m.OwnShareOfCompile,11:0.0%}  {ratio,9}");
        }

        Line(sb, $"(own = the configuration's own analyzer assemblies in the /reportanalyzer table; own/aegis = peer's own time / Aegis's own time, same run)");

        foreach (var m in measurements.Where(m => m.Configuration is "netanalyzers" or "sidebyside" && m.CoveringRules.Count > 0))
        {
            sb.Append('\n');
            var covering = string.Join(", ", m.CoveringRules.Select(r => FormattableString.Invariant($"{r.Ids} {r.Analyzer} {r.Seconds:0.000} s")));
            Line(sb, $"Covering rules ({m.Configuration}, {m.Target}): {covering}; together {m.CoveringSeconds:0.000} s");
            if (m.Configuration == "sidebyside")
            {
                // One build, one compiler process per project: both sides under the same load.
                Line(sb, $"Same build ({m.Target}): Aegis's three rules {m.AegisRulesSeconds:0.000} s vs CA2100+CA3001+CA5390 {m.CoveringSeconds:0.000} s = {Ratio(m.AegisRulesSeconds, m.CoveringSeconds)}");
            }
            else if (measurements.FirstOrDefault(a => a.Target == m.Target && a.Configuration == "aegis") is { } aegis)
            {
                Line(sb, $"Same run ({m.Target}): Aegis's three rules {aegis.AegisRulesSeconds:0.000} s (aegis build) vs CA2100+CA3001+CA5390 {m.CoveringSeconds:0.000} s ({m.Configuration} build) = {Ratio(aegis.AegisRulesSeconds, m.CoveringSeconds)}");
            }
        }

        foreach (var m in measurements.Where(m => m.Configuration is "aegis" or "sidebyside"))
        {
            sb.Append('\n');
            var rules = m.PerRule.Count == 0
                ? "no Aegis analyzer reported (none registered, or the analyzer did not load)"
                : string.Join(", ", m.PerRule.Select(r => FormattableString.Invariant($"{r.Ids} {r.Analyzer} {r.Seconds:0.000} s")));
            Line(sb, $"Per rule ({m.Configuration}, {m.Target}): {rules}");
            var counts = string.Join(", ", Rules.Select(r => WithLevels(m.Diagnostics, r.Id)));
            var other = m.Diagnostics.Where(d => Rules.All(r => r.Id != d.Key) && !d.Key.Contains(SarifCounter.LevelSeparator))
                .Select(d => WithLevels(m.Diagnostics, d.Key));
            counts = string.Join(", ", new[] { counts }.Concat(other));
            Line(sb, $"Diagnostics ({m.Configuration}, {m.Target}): {counts}{(m.DiagnosticsStable ? string.Empty : " (differed between runs!)")}");
            if (m.Target == "generated" && m.Configuration == "aegis")
            {
                var p = generated.Planted;
                Line(sb, $"Planted  (generated): AEG001 {p.Sql}, AEG002 {p.Secrets}, AEG003 {p.UnauthorizedControllers + p.UnauthorizedMinimalEndpoints} ({p.UnauthorizedControllers} controllers with {p.UnauthorizedActions} actions, {p.UnauthorizedMinimalEndpoints} minimal endpoints); {(double)(p.Sql + p.Secrets + p.UnauthorizedControllers + p.UnauthorizedMinimalEndpoints) / generated.Lines:0.00%} of lines");
                Line(sb, $"Safe look-alikes (generated): SQL {p.SafeSqlLookAlikes}, secret slots {p.SafeSecretLookAlikes}, authorized or public endpoints {p.SafeEndpoints}");
            }
        }

        var baselineLeaks = measurements.Where(m => m.Configuration == "baseline" && m.Diagnostics.Count > 0).ToList();
        foreach (var m in baselineLeaks)
        {
            Line(sb, $"Warning: the baseline of {m.Target} reported AEG diagnostics; the analyzer was not removed.");
        }

        return sb.ToString();
    }

    public string ToJson()
    {
        var document = new
        {
            schema = "aegis.bench/v1",
            machine = new { cores = machine.Cores, os = machine.Os, sdk = machine.Sdk, load = machine.Load },
            compiler = measurements.Select(m => m.CompilerVersion).FirstOrDefault(v => v is not null),
            options = new { seed = options.Seed, lines = options.Lines, runs = options.Runs, findingRate = options.FindingRate, configuration = options.Configuration },
            generated = new { lines = generated.Lines, files = generated.Files, projects = generated.Projects, modules = generated.Modules, planted = generated.Planted },
            small = small is null ? null : new { lines = small.Lines, files = small.Files, projects = small.Projects, modules = small.Modules },
            latency,
            engine,
            notes,
            results = measurements.Select(m => new
            {
                target = m.Target,
                configuration = m.Configuration,
                runs = m.Runs,
                median = new
                {
                    buildSeconds = Math.Round(m.WallSeconds, 3),
                    compileSeconds = m.CompileSeconds,
                    allAnalyzersSeconds = m.AllAnalyzersSeconds,
                    aegisSeconds = m.AegisSeconds,
                    ownSeconds = m.OwnSeconds,
                    aegisShareOfCompile = Math.Round(m.AegisShareOfCompile, 5),
                },
                perRule = m.PerRule.Select(r => new { ids = r.Ids, analyzer = r.Analyzer, seconds = r.Seconds }),
                coveringRules = m.CoveringRules.Select(r => new { ids = r.Ids, analyzer = r.Analyzer, seconds = r.Seconds }),
                diagnostics = new SortedDictionary<string, int>(m.Diagnostics.ToDictionary(d => d.Key, d => d.Value), StringComparer.Ordinal),
                diagnosticsStable = m.DiagnosticsStable,
                raw = m.Raw.Select(r => new
                {
                    buildSeconds = Math.Round(r.WallSeconds, 3),
                    compileSeconds = r.CompileSeconds,
                    allAnalyzersSeconds = r.AllAnalyzersSeconds,
                    aegisSeconds = r.AegisSeconds,
                    log = r.Log,
                }),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        }).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    /// <summary>Aegis's time as a share of the covering rules' ("0.62x of the covering rules").</summary>
    private static string Ratio(double aegis, double covering)
        => covering > 0 ? (aegis / covering).ToString("0.00", CultureInfo.InvariantCulture) + "x of the covering rules" : "covering rules took no measurable time";

    /// <summary>"AEG001 294 (warning 290, note 4)": the count and its split by SARIF level (note = the low band).</summary>
    private static string WithLevels(IReadOnlyDictionary<string, int> counts, string id)
    {
        var levels = SarifCounter.Levels(counts, id);
        return levels.Length == 0 ? $"{id} {counts.GetValueOrDefault(id)}" : $"{id} {counts.GetValueOrDefault(id)} ({levels})";
    }

    private static void Line(StringBuilder sb, FormattableString text) =>
        sb.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
