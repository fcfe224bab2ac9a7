using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Aegis.Engine.History;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis history</c>: the recorded cards, newest first, from the index (<c>.aegis/aegis.db</c>).</summary>
internal static partial class HistoryCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var status = new Option<string>("--status") { Description = "allow | blocked." };
        status.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && value is not (RiskStatus.Allow or RiskStatus.Blocked))
            {
                result.AddError("--status must be allow or blocked (got '" + value + "')");
            }
        });
        var since = new Option<string>("--since") { Description = "Cards at or after a time: ISO 8601 (2026-01-31, 2026-01-31T12:00:00Z) or an age (90m, 24h, 7d)." };
        since.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && Since(value, DateTimeOffset.UtcNow) is null)
            {
                result.AddError("--since must be an ISO 8601 time or an age such as 90m, 24h, 7d (got '" + value + "')");
            }
        });
        var verb = new Option<string>("--verb") { Description = "The card's action kind: build, scan, verify, propose, push, alert…" };
        var limit = new Option<int>("--limit") { Description = "At most this many cards (default 20).", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                result.AddError("--limit must be a whole number from 1 to 10000");
            }
        });
        var rebuild = new Option<bool>("--rebuild") { Description = "Drop .aegis/aegis.db and build it again from .aegis/history/ and .aegis/inbox/results/ first." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var history = new Command("history", "List the recorded Risk Cards, newest first (from the index .aegis/aegis.db, rebuilt from the card files when missing or corrupt).")
        {
            status, since, verb, limit, rebuild, repositoryRoot,
        };
        history.SetAction(parse => Run(
            context,
            parse.GetValue(json),
            Path.GetFullPath(parse.GetValue(repositoryRoot) ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory())),
            new HistoryQuery(parse.GetValue(status), parse.GetValue(since) is { } s ? Since(s, DateTimeOffset.UtcNow) : null, parse.GetValue(verb), parse.GetValue(limit)),
            parse.GetValue(rebuild)));
        root.Subcommands.Add(history);
    }

    private static int Run(CliContext context, bool json, string root, HistoryQuery query, bool rebuild)
    {
        var index = new HistoryIndex(root);
        IReadOnlyList<HistoryEntry> entries;
        try
        {
            if (rebuild)
            {
                index.Rebuild();
            }

            entries = index.Query(query);
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.HistoryIndexUnavailable, "cannot read the history index " + index.DatabasePath + ": " + exception.Message, exception);
        }

        if (index.RebuiltBecause is { } why && !rebuild)
        {
            context.Stderr.WriteLine("aegis: history index " + RepositoryPaths.Relative(root, index.DatabasePath) + " rebuilt from the card files (" + why + ")");
        }

        if (json)
        {
            var text = new JsonText().BeginObject().Property("exit_code", ExitCodes.Success).Name("cards").BeginArray();
            foreach (var entry in entries)
            {
                text.BeginObject()
                    .Property("request_id", entry.RequestId)
                    .Name("ts").Number(entry.Ts, "0.###")
                    .Property("time", entry.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                    .Property("status", entry.Status)
                    .Property("risk_score", entry.RiskScore)
                    .Property("risk_level", entry.RiskLevel)
                    .Property("recommendation", entry.Recommendation)
                    .Property("verb", entry.Verb)
                    .Property("incidents", entry.Incidents)
                    .Property("explanation", entry.Explanation)
                    .Property("event_id", entry.EventId)
                    .Property("card", entry.RecordPath)
                    .EndObject();
            }

            context.Stdout.Write(text.EndArray().EndObject().ToString());
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            var filtered = query.Status is not null || query.Verb is not null || query.Since is not null;
            context.Stdout.WriteLine("aegis: no cards" + (filtered ? " match" : "") + " in " + RepositoryPaths.Relative(root, RiskHistory.DirectoryFor(root)));
            return ExitCodes.Success;
        }

        foreach (var entry in entries)
        {
            context.Stdout.WriteLine(string.Join("  ", entry.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), entry.Status.PadRight(7), (entry.RiskScore.ToString(CultureInfo.InvariantCulture) + " " + entry.RiskLevel).PadRight(11), entry.Verb.PadRight(8), entry.RequestId, entry.Explanation));
        }

        return ExitCodes.Success;
    }

    /// <summary>An ISO 8601 time, or an age before <paramref name="now"/> (<c>90m</c>, <c>24h</c>, <c>7d</c>); null if neither.</summary>
    internal static DateTimeOffset? Since(string text, DateTimeOffset now)
    {
        if (Age().Match(text.Trim()) is { Success: true } age)
        {
            var amount = int.Parse(age.Groups[1].Value, CultureInfo.InvariantCulture);
            return age.Groups[2].Value switch
            {
                "m" => now.AddMinutes(-amount),
                "h" => now.AddHours(-amount),
                _ => now.AddDays(-amount),
            };
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    [GeneratedRegex("^([0-9]{1,6})([mhd])$")]
    private static partial Regex Age();
}
