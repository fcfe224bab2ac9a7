using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Events;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;
using Microsoft.Data.Sqlite;

namespace Aegis.Engine.History;

/// <summary>What <c>aegis history</c> (and <c>GET /risk-cards</c>) asks the index for; null: any.</summary>
/// <param name="Status"><c>allow</c> or <c>blocked</c>.</param>
/// <param name="Since">Cards at or after this time.</param>
/// <param name="Verb">The card's <c>action.kind</c>: build, scan, verify, propose, push, alert…</param>
/// <param name="Limit">At most this many, newest first.</param>
public sealed record HistoryQuery(string? Status = null, DateTimeOffset? Since = null, string? Verb = null, int Limit = 50);

/// <summary>One card as the index holds it: enough for a list; <see cref="RecordPath"/> is the card itself.</summary>
/// <param name="RecordPath">The history record (<c>.aegis/history/&lt;ts&gt;-&lt;request_id&gt;.json</c>), absolute.</param>
/// <param name="EventId">The event the card was made for (<c>action.event</c>), if any.</param>
public sealed record HistoryEntry(string RequestId, double Ts, string Status, int RiskScore, string RiskLevel, string Recommendation, string Verb, int Incidents, string Explanation, string RecordPath, string? EventId)
{
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(Ts * 1000));
}

/// <summary>
/// <c>.aegis/aegis.db</c>: a SQLite index of the cards (<c>.aegis/history/</c>) and of the event results
/// (<c>.aegis/inbox/results/</c>), for queries. The JSON files stay the source of truth: each is written before it is
/// indexed, and the index is rebuilt from them when it is missing, corrupt or of an older schema. WAL, so readers never
/// wait for a writer; a busy timeout, so parallel builds take turns instead of failing. Every public method of an
/// instance may throw <see cref="SqliteException"/> or <see cref="IOException"/>; fronts that must not fail use
/// <see cref="TryRecordCard"/> and <see cref="TryRecordResult"/>, which return a warning instead.
/// </summary>
public sealed class HistoryIndex
{
    public const string FileName = "aegis.db";

    /// <summary>The schema this build writes (SQLite's <c>user_version</c>). An older file is rebuilt; see <see cref="Migrations"/>.</summary>
    public const int SchemaVersion = 1;

    private const int BusyTimeoutMilliseconds = 15_000;

    /// <summary>
    /// The schema, one entry per version, applied in order from the file's <c>user_version</c>. The index holds nothing
    /// the files do not, so an index older than the first entry here (or of a version without an entry) is dropped and
    /// rebuilt rather than altered in place.
    /// </summary>
    private static readonly IReadOnlyList<(int Version, string Sql)> Migrations = new[]
    {
        (1, """
            CREATE TABLE IF NOT EXISTS cards (
                request_id TEXT PRIMARY KEY,
                ts REAL NOT NULL,
                status TEXT NOT NULL,
                risk_score INTEGER NOT NULL,
                risk_level TEXT NOT NULL,
                recommendation TEXT NOT NULL,
                verb TEXT NOT NULL,
                incidents INTEGER NOT NULL,
                explanation TEXT NOT NULL,
                record TEXT NOT NULL,
                event_id TEXT);
            CREATE INDEX IF NOT EXISTS cards_ts ON cards (ts DESC);
            CREATE TABLE IF NOT EXISTS events (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                received_at TEXT NOT NULL,
                repository TEXT,
                ref TEXT,
                files TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS event_results (
                id TEXT PRIMARY KEY,
                event_id TEXT,
                kind TEXT,
                status TEXT NOT NULL,
                request_id TEXT,
                card TEXT,
                plan TEXT,
                error_code TEXT,
                message TEXT NOT NULL,
                origin TEXT,
                processed_at TEXT NOT NULL,
                record TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS event_results_event ON event_results (event_id);
            """),
    };

    private readonly string repositoryRoot;

    public HistoryIndex(string repositoryRoot)
    {
        this.repositoryRoot = Path.GetFullPath(repositoryRoot);
        DatabasePath = PathFor(this.repositoryRoot);
    }

    public string DatabasePath { get; }

    /// <summary>Why the last <see cref="Open"/> rebuilt the index (missing, corrupt, older schema), or null.</summary>
    public string? RebuiltBecause { get; private set; }

    public static string PathFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", FileName);

    /// <summary>Indexes a card whose history record was just written; a failure is a warning (AEGB079), never an error.</summary>
    public static string? TryRecordCard(string repositoryRoot, string recordPath, string cardJson)
        => Try(repositoryRoot, index => index.RecordCard(recordPath, cardJson));

    /// <summary>Indexes an event result whose file was just written; a failure is a warning (AEGB079).</summary>
    public static string? TryRecordResult(string repositoryRoot, string resultPath, EventResult result)
        => Try(repositoryRoot, index => index.RecordResult(resultPath, result));

    public void RecordCard(string recordPath, string cardJson)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        InsertCard(connection, recordPath, cardJson);
        transaction.Commit();
    }

    public void RecordResult(string resultPath, EventResult result)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        InsertResult(connection, resultPath, result);
        transaction.Commit();
    }

    /// <summary>The cards that match, newest first. A card whose record was pruned since it was indexed is dropped from
    /// the index and left out.</summary>
    public IReadOnlyList<HistoryEntry> Query(HistoryQuery query)
    {
        using var connection = Open();
        CatchUp(connection);
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Status is { } status)
        {
            where.Add("status = $status");
            command.Parameters.AddWithValue("$status", status);
        }

        if (query.Since is { } since)
        {
            where.Add("ts >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds() / 1000.0);
        }

        if (query.Verb is { } verb)
        {
            where.Add("verb = $verb");
            command.Parameters.AddWithValue("$verb", verb);
        }

        command.CommandText = "SELECT request_id, ts, status, risk_score, risk_level, recommendation, verb, incidents, explanation, record, event_id FROM cards"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY ts DESC, request_id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", Math.Max(0, query.Limit));
        var entries = new List<HistoryEntry>();
        var pruned = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var entry = ReadEntry(reader);
                if (File.Exists(entry.RecordPath))
                {
                    entries.Add(entry);
                }
                else
                {
                    pruned.Add(entry.RequestId);
                }
            }
        }

        if (pruned.Count > 0)
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM cards WHERE request_id = $id";
            var id = delete.Parameters.Add("$id", SqliteType.Text);
            foreach (var requestId in pruned)
            {
                id.Value = requestId;
                delete.ExecuteNonQuery();
            }

            // A pruned card made room: the page is filled again from what is left.
            return entries.Count < query.Limit ? Query(query) : entries;
        }

        return entries;
    }

    /// <summary>One card by its <c>request_id</c>, or null.</summary>
    public HistoryEntry? Find(string requestId)
    {
        using var connection = Open();
        CatchUp(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_id, ts, status, risk_score, risk_level, recommendation, verb, incidents, explanation, record, event_id FROM cards WHERE request_id = $id";
        command.Parameters.AddWithValue("$id", requestId);
        using var reader = command.ExecuteReader();
        return reader.Read() && ReadEntry(reader) is var entry && File.Exists(entry.RecordPath) ? entry : null;
    }

    /// <summary>The recorded event results, newest first, optionally of one event.</summary>
    public IReadOnlyList<EventResult> Results(string? eventId = null, int limit = 50)
    {
        using var connection = Open();
        CatchUp(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM event_results" + (eventId is null ? "" : " WHERE event_id = $event") + " ORDER BY processed_at DESC, id DESC LIMIT $limit";
        if (eventId is not null)
        {
            command.Parameters.AddWithValue("$event", eventId);
        }

        command.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        var results = new List<EventResult>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            try
            {
                results.Add(EventResult.Parse(File.ReadAllText(reader.GetString(0))));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or FormatException)
            {
                // The file is the truth: a result whose file is gone or unreadable is not listed.
            }
        }

        return results;
    }

    /// <summary>Counts for a status line: cards, and results by status.</summary>
    public (long Cards, IReadOnlyDictionary<string, long> ResultsByStatus) Counts()
    {
        using var connection = Open();
        CatchUp(connection);
        using var cards = connection.CreateCommand();
        cards.CommandText = "SELECT COUNT(*) FROM cards";
        var cardCount = (long)cards.ExecuteScalar()!;
        using var results = connection.CreateCommand();
        results.CommandText = "SELECT status, COUNT(*) FROM event_results GROUP BY status";
        var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using var reader = results.ExecuteReader();
        while (reader.Read())
        {
            byStatus[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (cardCount, byStatus);
    }

    /// <summary>Drops the index and builds it again from the files.</summary>
    public void Rebuild()
    {
        Delete();
        using var connection = Open();
    }

    /// <summary>
    /// An open connection to an index that is there and current: a missing file is created and filled from the files;
    /// a corrupt one (not a database, failing its quick check) or one of an older schema is deleted and rebuilt. A file of
    /// a newer schema (a newer Aegis) is left alone: <see cref="SqliteException"/>.
    /// </summary>
    public SqliteConnection Open()
    {
        RebuiltBecause = null;
        var existed = File.Exists(DatabasePath);
        if (!existed)
        {
            RebuiltBecause = "missing";
        }

        try
        {
            return OpenCurrent(fill: !existed);
        }
        catch (SqliteException exception) when (IsCorrupt(exception))
        {
            RebuiltBecause = "corrupt (" + exception.Message + ")";
        }
        catch (OlderSchemaException exception)
        {
            RebuiltBecause = "schema " + exception.Version.ToString(CultureInfo.InvariantCulture) + " is older than " + SchemaVersion.ToString(CultureInfo.InvariantCulture);
        }

        Delete();
        return OpenCurrent(fill: true);
    }

    private SqliteConnection OpenCurrent(bool fill)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // A rebuild deletes the file: a pooled handle would keep writing to the deleted one.
            Pooling = false,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            Execute(connection, "PRAGMA journal_mode = WAL");
            if (!fill && QuickCheck(connection) is { } problem)
            {
                throw new SqliteException("quick_check: " + problem, 11);
            }

            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new SqliteException("the index has schema " + version.ToString(CultureInfo.InvariantCulture) + ", newer than this Aegis's " + SchemaVersion.ToString(CultureInfo.InvariantCulture) + "; left alone", 1);
            }

            if (version == 0 && HasTables(connection))
            {
                // Tables without a version: written by something else, or before versions were kept.
                throw new OlderSchemaException(0);
            }

            if (version < SchemaVersion)
            {
                if (version > 0 && !Migrations.Any(m => m.Version == version + 1))
                {
                    throw new OlderSchemaException(version);
                }

                Migrate(connection, version);
                fill = true;
            }

            if (fill)
            {
                Fill(connection);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Migrate(SqliteConnection connection, int from)
    {
        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): another process that migrates meanwhile waits, and the
        // version is read again inside the write transaction.
        using var transaction = connection.BeginTransaction();
        var current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        foreach (var (version, sql) in Migrations.Where(m => m.Version > Math.Max(from, current)))
        {
            Execute(connection, sql);
            Execute(connection, "PRAGMA user_version = " + version.ToString(CultureInfo.InvariantCulture));
        }

        transaction.Commit();
    }

    /// <summary>
    /// Brings the index level with the files before a read: a record written by a process that stopped before it
    /// indexed it (killed, or its index update failed) is added, one pruned since is removed. Cheap: one folder listing
    /// and one column per table; only the files the index lacks are read.
    /// </summary>
    private void CatchUp(SqliteConnection connection)
    {
        var records = RiskHistory.List(repositoryRoot).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var resultsDirectory = EventResults.DirectoryFor(repositoryRoot);
        var results = Directory.Exists(resultsDirectory)
            ? Directory.GetFiles(resultsDirectory, "*.json").Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var indexedCards = Column(connection, "SELECT record FROM cards");
        var indexedResults = Column(connection, "SELECT record FROM event_results");
        var missingCards = records.Where(r => !indexedCards.Contains(r)).ToList();
        var missingResults = results.Where(r => !indexedResults.Contains(r)).ToList();
        var goneCards = indexedCards.Where(r => !records.Contains(r)).ToList();
        if (missingCards.Count == 0 && missingResults.Count == 0 && goneCards.Count == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        foreach (var record in missingCards)
        {
            TryIndex(() => InsertCard(connection, record, File.ReadAllText(record)));
        }

        foreach (var file in missingResults)
        {
            TryIndex(() => InsertResult(connection, file, EventResult.Parse(File.ReadAllText(file))));
        }

        using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM cards WHERE record = $record";
            var parameter = delete.Parameters.Add("$record", SqliteType.Text);
            foreach (var record in goneCards)
            {
                parameter.Value = record;
                delete.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private static HashSet<string> Column(SqliteConnection connection, string sql)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>A file that is gone meanwhile (pruned) or is not a card/result is not indexed.</summary>
    private static void TryIndex(Action index)
    {
        try
        {
            index();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
        }
    }

    /// <summary>Every card record and event result file, indexed (already indexed ones are left as they are).</summary>
    private void Fill(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var record in RiskHistory.List(repositoryRoot))
        {
            try
            {
                InsertCard(connection, record, File.ReadAllText(record));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                // Pruned meanwhile, or not a card: not indexed.
            }
        }

        var results = EventResults.DirectoryFor(repositoryRoot);
        if (Directory.Exists(results))
        {
            foreach (var file in Directory.GetFiles(results, "*.json").OrderBy(p => p, StringComparer.Ordinal))
            {
                try
                {
                    InsertResult(connection, file, EventResult.Parse(File.ReadAllText(file)));
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or FormatException)
                {
                    // Not a result (or gone): not indexed.
                }
            }
        }

        transaction.Commit();
    }

    private static void InsertCard(SqliteConnection connection, string recordPath, string cardJson)
    {
        using var document = JsonDocument.Parse(cardJson);
        var card = document.RootElement;
        string Text(string name) => card.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
        var action = card.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        string? ActionText(string name) => action.ValueKind == JsonValueKind.Object && action.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var requestId = Text("request_id");
        if (requestId.Length == 0)
        {
            throw new FormatException("not a card: no request_id");
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO cards (request_id, ts, status, risk_score, risk_level, recommendation, verb, incidents, explanation, record, event_id)
            VALUES ($request_id, $ts, $status, $risk_score, $risk_level, $recommendation, $verb, $incidents, $explanation, $record, $event_id)
            """;
        command.Parameters.AddWithValue("$request_id", requestId);
        command.Parameters.AddWithValue("$ts", card.TryGetProperty("ts", out var ts) && ts.ValueKind == JsonValueKind.Number ? ts.GetDouble() : 0.0);
        command.Parameters.AddWithValue("$status", Text("status"));
        command.Parameters.AddWithValue("$risk_score", card.TryGetProperty("risk_score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetInt32() : 0);
        command.Parameters.AddWithValue("$risk_level", Text("risk_level"));
        command.Parameters.AddWithValue("$recommendation", Text("recommendation"));
        command.Parameters.AddWithValue("$verb", ActionText("kind") ?? "");
        command.Parameters.AddWithValue("$incidents", card.TryGetProperty("incidents", out var incidents) && incidents.ValueKind == JsonValueKind.Array ? incidents.GetArrayLength() : 0);
        command.Parameters.AddWithValue("$explanation", Text("explanation"));
        command.Parameters.AddWithValue("$record", Path.GetFullPath(recordPath));
        command.Parameters.AddWithValue("$event_id", (object?)ActionText("event") ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static void InsertResult(SqliteConnection connection, string resultPath, EventResult result)
    {
        if (result.Event is { } e)
        {
            using var insertEvent = connection.CreateCommand();
            insertEvent.CommandText = """
                INSERT OR REPLACE INTO events (id, kind, source, received_at, repository, ref, files)
                VALUES ($id, $kind, $source, $received_at, $repository, $ref, $files)
                """;
            insertEvent.Parameters.AddWithValue("$id", e.Id);
            insertEvent.Parameters.AddWithValue("$kind", e.Kind);
            insertEvent.Parameters.AddWithValue("$source", e.Source);
            insertEvent.Parameters.AddWithValue("$received_at", e.ReceivedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
            insertEvent.Parameters.AddWithValue("$repository", (object?)e.Repository ?? DBNull.Value);
            insertEvent.Parameters.AddWithValue("$ref", (object?)e.Ref ?? DBNull.Value);
            insertEvent.Parameters.AddWithValue("$files", JsonSerializer.Serialize(e.Files));
            insertEvent.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO event_results (id, event_id, kind, status, request_id, card, plan, error_code, message, origin, processed_at, record)
            VALUES ($id, $event_id, $kind, $status, $request_id, $card, $plan, $error_code, $message, $origin, $processed_at, $record)
            """;
        command.Parameters.AddWithValue("$id", result.Id);
        command.Parameters.AddWithValue("$event_id", (object?)result.EventId ?? DBNull.Value);
        command.Parameters.AddWithValue("$kind", (object?)result.Kind ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", result.Status);
        command.Parameters.AddWithValue("$request_id", (object?)result.RequestId ?? DBNull.Value);
        command.Parameters.AddWithValue("$card", (object?)result.CardPath ?? DBNull.Value);
        command.Parameters.AddWithValue("$plan", (object?)result.PlanPath ?? DBNull.Value);
        command.Parameters.AddWithValue("$error_code", (object?)result.Error?.Code ?? DBNull.Value);
        command.Parameters.AddWithValue("$message", result.Message);
        command.Parameters.AddWithValue("$origin", (object?)result.Origin ?? DBNull.Value);
        command.Parameters.AddWithValue("$processed_at", result.ProcessedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$record", Path.GetFullPath(resultPath));
        command.ExecuteNonQuery();
    }

    private static HistoryEntry ReadEntry(SqliteDataReader reader)
        => new(reader.GetString(0), reader.GetDouble(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10));

    private static string? Try(string repositoryRoot, Action<HistoryIndex> action)
    {
        var index = new HistoryIndex(repositoryRoot);
        try
        {
            action(index);
            return null;
        }
        // The native library missing or unloadable (an engine copied without runtimes/, an unsupported platform) is a
        // TypeInitializationException or DllNotFoundException: an index that cannot open, not a crashed build.
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException
            or TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return "history index " + index.DatabasePath + " not updated: " + exception.Message + " (the card files are written; `aegis history --rebuild` rebuilds the index from them)";
        }
    }

    /// <summary>SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), or a failed quick check.</summary>
    private static bool IsCorrupt(SqliteException exception) => exception.SqliteErrorCode is 11 or 26;

    private static string? QuickCheck(SqliteConnection connection)
    {
        var result = Scalar(connection, "PRAGMA quick_check(1)") as string;
        return result is null or "ok" ? null : result;
    }

    private static bool HasTables(SqliteConnection connection)
        => Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"), CultureInfo.InvariantCulture) > 0;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Delete()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try
            {
                File.Delete(DatabasePath + suffix);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Held by another process on a platform that locks open files: it is rebuilt by a later run.
            }
        }
    }

    private sealed class OlderSchemaException(int version) : Exception("older schema " + version.ToString(CultureInfo.InvariantCulture))
    {
        public int Version { get; } = version;
    }
}
