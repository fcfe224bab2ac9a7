namespace Aegis.Engine.Verification;

/// <summary>What <c>aegis sandbox clean</c> removes: the kept repository sandbox copies (<see cref="KeptSandbox"/>).</summary>
public static class KeptSandboxes
{
    /// <summary>
    /// Removes the kept copy of <paramref name="repositoryRoot"/>, or every kept copy of this user when it is null;
    /// a copy a running verification holds is left. Returns the folders removed.
    /// </summary>
    public static IReadOnlyList<string> Clean(string? repositoryRoot, string? temporaryFolder = null)
        => KeptSandbox.Remove(temporaryFolder ?? Path.GetTempPath(), repositoryRoot, unusedOnly: false, DateTime.UtcNow);

    /// <summary>The folder the kept copy of <paramref name="repositoryRoot"/> lives in (it may not exist).</summary>
    public static string FolderFor(string repositoryRoot, string? temporaryFolder = null)
        => KeptSandbox.FolderFor(temporaryFolder ?? Path.GetTempPath(), repositoryRoot);
}
