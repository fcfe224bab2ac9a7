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

    /// <summary>
    /// Aegis and the SDK's NetAnalyzers rules of the same families in one build (the generated CoveringRules.globalconfig
    /// turns on CA2100, CA3001 and CA5390 only): per-rule times of both under the same load, from one /reportanalyzer table.
    /// </summary>
    public static readonly BuildConfiguration SideBySide = new("sidebyside", null, null, ["Aegis.Analyzers"], "Aegis.Analyzers + the SDK's CA2100, CA3001, CA5390 (same build)");

    /// <summary>
    /// NetAnalyzers rules covering Aegis's families: CA2100 (SQL text from input; AEG001), CA3001 (SQL injection by
    /// taint analysis; AEG001), CA5390 (hard-coded encryption key; AEG002). /reportanalyzer lists analyzer types with their
    /// IDs: ReviewSqlQueriesForSecurityVulnerabilities (CA2100), ReviewCodeForSqlInjectionVulnerabilities (CA3001),
    /// DoNotHardCodeEncryptionKey (CA5390); they are found by the ID, whatever the type is called.
    /// </summary>
    public static readonly IReadOnlyList<string> CoveringRules = ["CA2100", "CA3001", "CA5390"];

    public static IReadOnlyList<BuildConfiguration> Every => [Baseline, Aegis, .. All, SideBySide];

    /// <summary>Whether an analyzer line of the /reportanalyzer table (its IDs, "CA2100, CA2101") implements one of <see cref="CoveringRules"/>.</summary>
    public static bool IsCovering(string ids)
        => ids.Split(',', StringSplitOptions.TrimEntries).Any(id => CoveringRules.Contains(id, StringComparer.Ordinal));

    public static BuildConfiguration Find(string name) =>
        Every.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"unknown configuration '{name}' (known: {string.Join(", ", Every.Select(c => c.Name))})");
}
