using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// <c>aegis watch</c>: bounded by <c>--iterations</c>, it adopts a baseline on the first poll, repairs a finding
/// introduced between polls (written only with <c>--apply</c>), records it, ratchets the baseline; cancellation stops
/// it between iterations, and a cancelled iteration writes nothing.
/// </summary>
public sealed class WatchCommandTests
{
    private const string Orders = "src/Shop/Controllers/OrdersController.cs";

    /// <summary>Four authorized controllers: no incident until a test opens one.</summary>
    private static TempDirectory CleanShop()
    {
        var directory = new TempDirectory();
        var files = new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            ["src/Shop/Controllers/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
            ["src/Shop/Controllers/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
            [Orders] = ShopSources.AuthorizedController.Replace("{0}", "Orders"),
        };
        var inputs = TestProjects.WriteBuiltProject(directory, "src/Shop/Shop.csproj", files);
        // The test edits a source between polls: the build's inputs must stay the newer (they list every source already).
        File.SetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(inputs.ProjectPath)!, "obj", "Debug", "net10.0", "aegis", "compile-inputs.txt"), DateTime.UtcNow.AddHours(1));
        return directory;
    }

    /// <summary>Runs watch in process; <paramref name="onLine"/> sees each JSON line as it is printed (the test acts between polls).</summary>
    private static async Task<(int Exit, List<JsonElement> Lines, string Stderr)> WatchAsync(TempDirectory directory, Action<int, JsonElement>? onLine, CancellationToken cancellationToken, params string[] extra)
    {
        var lines = new List<JsonElement>();
        var stdout = new LineWriter(line =>
        {
            using var document = JsonDocument.Parse(line);
            lines.Add(document.RootElement.Clone());
            onLine?.Invoke(lines.Count, lines[^1]);
        });
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(
            new[] { "watch", directory.Path, "--repository-root", directory.Path, "--sandbox", "file", "--interval", "1", "--json" }.Concat(extra).ToArray(),
            stdout, stderr, _ => null, TestProjects.Catalog, cancellationToken);
        return (exit, lines, stderr.ToString());
    }

    private static void AllStateParses(TempDirectory directory)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(directory.Path, ".aegis"), "*.json", SearchOption.AllDirectories))
        {
            using var _ = JsonDocument.Parse(File.ReadAllText(file));
        }

        Assert.Empty(Directory.EnumerateFiles(directory.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Watch_Apply_AdoptsABaseline_ThenRepairsAFindingIntroducedBetweenIterations()
    {
        using var directory = CleanShop();

        var (exit, lines, stderr) = await WatchAsync(directory, (n, _) =>
        {
            if (n == 1)
            {
                File.WriteAllText(Path.Combine(directory.Path, Orders), ShopSources.OpenController);
            }
        }, CancellationToken.None, "--iterations", "2", "--apply");

        Assert.True(exit == 0, stderr);
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].GetProperty("baseline_created").GetBoolean());
        Assert.Equal(0, lines[0].GetProperty("new").GetInt32());
        Assert.Equal(1, lines[1].GetProperty("new").GetInt32());
        Assert.Equal(Orders, Assert.Single(lines[1].GetProperty("written").EnumerateArray()).GetString());
        Assert.Contains("[Authorize]", File.ReadAllText(Path.Combine(directory.Path, Orders)), StringComparison.Ordinal);
        Assert.Equal(1, KnowledgeBase.Read(directory.Path).Patterns.Sum(p => p.Verified));
        using var baseline = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, ".aegis", "baseline.json")));
        Assert.Equal(0, baseline.RootElement.GetProperty("incidents").GetArrayLength()); // the repaired finding never entered it
        AllStateParses(directory);
    }

    [Fact]
    public async Task Watch_WithoutApply_RepairsInTheSandboxOnly_AndRecordsIt()
    {
        using var directory = CleanShop();

        var (exit, lines, _) = await WatchAsync(directory, (n, _) =>
        {
            if (n == 1)
            {
                File.WriteAllText(Path.Combine(directory.Path, Orders), ShopSources.OpenController);
            }
        }, CancellationToken.None, "--iterations", "2");

        Assert.Equal(0, exit);
        Assert.Equal(1, lines[1].GetProperty("new").GetInt32());
        Assert.Empty(lines[1].GetProperty("written").EnumerateArray());
        Assert.Equal(ShopSources.OpenController, File.ReadAllText(Path.Combine(directory.Path, Orders)));
        Assert.Equal(1, KnowledgeBase.Read(directory.Path).Patterns.Sum(p => p.Verified));
        Assert.Empty(KnowledgeBase.Read(directory.Path).Applied);
    }

    [Fact]
    public async Task Watch_NothingChanged_SecondIterationDoesNoWork()
    {
        using var directory = CleanShop();

        var (exit, lines, _) = await WatchAsync(directory, null, CancellationToken.None, "--iterations", "2");

        Assert.Equal(0, exit);
        Assert.True(lines[0].GetProperty("changed").GetBoolean());
        Assert.False(lines[1].GetProperty("changed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("card").ValueKind);
    }

    [Fact]
    public async Task Watch_Cancelled_StopsBetweenIterations_EveryStateFileWhole()
    {
        using var directory = CleanShop();
        using var cancellation = new CancellationTokenSource();

        var (exit, lines, _) = await WatchAsync(directory, (_, _) => cancellation.Cancel(), cancellation.Token); // no --iterations: until cancelled

        Assert.Equal(0, exit);
        Assert.Single(lines);
        Assert.True(File.Exists(Path.Combine(directory.Path, ".aegis", "baseline.json")));
        AllStateParses(directory);
    }

    [Fact]
    public async Task Watch_CancelledWhileReading_WritesNothing()
    {
        using var directory = CleanShop();
        using var cancellation = new CancellationTokenSource();
        var stderr = new LineWriter(line =>
        {
            if (line.StartsWith("aegis: snapshot ", StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        });

        var exit = await AegisCommandLine.RunAsync(
            new[] { "watch", directory.Path, "--repository-root", directory.Path, "--sandbox", "file", "--iterations", "3" },
            new StringWriter(), stderr, _ => null, TestProjects.Catalog, cancellation.Token, stderrIsTerminal: true);

        Assert.Equal(0, exit);
        Assert.True(cancellation.IsCancellationRequested);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, ".aegis")) && Directory.EnumerateFiles(Path.Combine(directory.Path, ".aegis"), "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("--interval", "-1")]
    [InlineData("--iterations", "-2")]
    public async Task Watch_BadBound_AEGB010(string option, string value)
    {
        using var directory = new TempDirectory();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(new[] { "watch", directory.Path, option, value }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);
        Assert.Equal(2, exit);
        Assert.Contains("AEGB010", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A writer that hands each completed line to a callback as it is written.</summary>
    private sealed class LineWriter(Action<string> onLine) : StringWriter
    {
        private string pending = "";

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            pending += value;
            int newline;
            while ((newline = pending.IndexOf('\n', StringComparison.Ordinal)) >= 0)
            {
                var line = pending[..newline];
                pending = pending[(newline + 1)..];
                if (line.Trim().Length > 0)
                {
                    onLine(line);
                }
            }
        }

        public override void WriteLine(string? value) => Write(value + "\n");
    }
}
