using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

public sealed class HistoryAndPolicyTests
{
    [Fact]
    public async Task History_ParallelWriters_LoseNothing_CorruptNothing()
    {
        using var directory = new TempDirectory();
        var fixedTime = 1_700_000_000.123; // Same ts for every record: names must still be unique.
        var tasks = Enumerable.Range(0, 20).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                var card = new RiskCard { Ts = fixedTime, RequestId = "req_" + Guid.NewGuid().ToString("N"), Explanation = "writer " + writer + " record " + i };
                RiskScorer.Score(card);
                RiskHistory.Record(directory.Path, card, RiskCardJson.Write(card, SecretMasker.None));
            }
        }));
        await Task.WhenAll(tasks);

        var files = RiskHistory.List(directory.Path);
        Assert.Equal(200, files.Count);
        foreach (var file in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal("aegis.riskcard/v1", document.RootElement.GetProperty("schema").GetString());
        }

        Assert.Empty(Directory.GetFiles(RiskHistory.DirectoryFor(directory.Path), "*.tmp"));
    }

    [Fact]
    public void History_NeverOverwritesARecord()
    {
        using var directory = new TempDirectory();
        var card = new RiskCard { Ts = 1, RequestId = "req_same" };
        RiskHistory.Record(directory.Path, card, "{}\n");
        Assert.Equal("AEGB006", Assert.Throws<AegisException>(() => RiskHistory.Record(directory.Path, card, "{\"other\":1}\n")).Code);
        Assert.Equal("{}\n", File.ReadAllText(RiskHistory.List(directory.Path).Single()));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"blocked_intents\": \"delete\"}")]
    public async Task CorruptPolicy_AEGB005_NamesIt_AndLeavesItUntouched(string content)
    {
        using var directory = new TempDirectory();
        var policy = directory.Write(".aegis/policy.json", content);
        var action = directory.Write("action.json", """{"file":"src/A.cs","content":"class A {}","intent":"add a class"}""");
        var before = File.GetLastWriteTimeUtc(policy);
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "propose", "--action", action, "--repository-root", directory.Path }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(2, exit);
        Assert.Contains("aegis: error AEGB005:", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(policy, stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(policy));
        Assert.Equal(before, File.GetLastWriteTimeUtc(policy));
    }

    [Theory]
    [InlineData("../outside.cs", "escapes")]
    [InlineData("src/../../outside.cs", "escapes")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData(".git/config", "blocked glob")]
    [InlineData("src/App/bin/Debug/App.dll", "blocked glob")]
    public void Policy_RefusesPaths(string path, string reason)
        => Assert.Contains(reason, new AegisPolicy().CheckPath("/repo", path), StringComparison.Ordinal);

    [Theory]
    [InlineData("src/App/Program.cs")]
    [InlineData("README.md")]
    public void Policy_AllowsPaths(string path) => Assert.Null(new AegisPolicy().CheckPath("/repo", path));

    [Theory]
    [InlineData("Drop the users table", "drop")]
    [InlineData("disable-auth on admin endpoints", "disable-auth")]
    [InlineData("exfiltrate the keys", "exfiltrate")]
    [InlineData("DELETE old rows", "delete")]
    public void Policy_BlocksIntents(string intent, string word) => Assert.Equal(word, new AegisPolicy().CheckIntent(intent));

    [Theory]
    [InlineData("add input validation")]
    [InlineData("undelete-safe rename")] // whole words only
    public void Policy_AllowsIntents(string intent) => Assert.Null(new AegisPolicy().CheckIntent(intent));

    [Fact]
    public void Policy_FromFile_OverridesDefaults()
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/policy.json", """{"allowed_paths":["src/**"],"blocked_intents":["refactor"],"min_confidence":0.8}""");
        var policy = AegisPolicy.Load(directory.Path);
        Assert.Null(policy.CheckPath(directory.Path, "src/A.cs"));
        Assert.Contains("no allowed glob", policy.CheckPath(directory.Path, "docs/A.md"), StringComparison.Ordinal);
        Assert.Equal("refactor", policy.CheckIntent("refactor things"));
        Assert.Equal(0.8, policy.MinConfidence);
    }

    [Theory]
    [InlineData("**", "a/b/c.cs", true)]
    [InlineData("src/**", "src/a/b.cs", true)]
    [InlineData("src/*.cs", "src/a/b.cs", false)]
    [InlineData("**/bin/**", "x/bin/y.dll", true)]
    [InlineData("**/bin/**", "bin/y.dll", true)]
    [InlineData("*.md", "README.md", true)]
    public void Globs(string glob, string path, bool expected) => Assert.Equal(expected, Glob.IsMatch(glob, path));
}
