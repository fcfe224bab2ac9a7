using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Options;

/// <summary>
/// One typed option read from <c>.editorconfig</c>/<c>.globalconfig</c>. Keys are looked up most specific first:
/// <c>aegis.AEG001.name</c>, then <c>aegis.sql.name</c>, then <c>aegis.name</c>. A value that does not parse falls
/// back to <see cref="DefaultValue"/> (documented in docs/configuration.md).
/// </summary>
public sealed class AegisOption<T>
{
    private readonly TryParse parser;

    public delegate bool TryParse(string text, out T value);

    public AegisOption(string name, T defaultValue, TryParse parser, string description)
    {
        Name = name;
        DefaultValue = defaultValue;
        this.parser = parser;
        Description = description;
    }

    /// <summary>The snake_case name, without prefix.</summary>
    public string Name { get; }

    public T DefaultValue { get; }

    public string Description { get; }

    /// <summary>Reads the option for one rule from the options of the tree being analysed.</summary>
    public T GetValue(AnalyzerConfigOptions options, string ruleId)
    {
        var family = DiagnosticRules.FamilyOf(ruleId).OptionSegment();
        foreach (var key in new[] { "aegis." + ruleId + "." + Name, "aegis." + family + "." + Name, "aegis." + Name })
        {
            if (options.TryGetValue(key, out var text))
            {
                return parser(text.Trim(), out var value) ? value : DefaultValue;
            }
        }

        return DefaultValue;
    }

    /// <summary>Reads the option for the tree, falling back to the global configuration.</summary>
    public T GetValue(AnalyzerOptions options, SyntaxTree tree, string ruleId)
    {
        var provider = options.AnalyzerConfigOptionsProvider;
        return GetValue(new LayeredOptions(provider.GetOptions(tree), provider.GlobalOptions), ruleId);
    }

    /// <summary>Tree options shadow global ones, as the compiler itself layers them.</summary>
    private sealed class LayeredOptions : AnalyzerConfigOptions
    {
        private readonly AnalyzerConfigOptions tree;
        private readonly AnalyzerConfigOptions global;

        public LayeredOptions(AnalyzerConfigOptions tree, AnalyzerConfigOptions global)
        {
            this.tree = tree;
            this.global = global;
        }

        public override bool TryGetValue(string key, out string value)
            => tree.TryGetValue(key, out value!) || global.TryGetValue(key, out value!);
    }
}

/// <summary>Invariant-culture parsers for option values.</summary>
public static class OptionParsers
{
    public static bool Double(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);

    public static bool Int(string text, out int value)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public static bool Bool(string text, out bool value)
        => bool.TryParse(text, out value);

    /// <summary>The severities .editorconfig uses for <c>dotnet_diagnostic.*.severity</c>.</summary>
    public static bool Severity(string text, out ReportedSeverity value)
    {
        switch (text.ToLowerInvariant())
        {
            case "error": value = ReportedSeverity.Error; return true;
            case "warning": value = ReportedSeverity.Warning; return true;
            case "suggestion": case "info": value = ReportedSeverity.Suggestion; return true;
            case "silent": case "hidden": case "refactoring": value = ReportedSeverity.Silent; return true;
            case "none": value = ReportedSeverity.None; return true;
            default: value = default; return false;
        }
    }

    /// <summary>A <c>|</c>-separated list of names, trimmed, empty entries dropped.</summary>
    public static bool NameList(string text, out IReadOnlyList<string> value)
    {
        value = text.Split('|').Select(part => part.Trim()).Where(part => part.Length > 0).ToArray();
        return true;
    }
}

/// <summary>A severity as .editorconfig names it, including <c>none</c> (not reported).</summary>
public enum ReportedSeverity
{
    None,
    Silent,
    Suggestion,
    Warning,
    Error,
}

public static class ReportedSeverityExtensions
{
    public static DiagnosticSeverity? ToDiagnosticSeverity(this ReportedSeverity severity) => severity switch
    {
        ReportedSeverity.Error => DiagnosticSeverity.Error,
        ReportedSeverity.Warning => DiagnosticSeverity.Warning,
        ReportedSeverity.Suggestion => DiagnosticSeverity.Info,
        ReportedSeverity.Silent => DiagnosticSeverity.Hidden,
        _ => null,
    };
}
