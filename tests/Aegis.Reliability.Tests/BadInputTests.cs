using Aegis.Reliability.Tests.Infrastructure;

namespace Aegis.Reliability.Tests;

/// <summary>
/// Bad input is answered by one coded error naming the file and what is wrong, and nothing is overwritten; where
/// the documented answer is a fallback (a corrupt profile for the analyzers, a bad option value) the run succeeds.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class BadInputTests
{
    private static readonly Dictionary<string, string> Files = SmallProject.ControllerFiles();

    [Theory]
    [InlineData("{ \"allowed_paths\": [")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"min_confidence\": \"high\" }")]
    public async Task CorruptPolicy_Build_OneAEGB005NamingIt_NotOverwritten(string content)
    {
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        var policy = directory.Write(".aegis/policy.json", content);
        var hash = SmallProject.Hash(policy);

        var run = await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "none", "--output", Path.Combine(directory.Path, "out"));

        Assert.Equal(2, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.Contains("AEGB005", error);
        Assert.Contains(policy, error);
        Assert.Equal(hash, SmallProject.Hash(policy));
        Assert.False(File.Exists(Path.Combine(directory.Path, "out", "risk-card.json")), "a card was written despite the corrupt policy");
    }

    [Fact]
    public async Task CorruptProfile_AsAdditionalFile_AnalyzersFallBack_NoCrash_NotOverwritten()
    {
        using var directory = new TempDirectory();
        var profile = directory.Write(".aegis/profile.json", "{ \"authorization\": { \"convention\": ");
        var inputs = SmallProject.Write(directory, Files, additionalFiles: new[] { profile });
        var hash = SmallProject.Hash(profile);

        var run = await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "none", "--output", Path.Combine(directory.Path, "out"), "--json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.DoesNotContain("AD0001", run.Stdout + run.Stderr);
        Assert.Empty(run.ErrorLines);
        Assert.Contains("AEG003", File.ReadAllText(Path.Combine(directory.Path, "out", "risk-card.json")));
        Assert.Equal(hash, SmallProject.Hash(profile));
    }

    [Fact]
    public async Task CorruptHistoryRecord_LeftAlone_NewRecordAdded()
    {
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        var corrupt = directory.Write(".aegis/history/000000000000001-corrupt.json", "{ \"ts\": 1, \"status\": ");
        var hash = SmallProject.Hash(corrupt);

        var run = await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "none", "--output", Path.Combine(directory.Path, "out"));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(hash, SmallProject.Hash(corrupt));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(directory.Path, ".aegis", "history"), "*.json").Length);
    }

    [Theory]
    [InlineData("{ \"file\": \"src/Shop/OrdersController.cs\", \"content\": ")]
    [InlineData("[\"not an object\"]")]
    [InlineData("{ \"file\": \"src/Shop/OrdersController.cs\" }")]
    [InlineData("")]
    public async Task MalformedAction_Propose_Exit2_NamesTheFile(string content)
    {
        using var directory = new TempDirectory();
        SmallProject.Write(directory, Files);
        var action = directory.Write("action.json", content);
        var before = SmallProject.HashTree(directory.Path);

        var run = await AegisCli.RunAsync("propose", "--action", action, "--repository-root", directory.Path, "--sandbox", "file");

        Assert.Equal(2, run.ExitCode);
        var errors = (run.Stdout + run.Stderr).Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.Single(errors);
        Assert.Contains("aegis: error AEGB003: bad action file " + action, errors[0], StringComparison.Ordinal);
        Assert.Equal(before, SmallProject.HashTree(directory.Path));
    }

    [Fact]
    public async Task MalformedEditorConfigValue_FallsBackToDefault_SameIncidents()
    {
        using var good = new TempDirectory();
        using var bad = new TempDirectory();
        var goodInputs = SmallProject.Write(good, Files);
        var editorConfig = bad.Write(".editorconfig", "root = true\n[*.cs]\naegis.AEG003.convention_threshold = lots\naegis.AEG003.minimum_endpoints = -x\naegis.AEG001.high_confidence_threshold = 2,5.1\naegis.AEG002.entropy_threshold = NaN%\naegis.AEG002.minimum_secret_length = \n");
        var badInputs = SmallProject.Write(bad, Files, analyzerConfigs: new[] { editorConfig });

        var goodRun = await AegisCli.RunAsync("build", "--inputs", goodInputs, "--repository-root", good.Path, "--sandbox", "none", "--output", Path.Combine(good.Path, "out"));
        var badRun = await AegisCli.RunAsync("build", "--inputs", badInputs, "--repository-root", bad.Path, "--sandbox", "none", "--output", Path.Combine(bad.Path, "out"));

        Assert.True(badRun.ExitCode == 0, badRun.Stdout + badRun.Stderr);
        Assert.DoesNotContain("AD0001", badRun.Stdout + badRun.Stderr);
        Assert.Equal(goodRun.ExitCode, badRun.ExitCode);
        Assert.Equal(Incidents(Path.Combine(good.Path, "out")), Incidents(Path.Combine(bad.Path, "out")));
    }

    [Fact]
    public async Task OutputPathIsAFile_OneAEGB006_FileUntouched()
    {
        // Tests run as root, and chmod does not stop root: an existing FILE where the output folder should be
        // is what no user (root included) can write a folder into.
        using var directory = new TempDirectory();
        var inputs = SmallProject.Write(directory, Files);
        var output = directory.Write("out", "I am a file, not a folder\n");
        var hash = SmallProject.Hash(output);

        var run = await AegisCli.RunAsync("build", "--inputs", inputs, "--repository-root", directory.Path, "--sandbox", "none", "--output", output);

        Assert.Equal(3, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.Contains("AEGB006", error);
        Assert.Contains(output, error);
        Assert.Equal(hash, SmallProject.Hash(output));
    }

    private static string[] Incidents(string output)
    {
        using var card = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "risk-card.json")));
        return card.RootElement.GetProperty("incidents").EnumerateArray()
            .Select(i => i.GetProperty("rule").GetString() + "@" + i.GetProperty("severity").GetString())
            .OrderBy(s => s, StringComparer.Ordinal).ToArray();
    }
}
