using Aegis.Cli;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

public sealed class SecretMaskingTests
{
    private static readonly string Token = "ghp_" + "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb";

    [Fact]
    public void Mask_KeepsKindLengthAndPrefixOnly()
    {
        var masker = new SecretMasker(new[] { "hunter2-is-my-password" });
        var masked = masker.Mask("pwd hunter2-is-my-password and " + Token);
        Assert.DoesNotContain("hunter2-is-my-password", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, masked, StringComparison.Ordinal);
        Assert.Contains("[secret literal len=22 prefix=hunt…]", masked, StringComparison.Ordinal);
        Assert.Contains("[secret github-token len=40 prefix=ghp_…]", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Server=db;Password=Xk9mP2vLq7;", "Server=db;Password=[secret password len=10 prefix=Xk9m…];")]
    [InlineData("Password=&quot; + (Environment.GetEnvironmentVariable(&quot;DB_PASSWORD&quot;) ?? string.Empty)", "Password=&quot; + (Environment.GetEnvironmentVariable(&quot;DB_PASSWORD&quot;) ?? string.Empty)")]
    public void Mask_PasswordPairs_ButNotTheFixedCodeInHtml(string text, string expected)
    {
        // The HTML card is masked after rendering: an escaped quote after "Password=" is the fixed code's
        // concatenation, not a value (the value itself was masked in the JSON the HTML is rendered from).
        Assert.Equal(expected, SecretMasker.None.Mask(text));
    }

    [Fact]
    public async Task PlantedToken_AppearsInNoOutput()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteProject(directory, "src/Lib/Lib.csproj", new Dictionary<string, string>
        {
            ["src/Lib/Client.cs"] = "namespace Lib;\npublic class Client\n{\n    private readonly string githubToken = \"" + Token + "\";\n    private readonly string dbPassword = \"correct-horse-battery\";\n    public string Use() => githubToken + dbPassword;\n}\n",
        });
        var output = Path.Combine(directory.Path, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(
            new[] { "build", "--inputs", TestProjects.InputsPath(inputs), "--output", output, "--repository-root", directory.Path, "--sandbox", "file", "--fail-on", "LOW" },
            stdout, stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(1, exit);
        var written = Directory.GetFiles(output).Concat(Directory.GetFiles(Path.Combine(directory.Path, ".aegis", "history"))).ToList();
        Assert.Equal(5, written.Count); // json, md, html, summary.txt, history
        foreach (var text in written.Select(File.ReadAllText).Append(stdout.ToString()).Append(stderr.ToString()))
        {
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Token[4..20], text, StringComparison.Ordinal);
            Assert.DoesNotContain("correct-horse-battery", text, StringComparison.Ordinal);
        }

        var card = File.ReadAllText(Path.Combine(output, "risk-card.json"));
        Assert.Contains("\"rule\": \"AEG002\"", card, StringComparison.Ordinal);
        Assert.Contains("[secret", card, StringComparison.Ordinal);
    }
}
