using System.Text.RegularExpressions;

namespace Aegis.Engine.Policy;

/// <summary>What counts as test code: the attributes that make a test method and the folder names of test projects.</summary>
public static class TestCode
{
    /// <summary>xUnit, NUnit, MSTest and TUnit test attributes (without the <c>Attribute</c> suffix).</summary>
    public static readonly HashSet<string> TestAttributes = new(StringComparer.Ordinal)
    {
        "Fact", "Theory", "SkippableFact", "SkippableTheory", "Test", "TestCase", "TestCaseSource", "TestMethod", "DataTestMethod",
    };

    /// <summary>
    /// A path segment or project name of a test project: <c>tests/</c>, <c>test/</c>, <c>Shop.Tests</c>,
    /// <c>Shop.UnitTests</c>, <c>Shop-Test</c>, <c>Shop.Specs</c> (CamelCase <c>…Tests</c> needs the capital, so
    /// <c>Contests</c> is no test project).
    /// </summary>
    private static readonly Regex[] TestProjectSegments =
    {
        new(@"^tests?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
        new(@"[._-](unit|integration|functional|acceptance|e2e|endtoend)?tests?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
        new(@"[a-z0-9]Tests?$", RegexOptions.CultureInvariant),
        new(@"[._-]specs?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
    };

    /// <summary>A file in a test project, judged by its folders (and a project file by its own name).</summary>
    public static bool IsInTestProject(string path)
    {
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var folders = segments.Length == 0 ? Array.Empty<string>() : segments[..^1];
        var project = segments.Length > 0 && segments[^1].EndsWith("proj", StringComparison.OrdinalIgnoreCase) ? new[] { Path.GetFileNameWithoutExtension(segments[^1]) } : Array.Empty<string>();
        return folders.Concat(project).Any(segment => TestProjectSegments.Any(r => r.IsMatch(segment)));
    }
}
