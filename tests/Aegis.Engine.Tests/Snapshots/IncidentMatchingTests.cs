using Aegis.Engine.Snapshots;
using static Aegis.Engine.Tests.Snapshots.SnapshotFixtures;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>Drift's matching on real findings: what is not drift (moves, reformat, renames) and what is (a new or changed secret, a fix).</summary>
public sealed class IncidentMatchingTests
{
    private static async Task<IncidentComparison> CompareAsync(string beforePath, string before, string afterPath, string after)
    {
        var a = await StateAsync(beforePath, before);
        var b = await StateAsync(afterPath, after);
        Assert.NotEmpty(a.Incidents);
        return IncidentMatching.Compare(a.Incidents, b.Incidents, a.Files, b.Files);
    }

    private static void NoDrift(IncidentComparison comparison, int expectedUnchanged)
    {
        Assert.Empty(comparison.New);
        Assert.Empty(comparison.Resolved);
        Assert.Equal(expectedUnchanged, comparison.Unchanged.Count);
    }

    [Fact]
    public async Task Safe_LineShift_IsNotDrift()
    {
        var a = await StateAsync(RepositoryFile, Repository);
        var comparison = await CompareAsync(RepositoryFile, Repository, RepositoryFile, "// header\n// more\n\n" + Repository);

        NoDrift(comparison, a.Incidents.Count);
        Assert.All(comparison.Unchanged, m => Assert.False(m.Renamed));
        Assert.Contains(comparison.Unchanged, m => m.Before.Line != m.After.Line);
    }

    [Fact]
    public async Task Safe_ReformatOfTheSurroundingCode_IsNotDrift()
    {
        var reformatted = Repository
            .Replace("    public string Connect(string host)\n    {", "    public string Connect(string host) {", StringComparison.Ordinal)
            .Replace("        return host + password;", "        return host\n            + password;", StringComparison.Ordinal)
            .Replace("    private readonly string apiToken", "    private   readonly   string apiToken", StringComparison.Ordinal);
        Assert.NotEqual(Repository, reformatted);
        var a = await StateAsync(RepositoryFile, Repository);

        NoDrift(await CompareAsync(RepositoryFile, Repository, RepositoryFile, reformatted), a.Incidents.Count);
    }

    [Fact]
    public async Task Safe_MethodMovedWithinItsFile_IsNotDrift()
    {
        const string connect = """
                public string Connect(string host)
                {
                    var password = "hunter2-password!";
                    return host + password;
                }

            """;
        var moved = Repository.Replace(connect, "", StringComparison.Ordinal).Replace("    public string Describe() => \"repository\";\n", "    public string Describe() => \"repository\";\n\n" + connect.TrimEnd('\n') + "\n", StringComparison.Ordinal);
        Assert.NotEqual(Repository, moved);
        Assert.Contains("hunter2-password!", moved, StringComparison.Ordinal);
        var a = await StateAsync(RepositoryFile, Repository);

        NoDrift(await CompareAsync(RepositoryFile, Repository, RepositoryFile, moved), a.Incidents.Count);
    }

    [Fact]
    public async Task Safe_FileRenamed_MatchesByRuleSymbolAndEvidence()
    {
        var a = await StateAsync(RepositoryFile, Repository);
        var comparison = await CompareAsync(RepositoryFile, Repository, "src/Shop/Storage/ShopRepository.cs", Repository);

        NoDrift(comparison, a.Incidents.Count);
        // The file's findings were found again by symbol (their fingerprints, which hold the path, changed); the controller's by fingerprint.
        Assert.Equal(a.Incidents.Count(i => i.File == RepositoryFile), comparison.Unchanged.Count(m => m.Renamed));
        Assert.All(comparison.Unchanged.Where(m => m.Renamed), m => Assert.NotEqual(m.Before.Fingerprint, m.After.Fingerprint));
    }

    [Fact]
    public async Task Detect_ChangedSecretInTheSameField_IsNew_AndTheOldResolved()
    {
        // Same length and prefix: the masked evidence and so the fingerprint are equal; the secret hash is not.
        var changed = Repository.Replace("supersecret-value-1", "supersecret-value-2", StringComparison.Ordinal);
        var comparison = await CompareAsync(RepositoryFile, Repository, RepositoryFile, changed);

        var added = Assert.Single(comparison.New);
        var resolved = Assert.Single(comparison.Resolved);
        Assert.Equal("AEG002", added.Rule);
        Assert.Equal(resolved.Fingerprint, added.Fingerprint);
        Assert.NotEqual(resolved.SecretHash, added.SecretHash);
    }

    [Fact]
    public async Task Detect_ChangedSecret_InARenamedFile_IsNew()
    {
        var changed = Repository.Replace("supersecret-value-1", "supersecret-value-2", StringComparison.Ordinal);
        var comparison = await CompareAsync(RepositoryFile, Repository, "src/Shop/Storage/ShopRepository.cs", changed);

        Assert.Equal("AEG002", Assert.Single(comparison.New).Rule);
        Assert.Single(comparison.Resolved);
    }

    [Fact]
    public async Task Detect_NewFinding_AndAFixedOneResolved()
    {
        var edited = Repository
            .Replace("var password = \"hunter2-password!\";", "var password = System.Environment.GetEnvironmentVariable(\"SHOP_PASSWORD\");", StringComparison.Ordinal)
            .Replace("public string Describe() => \"repository\";", "public string Describe() { var secretKey = \"Zx81Qp03Lm77Kd29Wv55\"; return secretKey; }", StringComparison.Ordinal);
        var comparison = await CompareAsync(RepositoryFile, Repository, RepositoryFile, edited);

        Assert.Equal("Shop.Data.Repository.Describe()", Assert.Single(comparison.New).Symbol);
        Assert.Equal("Shop.Data.Repository.Connect(string)", Assert.Single(comparison.Resolved).Symbol);
    }

    [Fact]
    public void Detect_SameSymbolAndEvidence_InAFileThatStillExists_IsNotARename()
    {
        // A copy of a finding into another file while the original stays: the copy is new.
        var original = Incident("HIGH", file: "src/A.cs", evidence: "q + id");
        var copy = Incident("HIGH", file: "src/B.cs", evidence: "q + id");
        var files = new Dictionary<string, string> { ["src/A.cs"] = "1" };
        var after = new Dictionary<string, string> { ["src/A.cs"] = "1", ["src/B.cs"] = "2" };

        var comparison = IncidentMatching.Compare(new[] { original }, new[] { original, copy }, files, after);

        Assert.Equal("src/B.cs", Assert.Single(comparison.New).File);
        Assert.Single(comparison.Unchanged);
    }
}
