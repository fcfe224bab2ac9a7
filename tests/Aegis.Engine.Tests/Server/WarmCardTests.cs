using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Compilation;
using Aegis.Engine.Server;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Server;

/// <summary>
/// What the warm server changes is only where the project comes from (<see cref="LoadedProjectCache"/>): the card it
/// writes must be the one-shot engine's, byte for byte but for <c>ts</c> and <c>request_id</c>, on the first (cold) build,
/// after an edit (only the edited tree parsed again) and after a reference changed (loaded afresh).
/// </summary>
public sealed partial class WarmCardTests
{
    private static readonly System.Text.RegularExpressions.Regex Durations = DurationPattern();

    [Fact]
    public async Task WarmCard_AfterAnEdit_IsTheOneShotCard()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var cache = new LoadedProjectCache();

        await BuildAsync(directory, cache, "warm-1");
        var orders = inputs.Sources.Single(s => s.EndsWith("OrdersController.cs", StringComparison.Ordinal));
        File.WriteAllText(orders, File.ReadAllText(orders).Replace("public class OrdersController", "public sealed class OrdersController", StringComparison.Ordinal));
        var warm = await BuildAsync(directory, cache, "warm-2");
        var oneShot = await BuildAsync(directory, null, "one-shot");

        Assert.Equal(oneShot.Stdout, warm.Stdout.Replace("warm-2", "one-shot", StringComparison.Ordinal));
        AssertSameCard(Path.Combine(directory.Path, "one-shot"), Path.Combine(directory.Path, "warm-2"));
        Assert.Contains("OrdersController", File.ReadAllText(Path.Combine(directory.Path, "warm-2", "risk-card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_ReparsesOnlyTheEditedSource_AndReloadsWhenAReferenceChanges()
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var cache = new LoadedProjectCache();

        var first = cache.Load(inputs, CancellationToken.None);
        var orders = inputs.Sources.Single(s => s.EndsWith("OrdersController.cs", StringComparison.Ordinal));
        File.AppendAllText(orders, "// edited\n");
        var second = cache.Load(inputs, CancellationToken.None);

        var kept = first.Compilation.SyntaxTrees.Zip(second.Compilation.SyntaxTrees).Count(pair => ReferenceEquals(pair.First, pair.Second));
        Assert.Equal(inputs.Sources.Count - 1, kept);
        Assert.Contains("// edited", second.Compilation.SyntaxTrees.Single(t => t.FilePath == orders).ToString(), StringComparison.Ordinal);
        Assert.Same(first.Compilation.References.First(), second.Compilation.References.First());

        // A reference rebuilt (another size or time) is another project: nothing is reused.
        var stub = directory.Write("lib/Stub.dll", "");
        File.Copy(inputs.References[0], stub, overwrite: true);
        inputs.References.Add(stub);
        var third = cache.Load(inputs, CancellationToken.None);
        Assert.DoesNotContain(third.Compilation.SyntaxTrees, t => first.Compilation.SyntaxTrees.Contains(t) || second.Compilation.SyntaxTrees.Contains(t));
    }

    [Theory]
    [InlineData("file", null, null)]
    [InlineData("none", null, null)]
    [InlineData("repository", null, "sandbox repository")]
    [InlineData("file", "/elsewhere/out", "outside the repository")]
    [InlineData("file", "{root}/../escape/out", "outside the repository")]
    [InlineData("file", "relative/out", "not an absolute path")]
    public void ServedRequest_TakesOnlyFileSandboxBuilds_InsideTheRepository(string sandbox, string? output, string? refusal)
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        var arguments = new List<string> { "build", "--inputs", TestProjects.InputsPath(inputs), "--repository-root", directory.Path, "--sandbox", sandbox, "--fail-on", "never" };
        if (output is not null)
        {
            arguments.AddRange(["--output", output.Replace("{root}", directory.Path, StringComparison.Ordinal)]);
        }

        var reason = ServedRequest.WhyNotServed(arguments);

        if (refusal is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(refusal, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ServedRequest_RefusesASourceOutsideTheRepository()
    {
        using var outside = new TempDirectory();
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteControllerProject(directory);
        inputs.Sources.Add(outside.Write("Linked.cs", "class Linked { }\n"));
        File.WriteAllText(TestProjects.InputsPath(inputs), inputs.Write());

        var reason = ServedRequest.WhyNotServed(["build", "--inputs", TestProjects.InputsPath(inputs), "--repository-root", directory.Path, "--sandbox", "file"]);

        Assert.Contains("Linked.cs is outside the repository", reason, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout)> BuildAsync(TempDirectory directory, LoadedProjectCache? cache, string output)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(
            ["build", "--inputs", Path.Combine(directory.Path, "src", "Shop", "obj", "aegis", "compile-inputs.txt"), "--output", Path.Combine(directory.Path, output), "--repository-root", directory.Path, "--sandbox", "file", "--fail-on", "never"],
            stdout, stderr, _ => null, TestProjects.Catalog, stderrIsTerminal: false, projectCache: cache);
        Assert.True(exit == 0, stderr.ToString());
        return (exit, stdout.ToString());
    }

    /// <summary>
    /// The three card files equal once each card's own <c>ts</c> and <c>request_id</c> are blanked, and the sandbox
    /// commands' measured <c>duration_ms</c> (two one-shot runs differ there too).
    /// </summary>
    internal static void AssertSameCard(string expectedFolder, string actualFolder)
    {
        foreach (var name in new[] { "risk-card.json", "risk-card.md", "risk-card.html" })
        {
            Assert.Equal(Normalized(expectedFolder, name), Normalized(actualFolder, name));
        }
    }

    private static string Normalized(string folder, string name)
    {
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "risk-card.json")));
        var ts = card.RootElement.GetProperty("ts").GetRawText();
        var id = card.RootElement.GetProperty("request_id").GetString()!;
        var text = File.ReadAllText(Path.Combine(folder, name)).Replace(id, "<request_id>", StringComparison.Ordinal).Replace(ts, "<ts>", StringComparison.Ordinal).Replace(Path.GetFileName(folder), "<out>", StringComparison.Ordinal);
        return Durations.Replace(text, "${name}<ms>");
    }

    // The JSON's "duration_ms": 73, and the "73 ms" cells of the Markdown and HTML sandbox tables.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<name>""duration_ms"":\s*)\d+|\d+(?= ms(?: \||</td>))")]
    private static partial System.Text.RegularExpressions.Regex DurationPattern();
}
