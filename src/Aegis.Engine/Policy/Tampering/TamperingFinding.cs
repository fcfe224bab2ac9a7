namespace Aegis.Engine.Policy;

/// <summary>
/// One tampering finding in the card: the kind, the file (repository-relative, <c>/</c>), the line in the proposed
/// version when there is one (null for what was removed), the evidence (the line or a short description; the card
/// writer masks it), the policy's verdict (<c>blocked</c> or <c>scored</c>) and the weight the scorer adds.
/// </summary>
public sealed record TamperingFinding(string Kind, string File, int? Line, string Evidence)
{
    public string Verdict { get; init; } = TamperingVerdicts.Scored;

    public int Weight => TamperingKinds.Get(Kind).Weight;

    public string Title => TamperingKinds.Get(Kind).Title;

    public string Location => Line is { } line ? File + ":" + line.ToString(System.Globalization.CultureInfo.InvariantCulture) : File;

    /// <summary>"lowered a security rule's severity in .editorconfig:5 (dotnet_diagnostic.AEG001.severity = none)".</summary>
    public string Describe() => Title + " in " + Location + " (" + Evidence + ")";
}

/// <summary>A file as a change leaves it: <see cref="Before"/> null for a new file, <see cref="After"/> null for a deleted one.</summary>
public sealed record ChangedFile(string Path, string? Before, string? After)
{
    public string Name => System.IO.Path.GetFileName(Path);

    public string Extension => System.IO.Path.GetExtension(Path).ToLowerInvariant();
}

/// <summary>Looks at one changed file for one family of tampering. Detectors never throw on odd content.</summary>
public interface ITamperingDetector
{
    IEnumerable<TamperingFinding> Detect(ChangedFile change);
}
