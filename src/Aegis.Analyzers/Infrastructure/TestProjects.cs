using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// Whether a compilation is a test project: the SDK's <c>IsTestProject</c> (made compiler-visible by
/// build/Aegis.Analyzers.props), or a reference to a test framework, for projects built without the test SDK
/// or analysed without the props (the engine, the IDE before a restore).
/// </summary>
internal static class TestProjects
{
    private const string IsTestProjectProperty = "build_property.IsTestProject";

    /// <summary>The core assembly of each test framework (compared case-insensitively).</summary>
    private static readonly HashSet<string> FrameworkAssemblies = new(StringComparer.OrdinalIgnoreCase)
    {
        "xunit.core",                                        // xUnit.net v2
        "xunit.v3.core",                                     // xUnit.net v3
        "nunit.framework",                                   // NUnit
        "Microsoft.VisualStudio.TestPlatform.TestFramework", // MSTest
        "TUnit.Core",                                        // TUnit
    };

    /// <summary>Decided once per compilation: both inputs are the same for every file of it.</summary>
    public static bool IsTestProject(Compilation compilation, AnalyzerOptions options)
    {
        if (options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(IsTestProjectProperty, out var value)
            && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var assembly in compilation.ReferencedAssemblyNames)
        {
            if (FrameworkAssemblies.Contains(assembly.Name))
            {
                return true;
            }
        }

        return false;
    }
}
