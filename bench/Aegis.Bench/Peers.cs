namespace Aegis.Bench;

/// <summary>
/// A build configuration of the generated solution: what it adds to the SDK's default analyzers and which
/// assemblies of the /reportanalyzer table are its "own" time.
/// </summary>
internal sealed record BuildConfiguration(string Name, string? Package, string? Version, IReadOnlyList<string> AssemblyPrefixes, string Description)
{
    public bool Owns(string assembly) =>
        AssemblyPrefixes.Any(p => assembly.Equals(p, StringComparison.Ordinal) || assembly.StartsWith(p + ".", StringComparison.Ordinal));
}

/// <summary>The configurations the builds suite measures, in order.</summary>
internal static class Peers
{
    public static readonly BuildConfiguration Baseline = new("baseline", null, null, [], "SDK defaults only");

    public static readonly BuildConfiguration Aegis = new("aegis", null, null, ["Aegis.Analyzers"], "Aegis.Analyzers (this repository's build)");

    /// <summary>Peer packages; their versions are written into the generated Directory.Packages.props.</summary>
    public static readonly BuildConfiguration[] All =
    [
        new("securitycodescan", "SecurityCodeScan.VS2019", "5.6.7", ["SecurityCodeScan"], "SecurityCodeScan.VS2019 5.6.7"),
        // 9.32 is the newest release under an open-source licence (LGPL-3.0); 10 and later are not. Its security
        // hotspot rules (S2077 SQL, S2068 credentials) run only when SonarLint.xml names them (the generator writes it).
        new("sonar", "SonarAnalyzer.CSharp", "9.32.0.97167", ["SonarAnalyzer"], "SonarAnalyzer.CSharp 9.32.0.97167 (S2077, S2068 enabled by SonarLint.xml)"),
        new("netanalyzers", "Microsoft.CodeAnalysis.NetAnalyzers", "11.0.100",
            ["Microsoft.CodeAnalysis.NetAnalyzers", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers"],
            "Microsoft.CodeAnalysis.NetAnalyzers 11.0.100, AnalysisMode=All"),
    ];

    public static IReadOnlyList<BuildConfiguration> Every => [Baseline, Aegis, .. All];

    public static BuildConfiguration Find(string name) =>
        Every.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"unknown configuration '{name}' (known: {string.Join(", ", Every.Select(c => c.Name))})");
}
