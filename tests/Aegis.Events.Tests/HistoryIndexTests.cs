using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.History;
using Aegis.Engine.RiskCards;
using Microsoft.Data.Sqlite;

namespace Aegis.Events.Tests;

/// <summary>
/// <c>.aegis/aegis.db</c>: updated after each card, rebuilt from the card files when missing, corrupt or of an older
/// schema; a failure to index never fails the write nor loses the card; <c>aegis history</c> filters it.
/// </summary>
public sealed class HistoryIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Cards written the way every front writes them (RiskCardOutput.Write): verbs, statuses, one day apart.</summary>
    private static List<string> WriteCards(TempDirectory directory, params (string Verb, bool Blocked)[] cards)
    {
        var ids = new List<string>();
        for (var i = 0; i < cards.Length; i++)
        {
            var card = new RiskCard
            {
                Ts = Start.AddDays(i).ToUnixTimeMilliseconds() / 1000.0,
                RequestId = "req_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "_" + cards[i].Verb,
                Action = new() { new("kind", cards[i].Verb) },
                Status = cards[i].Blocked ? RiskStatus.Blocked : RiskStatus.Allow,
                Explanation = "card " + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            RiskScorer.Score(card);
            var files = RiskCardOutput.Write(card, SecretMasker.None, Path.Combine(directory.Path, "out", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), directory.Path, _ => null, new HistoryRetention(0, 0));
            Assert.Empty(files.Warnings);
            ids.Add(card.RequestId);
        }

        return ids;
    }

    private static readonly (string, bool)[] Mixed = { ("build", false), ("propose", true), ("scan", false), ("propose", false), ("alert", true) };

    [Fact]
    public void EveryCardWritten_IsIndexed_NewestFirst()
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);

        var index = new HistoryIndex(directory.Path);
        var all = index.Query(new HistoryQuery(Limit: 100));

        Assert.True(File.Exists(Path.Combine(directory.Path, ".aegis", "aegis.db")));
        Assert.Equal(Enumerable.Reverse(ids), all.Select(e => e.RequestId));
        Assert.Null(index.RebuiltBecause);
        var blocked = index.Find(ids[1])!;
        Assert.Equal(("propose", "blocked"), (blocked.Verb, blocked.Status));
        Assert.Equal(RiskHistory.List(directory.Path)[1], blocked.RecordPath);
        Assert.Null(index.Find("req_unknown"));
    }

    [Fact]
    public void Missing_RebuiltFromTheCardFiles()
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);
        foreach (var file in Directory.GetFiles(Path.Combine(directory.Path, ".aegis"), "aegis.db*"))
        {
            File.Delete(file);
        }

        var index = new HistoryIndex(directory.Path);
        var all = index.Query(new HistoryQuery(Limit: 100));

        Assert.Equal("missing", index.RebuiltBecause);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Select(e => e.RequestId).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public void Corrupt_RebuiltFromTheCardFiles(string how)
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);
        var path = HistoryIndex.PathFor(directory.Path);
        if (how == "garbage")
        {
            File.WriteAllText(path, "this is not a database, it is a note someone saved over it\n");
        }
        else
        {
            // A valid header with its pages cut off: SQLite opens it, and the quick check (or the first read) fails.
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.Take(Math.Min(bytes.Length, 4096 + 100)).Concat(Enumerable.Repeat((byte)0xAB, 8192)).ToArray());
        }

        var index = new HistoryIndex(directory.Path);
        var all = index.Query(new HistoryQuery(Limit: 100));

        Assert.StartsWith("corrupt", index.RebuiltBecause, StringComparison.Ordinal);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Select(e => e.RequestId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OlderSchema_RebuiltFromTheCardFiles()
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);
        var path = HistoryIndex.PathFor(directory.Path);
        foreach (var file in Directory.GetFiles(Path.Combine(directory.Path, ".aegis"), "aegis.db*"))
        {
            File.Delete(file);
        }

        // An index as an earlier layout left it: a table of its own, no schema version.
        using (var old = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = "CREATE TABLE history (id TEXT, json TEXT); INSERT INTO history VALUES ('req_stale', '{}');";
            command.ExecuteNonQuery();
        }

        var index = new HistoryIndex(directory.Path);
        var all = index.Query(new HistoryQuery(Limit: 100));

        Assert.Equal("schema 0 is older than " + HistoryIndex.SchemaVersion, index.RebuiltBecause);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Select(e => e.RequestId).Order(StringComparer.Ordinal));
        using var check = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal((long)HistoryIndex.SchemaVersion, (long)version.ExecuteScalar()!);
        using var mode = check.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
    }

    [Fact]
    public void IndexUnusable_TheCardAndItsRecordAreWrittenAnyway_AWarning()
    {
        using var directory = new TempDirectory();
        // A folder where the database file should be: SQLite cannot open it, nor can it be deleted as a file.
        Directory.CreateDirectory(HistoryIndex.PathFor(directory.Path));
        var card = new RiskCard { Ts = 1_700_000_000, RequestId = "req_unindexed" };
        RiskScorer.Score(card);

        var files = RiskCardOutput.Write(card, SecretMasker.None, Path.Combine(directory.Path, "out"), directory.Path, _ => null, HistoryRetention.Default);

        Assert.True(File.Exists(files.Json));
        Assert.True(File.Exists(files.History));
        var (code, message) = Assert.Single(files.Warnings);
        Assert.Equal("AEGB079", code);
        Assert.Contains("the card files are written", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordWrittenButNeverIndexed_ProcessKilledBetween_IsIndexedByTheNextRead()
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);
        // The record only, as a writer killed after its record and before its index update leaves it.
        var orphan = new RiskCard { Ts = Start.AddDays(30).ToUnixTimeMilliseconds() / 1000.0, RequestId = "req_orphan", Action = new() { new("kind", "build") } };
        RiskScorer.Score(orphan);
        RiskHistory.Record(directory.Path, orphan, RiskCardJson.Write(orphan, SecretMasker.None));

        var index = new HistoryIndex(directory.Path);
        var all = index.Query(new HistoryQuery(Limit: 100));

        Assert.Null(index.RebuiltBecause);
        Assert.Equal("req_orphan", all[0].RequestId);
        Assert.Equal(ids.Count + 1, all.Count);
    }

    [Fact]
    public void APrunedRecord_DropsOutOfTheIndex()
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);
        File.Delete(RiskHistory.List(directory.Path)[0]);

        var all = new HistoryIndex(directory.Path).Query(new HistoryQuery(Limit: 100));

        Assert.Equal(ids.Skip(1).Order(StringComparer.Ordinal), all.Select(e => e.RequestId).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--status", "blocked" }, new[] { 4, 1 })]
    [InlineData(new[] { "--status", "allow", "--verb", "propose" }, new[] { 3 })]
    [InlineData(new[] { "--verb", "propose" }, new[] { 3, 1 })]
    [InlineData(new[] { "--since", "2026-01-12" }, new[] { 4, 3, 2 })]
    [InlineData(new[] { "--limit", "2" }, new[] { 4, 3 })]
    [InlineData(new[] { "--verb", "verify" }, new int[0])]
    public async Task AegisHistory_Filters(string[] filter, int[] expected)
    {
        using var directory = new TempDirectory();
        var ids = WriteCards(directory, Mixed);
        var stdout = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "history", "--repository-root", directory.Path, "--json" }.Concat(filter).ToArray(), stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout.ToString());
        Assert.Equal(expected.Select(i => ids[i]), json.RootElement.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("request_id").GetString()));
    }

    [Theory]
    [InlineData("--status", "denied")]
    [InlineData("--since", "last week")]
    [InlineData("--limit", "0")]
    public async Task AegisHistory_BadFilter_AEGB010(string option, string value)
    {
        using var directory = new TempDirectory();
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "history", "--repository-root", directory.Path, option, value }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(2, exit);
        Assert.Contains("AEGB010", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AegisHistory_Text_OneLinePerCard_AndSaysWhenItRebuilt()
    {
        using var directory = new TempDirectory();
        WriteCards(directory, Mixed);
        File.WriteAllText(HistoryIndex.PathFor(directory.Path), "not a database");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "history", "--repository-root", directory.Path }, stdout, stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Equal(5, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("2026-01-14 08:00:00  blocked", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("rebuilt from the card files (corrupt", stderr.ToString(), StringComparison.Ordinal);
    }
}
