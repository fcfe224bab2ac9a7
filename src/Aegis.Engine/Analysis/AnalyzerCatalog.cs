using System.Collections.Immutable;
using System.Reflection;
using Aegis.Analyzers;
using Aegis.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Engine.Analysis;

/// <summary>
/// Every <see cref="DiagnosticAnalyzer"/> (but no <see cref="DiagnosticSuppressor"/>) and <see cref="CodeFixProvider"/>
/// of the analyzer and code-fix assemblies, found by reflection, so a new rule or fix needs no engine change.
/// </summary>
public sealed class AnalyzerCatalog
{
    public AnalyzerCatalog(ImmutableArray<DiagnosticAnalyzer> analyzers, ImmutableArray<CodeFixProvider> fixers)
    {
        Analyzers = analyzers;
        Fixers = fixers;
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    public ImmutableArray<CodeFixProvider> Fixers { get; }

    public static AnalyzerCatalog Default { get; } = Discover(typeof(RuleIdentifiers).Assembly, typeof(EquivalenceKeys).Assembly);

    public static AnalyzerCatalog Discover(params Assembly[] assemblies)
    {
        var analyzers = new List<DiagnosticAnalyzer>();
        var fixers = new List<CodeFixProvider>();
        foreach (var type in assemblies.SelectMany(LoadableTypes).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }

            // The baseline suppressor is for the compiler and the editor: the engine lists baselined incidents (as
            // unchanged, BuildBaseline.Apply) instead of losing them to a suppression.
            if (typeof(DiagnosticSuppressor).IsAssignableFrom(type))
            {
                continue;
            }

            if (typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && type.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
            {
                analyzers.Add((DiagnosticAnalyzer)Activator.CreateInstance(type)!);
            }
            else if (typeof(CodeFixProvider).IsAssignableFrom(type) && type.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any())
            {
                fixers.Add((CodeFixProvider)Activator.CreateInstance(type)!);
            }
        }

        return new AnalyzerCatalog(analyzers.ToImmutableArray(), fixers.ToImmutableArray());
    }

    /// <summary>This catalog plus some analyzers (tests and future plug-ins), skipping rule IDs already covered.</summary>
    public AnalyzerCatalog With(IEnumerable<DiagnosticAnalyzer> extra, bool onlyForMissingRules = true)
    {
        var covered = Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var added = extra.Where(a => !onlyForMissingRules || a.SupportedDiagnostics.Any(d => !covered.Contains(d.Id)));
        return new AnalyzerCatalog(Analyzers.AddRange(added), Fixers);
    }

    public bool CoversRule(string id) => Analyzers.Any(a => a.SupportedDiagnostics.Any(d => d.Id == id));

    public IEnumerable<CodeFixProvider> FixersFor(string diagnosticId) => Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnosticId));

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException exception)
        {
            return exception.Types.Where(t => t is not null)!;
        }
    }
}
