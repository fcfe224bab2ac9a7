using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Events;
using Aegis.Engine.History;
using Aegis.Engine.RiskCards;
using Xunit.Abstractions;

namespace Aegis.Events.Tests;

/// <summary>
/// <c>aegis process-inbox</c> as real processes: two at once never take the same event, a killed one loses none, a
/// malformed event gets one result and is never retried. Alert events: cheap (no compilation), and each writes a card,
/// so processing an event twice would show as a second history record for it.
/// </summary>
[Collection(nameof(InboxTests))]
public sealed class InboxTests(ITestOutputHelper output)
{
    private const int Events = 200;

    [Fact]
    public async Task TwoProcessors_200Events_EachProcessedExactlyOnce()
    {
        using var directory = Repository();
        WriteEvents(directory, Events);
        var clock = Stopwatch.StartNew();

        using var first = StartInbox(directory);
        using var second = StartInbox(directory);
        var outputs = await Task.WhenAll(WaitAsync(first), WaitAsync(second));

        output.WriteLine($"{Events} events, two processors: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.All(outputs, o => Assert.True(o.ExitCode == 0, o.Text));
        // Each processor says how many it took; together, every event once.
        Assert.Equal(Events, outputs.Sum(o => ProcessedCount(o.Text)));
        AssertEveryEventProcessedOnce(directory);
    }

    [Fact]
    public async Task AProcessorKilledMidRun_LosesNothing_TheNextRunFinishesEveryEvent()
    {
        using var directory = Repository();
        WriteEvents(directory, Events);
        var results = EventResults.DirectoryFor(directory.Path);

        using (var doomed = StartInbox(directory))
        {
            // Drained as it runs, so a full pipe never stalls the processor before it is killed.
            _ = doomed.StandardOutput.ReadToEndAsync();
            _ = doomed.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((!Directory.Exists(results) || Directory.GetFiles(results, "*.json").Length < 20) && DateTime.UtcNow < deadline && !doomed.HasExited)
            {
                await Task.Delay(20);
            }

            doomed.Kill(entireProcessTree: true);
            await doomed.WaitForExitAsync();
        }

        var done = Directory.GetFiles(results, "*.json").Length;
        output.WriteLine($"killed after {done} results; claims left: {Directory.GetFiles(EventInbox.ProcessingDirectory(directory.Path)).Length}");
        Assert.InRange(done, 1, Events - 1);

        using var again = StartInbox(directory);
        var rerun = await WaitAsync(again);

        Assert.True(rerun.ExitCode == 0, rerun.Text);
        output.WriteLine(rerun.Text.Split('\n').LastOrDefault(l => l.StartsWith("aegis: inbox: ", StringComparison.Ordinal)));
        AssertEveryEventProcessedOnce(directory, killedMidCard: true);
    }

    [Fact]
    public async Task AStaleClaim_IsTakenAgain_ALiveOnesIsLeftAlone()
    {
        using var directory = Repository();
        var processing = EventInbox.ProcessingDirectory(directory.Path);
        Directory.CreateDirectory(processing);
        // A processor that is gone (no such process) and one that is running: this test itself.
        File.WriteAllText(Path.Combine(processing, "gone.json~999999~1~abcd1234"), Alert("gone"));
        using var self = Process.GetCurrentProcess();
        var selfStart = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        var alive = Path.Combine(processing, "alive.json~" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "~" + selfStart.ToString(CultureInfo.InvariantCulture) + "~abcd1234");
        File.WriteAllText(alive, Alert("alive"));
        var stdout = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "process-inbox", "--once", "--repository-root", directory.Path }, stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Contains("1 processed, 0 failed, 1 taken over from a stopped processor", stdout.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(EventResults.PathFor(directory.Path, "gone")));
        Assert.True(File.Exists(Path.Combine(EventInbox.ProcessedDirectory(directory.Path), "gone.json")));
        Assert.True(File.Exists(alive));
        Assert.False(File.Exists(EventResults.PathFor(directory.Path, "alive")));
    }

    [Fact]
    public async Task AMalformedEvent_OneResultWithOneCodedErrorNamingTheFile_MovedOut_NeverRetried()
    {
        using var directory = Repository();
        var events = EventInbox.EventsDirectory(directory.Path);
        Directory.CreateDirectory(events);
        File.WriteAllText(Path.Combine(events, "broken.json"), "{ \"kind\": \"alert\", ");
        File.WriteAllText(Path.Combine(events, "ok.json"), Alert("ok"));
        // A writer's temp file, still being written: not an event yet.
        File.WriteAllText(Path.Combine(events, ".ok2.json.0123.tmp"), "{");
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "process-inbox", "--once", "--repository-root", directory.Path, "--json" }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);
        var second = await AegisCommandLine.RunAsync(new[] { "process-inbox", "--once", "--repository-root", directory.Path }, new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal((0, 0), (exit, second));
        var invalid = Path.Combine(EventResults.DirectoryFor(directory.Path), "invalid-broken.json");
        var result = EventResult.Parse(File.ReadAllText(invalid));
        Assert.Equal(EventStatuses.Failed, result.Status);
        Assert.Equal("AEGB075", result.Error!.Code);
        Assert.Contains(".aegis/inbox/events/broken.json", result.Error.Message, StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Split('\n'), l => l.Contains("AEGB075", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(EventInbox.FailedDirectory(directory.Path), "broken.json")));
        Assert.Equal(new[] { "invalid-broken.json", "ok.json" }, Directory.GetFiles(EventResults.DirectoryFor(directory.Path)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { ".ok2.json.0123.tmp" }, Directory.GetFiles(events).Select(Path.GetFileName));
        Assert.Single(RiskHistory.List(directory.Path));
    }

    private static void AssertEveryEventProcessedOnce(TempDirectory directory, bool killedMidCard = false)
    {
        var expected = Enumerable.Range(0, Events).Select(Id).ToList();
        var resultFiles = Directory.GetFiles(EventResults.DirectoryFor(directory.Path), "*.json");
        var results = resultFiles.Select(f => EventResult.Parse(File.ReadAllText(f))).ToList();
        Assert.Equal(expected, results.Select(r => r.EventId!).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(EventStatuses.Processed, r.Status));
        Assert.Equal(Events, results.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());

        // The cards: one per event. A processor killed between an event's card and its result leaves that one card
        // without a result; the event is processed again, so at most one event may have a second card then.
        var cardEvents = RiskHistory.List(directory.Path).Select(r =>
        {
            using var card = JsonDocument.Parse(File.ReadAllText(r));
            return card.RootElement.GetProperty("action").GetProperty("event").GetString()!;
        }).ToList();
        Assert.Equal(expected, cardEvents.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        Assert.InRange(cardEvents.Count, Events, killedMidCard ? Events + 1 : Events);

        Assert.Empty(Directory.GetFiles(EventInbox.EventsDirectory(directory.Path)));
        Assert.Empty(Directory.GetFiles(EventInbox.ProcessingDirectory(directory.Path)));
        Assert.Equal(Events, Directory.GetFiles(EventInbox.ProcessedDirectory(directory.Path)).Length);

        // The index holds each result once and every card.
        var index = new HistoryIndex(directory.Path);
        Assert.Equal(expected, index.Results(limit: 10_000).Select(r => r.EventId!).Order(StringComparer.Ordinal));
        Assert.Equal(cardEvents.Count, index.Query(new HistoryQuery(Verb: "alert", Limit: 10_000)).Count);
    }

    private static string Id(int i) => "ev-" + i.ToString("D3", CultureInfo.InvariantCulture);

    private static string Alert(string id) => "{\"id\":\"" + id + "\",\"kind\":\"alert\",\"source\":\"waf\",\"payload\":{\"endpoint\":\"GET /api/items/" + id + "\",\"message\":\"blocked request\"}}";

    private static TempDirectory Repository()
    {
        var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, ".git"));
        return directory;
    }

    private static void WriteEvents(TempDirectory directory, int count)
    {
        var events = EventInbox.EventsDirectory(directory.Path);
        Directory.CreateDirectory(events);
        for (var i = 0; i < count; i++)
        {
            File.WriteAllText(Path.Combine(events, Id(i) + ".json"), Alert(Id(i)));
        }
    }

    private static Process StartInbox(TempDirectory directory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { CliUnderTest.Path, "process-inbox", "--once", "--repository-root", directory.Path })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("CI");
        return Process.Start(start)!;
    }

    private static async Task<(int ExitCode, string Text)> WaitAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int ProcessedCount(string text)
    {
        var line = text.Split('\n').Single(l => l.StartsWith("aegis: inbox: ", StringComparison.Ordinal));
        return int.Parse(line["aegis: inbox: ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
    }
}

/// <summary>The process tests run one at a time: each starts processors that want both cores.</summary>
[CollectionDefinition(nameof(InboxTests), DisableParallelization = true)]
public sealed class InboxCollection;
