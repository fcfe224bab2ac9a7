namespace Aegis.Engine.Patching;

/// <summary>A deterministic patch for one file: what it changes, why, and whether the sandbox proved it.</summary>
public sealed class PatchArtifact
{
    /// <summary>Repository-relative, with <c>/</c>.</summary>
    public string File { get; init; } = "";

    public string AbsolutePath { get; init; } = "";

    public string OriginalText { get; init; } = "";

    public string PatchedText { get; set; } = "";

    public string OriginalSha256 { get; init; } = "";

    public string PatchedSha256 { get; set; } = "";

    public string Diff { get; set; } = "";

    public string Plan { get; set; } = "";

    /// <summary><c>unverified</c>, <c>verified</c> or <c>failed</c>.</summary>
    public string ValidationStatus { get; set; } = ValidationStatuses.Unverified;

    /// <summary>Fingerprints of the incidents this patch fixes.</summary>
    public List<string> Fixes { get; } = new();

    public List<string> EquivalenceKeys { get; } = new();
}

public static class ValidationStatuses
{
    public const string Unverified = "unverified";
    public const string Verified = "verified";
    public const string Failed = "failed";
}
