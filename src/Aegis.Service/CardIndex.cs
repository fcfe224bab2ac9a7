using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aegis.Engine.RiskCards;

namespace Aegis.Service;

/// <summary>One card as the history lists it: enough to filter and link, the card itself stays in its file.</summary>
public sealed record CardEntry(string RequestId, string Status, int RiskScore, string RiskLevel, string Recommendation, double Ts, string Verb, string? File, string Summary, string RecordPath)
{
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(Ts * 1000));

    public JsonObject ToJson() => new()
    {
        ["request_id"] = RequestId,
        ["status"] = Status,
        ["risk_score"] = RiskScore,
        ["risk_level"] = RiskLevel,
        ["recommendation"] = Recommendation,
        ["ts"] = Ts,
        ["time"] = Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["verb"] = Verb,
        ["file"] = File,
        ["summary"] = Summary,
        ["href"] = "/risk-cards/" + RequestId,
    };
}

/// <summary>A history query: every filter optional; newest first; at most <see cref="Limit"/>.</summary>
public sealed record CardFilter(string? Status = null, DateTimeOffset? Since = null, string? Verb = null, int Limit = CardFilter.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;
}

/// <summary>What the service asks of the card history; the index behind it can change without the routes knowing.</summary>
public interface ICardIndex
{
    IReadOnlyList<CardEntry> Query(CardFilter filter);

    /// <summary>The card with this request id, or null.</summary>
    CardEntry? Find(string requestId);

    /// <summary>How many cards there are per (status, recommendation), for the metrics.</summary>
    IReadOnlyDictionary<(string Status, string Recommendation), int> CountByVerdict();
}

/// <summary>
/// The history read from its files, <c>.aegis/history/&lt;ms&gt;-&lt;request_id&gt;.json</c>: each record is parsed once
/// (records are never rewritten, so a parsed record is cached by path) and the directory is listed per query.
/// </summary>
public sealed partial class HistoryFileCardIndex(string repositoryRoot) : ICardIndex
{
    private readonly ConcurrentDictionary<string, CardEntry?> parsed = new(StringComparer.Ordinal);

    /// <summary>A request id as the engine makes them (<c>req_</c> + 32 hex) or any plain name: never a path.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$", RegexOptions.CultureInvariant)]
    public static partial Regex RequestIdShape();

    public IReadOnlyList<CardEntry> Query(CardFilter filter)
        => Entries()
            .Where(e => filter.Status is null || e.Status == filter.Status)
            .Where(e => filter.Verb is null || e.Verb == filter.Verb)
            .Where(e => filter.Since is null || e.Time >= filter.Since)
            .Take(filter.Limit)
            .ToList();

    public CardEntry? Find(string requestId)
        => RequestIdShape().IsMatch(requestId) ? Entries().FirstOrDefault(e => e.RequestId == requestId) : null;

    public IReadOnlyDictionary<(string Status, string Recommendation), int> CountByVerdict()
        => Entries().GroupBy(e => (e.Status, e.Recommendation)).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Newest first; a record that is not a card (hand-edited, truncated) is left out rather than failing the list.</summary>
    private IEnumerable<CardEntry> Entries()
    {
        var paths = RiskHistory.List(repositoryRoot);
        for (var i = paths.Count - 1; i >= 0; i--)
        {
            if (parsed.GetOrAdd(paths[i], Read) is { } entry)
            {
                yield return entry;
            }
        }
    }

    private static CardEntry? Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
            var card = document.RootElement;
            string? Text(JsonElement element, string name) => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var action = card.TryGetProperty("action", out var a) ? a : default;
            var verdicts = card.TryGetProperty("verdicts", out var v) ? v : default;
            return new CardEntry(
                Text(card, "request_id") ?? "",
                Text(card, "status") ?? "",
                card.GetProperty("risk_score").GetInt32(),
                Text(card, "risk_level") ?? "",
                Text(card, "recommendation") ?? "",
                card.GetProperty("ts").GetDouble(),
                Text(action, "kind") ?? "",
                Text(action, "file"),
                SecretMasker.None.Mask(Text(verdicts, "summary") ?? Text(card, "explanation") ?? ""),
                path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The history through the engine's SQLite index (<c>.aegis/aegis.db</c>), which rebuilds itself from the card files
/// when it is missing, corrupt or old; when it cannot be opened at all, the files themselves are read.
/// </summary>
public sealed class HistoryIndexCardIndex(string repositoryRoot) : ICardIndex
{
    private readonly Aegis.Engine.History.HistoryIndex index = new(repositoryRoot);
    private readonly HistoryFileCardIndex files = new(repositoryRoot);

    public IReadOnlyList<CardEntry> Query(CardFilter filter)
        => OrFiles(() => index.Query(new Aegis.Engine.History.HistoryQuery(filter.Status, filter.Since, filter.Verb, filter.Limit)).Select(Entry).ToList(), () => files.Query(filter));

    public CardEntry? Find(string requestId)
        => HistoryFileCardIndex.RequestIdShape().IsMatch(requestId) ? OrFiles(() => index.Find(requestId) is { } entry ? Entry(entry) : null, () => files.Find(requestId)) : null;

    public IReadOnlyDictionary<(string Status, string Recommendation), int> CountByVerdict()
        => OrFiles(
            () => index.Query(new Aegis.Engine.History.HistoryQuery(Limit: int.MaxValue)).GroupBy(e => (e.Status, e.Recommendation)).ToDictionary(g => g.Key, g => g.Count()),
            files.CountByVerdict);

    private static CardEntry Entry(Aegis.Engine.History.HistoryEntry e)
        => new(e.RequestId, e.Status, e.RiskScore, e.RiskLevel, e.Recommendation, e.Ts, e.Verb, null, SecretMasker.None.Mask(e.Explanation), e.RecordPath);

    private static T OrFiles<T>(Func<T> fromIndex, Func<T> fromFiles)
    {
        try
        {
            return fromIndex();
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            return fromFiles();
        }
    }
}
