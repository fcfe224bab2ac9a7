using System.Text;
using Aegis.Analyzers.Tests;
using Aegis.Reliability.Tests.Infrastructure;

namespace Aegis.Reliability.Tests;

/// <summary>
/// One fake secret of every AEG002 format planted in a small project; after the engine's build verb and the CLI's
/// scan and verify (all with --json), no output file (cards, history, profile, anything under .aegis/) and no
/// captured console output contains any secret's full text.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SecretLeakTests
{
    [Fact]
    public async Task EverySecretFormat_NeverWrittenToAnyOutputOrLog()
    {
        using var directory = new TempDirectory();
        var secrets = AEG002FakeSecrets.Formats().Select(f => f.Token).Append(AEG002FakeSecrets.AzureStorageKey).Append(AEG002FakeSecrets.AwsSecretKey).Distinct().ToArray();
        var source = new StringBuilder("namespace Shop;\n\npublic static class Keys\n{\n");
        for (var i = 0; i < secrets.Length; i++)
        {
            source.Append("    public const string ApiKey").Append(i).Append(" = \"").Append(secrets[i]).Append("\";\n");
        }

        source.Append("    public static string Password => \"").Append(AEG002FakeSecrets.AwsSecretKey).Append("\";\n}\n");
        var files = SmallProject.ControllerFiles();
        files["src/Shop/Keys.cs"] = source.ToString();
        var inputs = SmallProject.Write(directory, files, projectXml: "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><OutputType>Library</OutputType></PropertyGroup></Project>\n");
        var project = Path.Combine(directory.Path, "src", "Shop", "Shop.csproj");

        var runs = new List<CliRun>
        {
            await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "file", "--output", Path.Combine(directory.Path, "out", "build"), "--json"),
            await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "none", "--output", Path.Combine(directory.Path, "out", "build-text")),
            await AegisCli.RunAsync("scan", project, "--repository-root", directory.Path, "--json"),
            await AegisCli.RunAsync("verify", project, "--sandbox", "file", "--fail-on", "never", "--json"),
        };

        var card = Path.Combine(directory.Path, "out", "build", "risk-card.json");
        Assert.True(File.Exists(card), runs[0].Stdout + runs[0].Stderr);
        Assert.Contains("AEG002", File.ReadAllText(card));
        Assert.All(runs, r => Assert.DoesNotContain("AEGB008", r.Stdout + r.Stderr));

        // Everything written, except the planted source itself and the build's own intermediate files.
        var planted = Path.Combine(directory.Path, "src", "Shop", "Keys.cs");
        var written = Directory.EnumerateFiles(directory.Path, "*", SearchOption.AllDirectories)
            .Where(f => f != planted && !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToArray();
        Assert.Contains(written, f => f.Contains(Path.Combine(".aegis", "history"), StringComparison.Ordinal));
        Assert.Contains(written, f => f.EndsWith("risk-card.html", StringComparison.Ordinal));
        var hits = new List<string>();
        foreach (var file in written)
        {
            var text = File.ReadAllText(file);
            hits.AddRange(secrets.Where(s => text.Contains(s, StringComparison.Ordinal)).Select(s => Path.GetRelativePath(directory.Path, file) + ": " + s[..6] + "…"));
        }

        for (var i = 0; i < runs.Count; i++)
        {
            var text = runs[i].Stdout + runs[i].Stderr;
            hits.AddRange(secrets.Where(s => text.Contains(s, StringComparison.Ordinal)).Select(s => "console of run " + i + ": " + s[..6] + "…"));
        }

        Assert.Empty(hits);
    }
}
