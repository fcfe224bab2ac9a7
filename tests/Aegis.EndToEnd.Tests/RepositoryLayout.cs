using System.Reflection;

namespace Aegis.EndToEnd.Tests;

/// <summary>Where the repository and the sample are, and the configuration these tests were built in.</summary>
internal static class RepositoryLayout
{
    private const string SolutionFileName = "Aegis.Analyzers.sln";

    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    public static string SampleProjectDirectory => Path.Combine(Samples, "Aegis.Sample");

    public static string SampleProject => Path.Combine(SampleProjectDirectory, "Aegis.Sample.csproj");

    public static string SampleTestsProject => Path.Combine(Samples, "Aegis.Sample.Tests", "Aegis.Sample.Tests.csproj");

    /// <summary>The sample is built in the configuration the analyzers were built in, so it finds their output.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFileName} above {AppContext.BaseDirectory}.");
    }
}
