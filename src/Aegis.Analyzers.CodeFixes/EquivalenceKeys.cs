namespace Aegis.Analyzers.CodeFixes;

/// <summary>
/// Stable, non-localized equivalence keys (<c>Aegis.&lt;ID&gt;.&lt;variant&gt;</c>): FixAll, <c>dotnet format</c> and the
/// engine select fixes by these, so they never change when a title's wording does.
/// </summary>
public static class EquivalenceKeys
{
    // AEG001: one fix per finding, chosen by its library (remediation_strategy); FixAll under any of the three fixes
    // every AEG001 finding with its own variant.
    public const string ParameterizeAdo = "Aegis.AEG001.ParameterizeAdo";
    public const string ParameterizeDapper = "Aegis.AEG001.ParameterizeDapper";
    public const string EfInterpolated = "Aegis.AEG001.EfInterpolated";
    public const string ConfigurationLookup = "Aegis.AEG002.ConfigurationLookup";
    public const string EnvironmentLookup = "Aegis.AEG002.EnvironmentLookup";
    public const string AddAuthorize = "Aegis.AEG003.AddAuthorize";
    public const string RequireAuthorization = "Aegis.AEG003.RequireAuthorization";
    public const string AllowAnonymous = "Aegis.AEG003.AllowAnonymous";
}
