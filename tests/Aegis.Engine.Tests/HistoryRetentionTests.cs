using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// <c>.aegis/history/</c> is bounded (policy <c>history</c>: <c>max_records</c>, <c>max_age_days</c>) and pruning
/// never takes what a parallel writer just wrote, nor anything that is not a record.
/// </summary>
public sealed class HistoryRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A record whose card time is <paramref name="cardAge"/> ago, written to disk <paramref name="writtenAgo"/> ago.</summary>
    private static string Seed(TempDirectory directory, TimeSpan cardAge, TimeSpan writtenAgo, string id)
    {
        var name = (Now - cardAge).ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture) + "-req_" + id + ".json";
        var path = directory.Write(Path.Combine(".aegis", "history", name), "{}\n");
        File.SetLastWriteTimeUtc(path, (Now - writtenAgo).UtcDateTime);
        return path;
    }

    private static string[] Remaining(TempDirectory directory)
        => Directory.GetFiles(RiskHistory.DirectoryFor(directory.Path)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Prune_BeyondMaxRecords_DeletesTheOldest_KeepsTheNewest()
    {
        using var directory = new TempDirectory();
        var records = Enumerable.Range(1, 6).Select(i => Seed(directory, TimeSpan.FromHours(7 - i), TimeSpan.FromHours(7 - i), "n" + i)).ToArray();

        var deleted = RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 4, MaxAgeDays: 0), now: Now);

        Assert.Equal(2, deleted);
        Assert.Equal(records[2..].Select(Path.GetFileName), Remaining(directory));
    }

    [Fact]
    public void Prune_OlderThanMaxAge_Deleted_YoungerKept()
    {
        using var directory = new TempDirectory();
        var old = Seed(directory, TimeSpan.FromDays(31), TimeSpan.FromDays(31), "old");
        var recent = Seed(directory, TimeSpan.FromDays(29), TimeSpan.FromDays(29), "recent");

        var deleted = RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 0, MaxAgeDays: 30), now: Now);

        Assert.Equal(1, deleted);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public void Prune_WithinBounds_OrBothBoundsOff_DeletesNothing()
    {
        using var directory = new TempDirectory();
        var records = Enumerable.Range(1, 3).Select(i => Seed(directory, TimeSpan.FromDays(400 + i), TimeSpan.FromDays(400 + i), "k" + i)).ToArray();

        Assert.Equal(0, RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 0, MaxAgeDays: 0), now: Now));
        Assert.Equal(0, RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 3, MaxAgeDays: 0), now: Now));
        Assert.Equal(0, RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 0, MaxAgeDays: 500), now: Now));
        Assert.Equal(records.Select(Path.GetFileName).Order(StringComparer.Ordinal), Remaining(directory));
        Assert.Equal(0, RiskHistory.Prune(Path.Combine(directory.Path, "no-such-repository"), HistoryRetention.Default, now: Now));
    }

    [Fact]
    public void Prune_NeverTakesARecordJustWrittenByAnotherWriter_NorTheOneJustRecorded()
    {
        using var directory = new TempDirectory();
        // A slow parallel build: its card is from two hours ago (older than everything else), its file one minute old.
        var parallel = Seed(directory, TimeSpan.FromHours(2), TimeSpan.FromMinutes(1), "parallel");
        var mine = Seed(directory, TimeSpan.FromHours(3), TimeSpan.FromHours(3), "mine");
        var newer = Seed(directory, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), "newer");

        var deleted = RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 1, MaxAgeDays: 0), justWritten: mine, now: Now);

        Assert.Equal(0, deleted);
        Assert.True(File.Exists(parallel));
        Assert.True(File.Exists(mine));
        Assert.True(File.Exists(newer));
    }

    [Fact]
    public void Prune_LeavesEverythingThatIsNotARecord()
    {
        using var directory = new TempDirectory();
        var history = RiskHistory.DirectoryFor(directory.Path);
        var old = Now - TimeSpan.FromDays(1000);
        string[] foreign = ["notes.json", ".0123456789abcdef.tmp", "12345-short.json", "00000000000000x-req_x.json", "README.md"];
        foreach (var name in foreign)
        {
            File.SetLastWriteTimeUtc(directory.Write(Path.Combine(".aegis", "history", name), "keep"), old.UtcDateTime);
        }

        Seed(directory, TimeSpan.FromDays(1000), TimeSpan.FromDays(1000), "record");

        Assert.Equal(1, RiskHistory.Prune(directory.Path, new HistoryRetention(MaxRecords: 0, MaxAgeDays: 1), now: Now));
        Assert.Equal(foreign.Order(StringComparer.Ordinal), Remaining(directory));
        Assert.True(Directory.Exists(history));
    }

    [Fact]
    public void Prune_IgnoresDeletionFailures_AndGoesOn()
    {
        using var directory = new TempDirectory();
        var locked = Seed(directory, TimeSpan.FromDays(200), TimeSpan.FromDays(200), "locked");
        var gone = Seed(directory, TimeSpan.FromDays(201), TimeSpan.FromDays(201), "protected");
        var free = Seed(directory, TimeSpan.FromDays(202), TimeSpan.FromDays(202), "free");

        var deleted = RiskHistory.Prune(directory.Path, HistoryRetention.Default, now: Now, delete: path =>
        {
            if (path == locked)
            {
                throw new IOException("The process cannot access the file because it is being used by another process.");
            }

            if (path == gone)
            {
                throw new UnauthorizedAccessException("Access denied.");
            }

            File.Delete(path);
        });

        Assert.Equal(1, deleted);
        Assert.True(File.Exists(locked));
        Assert.True(File.Exists(gone));
        Assert.False(File.Exists(free));
    }

    [Fact]
    public async Task Prune_ParallelWritersAndPruners_KeepEveryFreshRecord_ThrowNothing()
    {
        using var directory = new TempDirectory();
        var stale = Enumerable.Range(0, 40).Select(i => Seed(directory, TimeSpan.FromDays(100 + i), TimeSpan.FromDays(100 + i), "stale" + i)).ToArray();
        var retention = new HistoryRetention(MaxRecords: 5, MaxAgeDays: 90);

        // Eight builds at once, each writing cards and pruning after each, as the engine does.
        var written = await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            var mine = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                var card = new RiskCard { Ts = Now.AddMinutes(-writer).ToUnixTimeMilliseconds() / 1000.0, RequestId = "req_" + Guid.NewGuid().ToString("N") };
                var path = RiskHistory.Record(directory.Path, card, "{}\n");
                mine.Add(path);
                RiskHistory.Prune(directory.Path, retention, justWritten: path);
            }

            return mine;
        })));

        // Every record written in this run is younger than the grace period: all survive, though there are 80 > 5.
        Assert.All(written.SelectMany(w => w), path => Assert.True(File.Exists(path), path + " was pruned"));
        Assert.All(stale, path => Assert.False(File.Exists(path), path + " was kept"));
        Assert.Empty(Directory.GetFiles(RiskHistory.DirectoryFor(directory.Path), "*.tmp"));
    }

    [Fact]
    public void Policy_History_DefaultsToBounded_AndReadsTheFile()
    {
        using var directory = new TempDirectory();
        Assert.Equal(new HistoryRetention(500, 90), AegisPolicy.Load(directory.Path).History);

        directory.Write(".aegis/policy.json", """{"history":{"max_records":20}}""");
        Assert.Equal(new HistoryRetention(20, 90), AegisPolicy.Load(directory.Path).History);

        directory.Write(".aegis/policy.json", """{"history":{"max_records":0,"max_age_days":7}}""");
        Assert.Equal(new HistoryRetention(0, 7), AegisPolicy.Load(directory.Path).History);
    }

    [Theory]
    [InlineData("""{"history":500}""")]
    [InlineData("""{"history":{"max_records":-1}}""")]
    [InlineData("""{"history":{"max_age_days":1.5}}""")]
    [InlineData("""{"history":{"max_records":"500"}}""")]
    public void Policy_History_Malformed_IsAEGB005(string content)
    {
        using var directory = new TempDirectory();
        directory.Write(".aegis/policy.json", content);

        var error = Assert.Throws<AegisException>(() => AegisPolicy.Load(directory.Path));

        Assert.Equal(ErrorCodes.CorruptStateFile, error.Code);
        Assert.Contains("history", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_PrunesTheHistoryToThePolicy_KeepingItsOwnRecord()
    {
        using var directory = new TempDirectory();
        directory.Write("src/App/Greeter.cs", "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n");
        directory.Write(".aegis/policy.json", """{"history":{"max_records":2}}""");
        var now = DateTimeOffset.UtcNow;
        var seeded = Enumerable.Range(1, 4).Select(i =>
        {
            var name = (now - TimeSpan.FromDays(i)).ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture) + "-req_seed" + i + ".json";
            var path = directory.Write(Path.Combine(".aegis", "history", name), "{}\n");
            File.SetLastWriteTimeUtc(path, (now - TimeSpan.FromDays(i)).UtcDateTime);
            return path;
        }).ToArray();

        var (exit, _, stdout, _) = await ProposeAndGateTests.ProposeAsync(directory, new { file = "src/App/Greeter.cs", content = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => $\"Hello {name}!\";\n}\n", intent = "add an exclamation mark", actor = "helper" });

        Assert.Equal(0, exit);
        var records = RiskHistory.List(directory.Path);
        Assert.Equal(2, records.Count);
        Assert.Contains(seeded[0], records);
        Assert.Contains(records, r => stdout.Contains(Path.GetFileName(r), StringComparison.Ordinal));
    }
}
