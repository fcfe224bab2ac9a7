using System.Diagnostics;
using System.Globalization;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Events;

/// <summary>What one pass over the inbox did.</summary>
public sealed record InboxPass(IReadOnlyList<EventResult> Results, int AlreadyDone, int Reclaimed)
{
    public int Processed => Results.Count(r => r.Status != EventStatuses.Failed);

    public int Failed => Results.Count(r => r.Status == EventStatuses.Failed);
}

/// <summary>
/// <c>.aegis/inbox/</c>: events dropped as files into <c>events/</c>, each claimed by an atomic rename into
/// <c>processing/&lt;name&gt;~&lt;pid&gt;~&lt;process start ms&gt;~&lt;nonce&gt;</c> (a rename succeeds for one processor
/// only), processed, its result created (never replaced) in <c>results/&lt;event id&gt;.json</c>, and then moved to
/// <c>processed/</c> (a malformed event: <c>failed/</c>, with a result holding its one coded error; never retried).
/// A claim whose process is gone (or that is older than the lease) is taken again by the next pass; an event whose
/// result exists already is not processed twice. See docs/events.md, "Claim protocol".
/// </summary>
public sealed class EventInbox
{
    public const char ClaimSeparator = '~';

    /// <summary>A claim this old is taken again even if its process seems alive (a reused process id, a claimant on
    /// another machine sharing the folder).</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(30);

    private static readonly Lazy<string> Claimant = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ClaimSeparator + StartMilliseconds(self).ToString(CultureInfo.InvariantCulture);
    });

    private readonly string root;

    private readonly EventProcessorOptions options;

    private readonly EventProcessor processor;

    private readonly TimeSpan lease;

    public EventInbox(EventProcessorOptions options, TimeSpan? lease = null)
    {
        this.options = options;
        root = options.RepositoryRoot;
        // The inbox records each result itself, with create-new semantics, so a re-run never writes a second one.
        processor = new EventProcessor(new EventProcessorOptions
        {
            RepositoryRoot = options.RepositoryRoot,
            Sandbox = options.Sandbox,
            Catalog = options.Catalog,
            VerifyCommands = options.VerifyCommands,
            KeepSandbox = options.KeepSandbox,
            Environment = options.Environment,
            BuildTimeout = options.BuildTimeout,
            Clock = options.Clock,
            RecordResults = false,
            Warn = options.Warn,
        });
        this.lease = lease ?? DefaultLease;
    }

    public static string DirectoryFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "inbox");

    public static string EventsDirectory(string repositoryRoot) => Path.Combine(DirectoryFor(repositoryRoot), "events");

    public static string ProcessingDirectory(string repositoryRoot) => Path.Combine(DirectoryFor(repositoryRoot), "processing");

    public static string ProcessedDirectory(string repositoryRoot) => Path.Combine(DirectoryFor(repositoryRoot), "processed");

    public static string FailedDirectory(string repositoryRoot) => Path.Combine(DirectoryFor(repositoryRoot), "failed");

    /// <summary>Events waiting in <c>events/</c> (not counting claimed ones).</summary>
    public static int Depth(string repositoryRoot)
    {
        var events = EventsDirectory(repositoryRoot);
        return Directory.Exists(events) ? Directory.GetFiles(events, "*.json").Count(IsEventFile) : 0;
    }

    /// <summary>One pass: stale claims first, then every waiting event in name order, each claimed just before it is
    /// processed (so parallel processors share the work). <paramref name="onResult"/> sees each result as it is recorded.</summary>
    public async Task<InboxPass> ProcessOnceAsync(CancellationToken cancellationToken, Action<EventResult>? onResult = null)
    {
        var results = new List<EventResult>();
        var alreadyDone = 0;
        var reclaimed = 0;
        Directory.CreateDirectory(EventsDirectory(root));
        Directory.CreateDirectory(ProcessingDirectory(root));

        foreach (var stale in StaleClaims())
        {
            if (TryClaim(stale, OriginalName(stale)) is { } claim)
            {
                reclaimed++;
                await HandleAsync(claim, OriginalName(stale), results, () => alreadyDone++, onResult, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var file in Directory.GetFiles(EventsDirectory(root), "*.json").Where(IsEventFile).OrderBy(p => p, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryClaim(file, Path.GetFileName(file)) is { } claim)
            {
                await HandleAsync(claim, Path.GetFileName(file), results, () => alreadyDone++, onResult, cancellationToken).ConfigureAwait(false);
            }
        }

        return new InboxPass(results, alreadyDone, reclaimed);
    }

    private async Task HandleAsync(string claim, string name, List<EventResult> results, Action alreadyDone, Action<EventResult>? onResult, CancellationToken cancellationToken)
    {
        var origin = RepositoryPaths.Relative(root, Path.Combine(EventsDirectory(root), name));
        string text;
        try
        {
            text = File.ReadAllText(claim);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Unreadable now (taken back by a reclaimer that judged this claim stale): left for whoever holds it.
            options.Warn?.Invoke(ErrorCodes.EventMalformed, origin + ": cannot read the claimed event: " + exception.Message);
            return;
        }

        AegisEvent parsed;
        try
        {
            parsed = EventParser.Parse(text, origin, "inbox", options.Clock);
        }
        catch (AegisException exception)
        {
            // Malformed: one result with its coded error, named after the file, and the file moved out of the way.
            var (id, kind) = EventParser.Identify(text);
            var bad = EventResult.ForBadInput(exception, origin, options.Clock(), id, kind);
            RecordOnce(bad, "invalid-" + SafeName(name));
            Finish(claim, FailedDirectory(root), name);
            results.Add(bad);
            onResult?.Invoke(bad);
            return;
        }

        if (File.Exists(EventResults.PathFor(root, parsed.Id)))
        {
            // Processed before a crash left its claim behind (or the same id was dropped twice): not processed again.
            alreadyDone();
            Finish(claim, ProcessedDirectory(root), name);
            return;
        }

        var result = await processor.ProcessAsync(parsed, origin, cancellationToken).ConfigureAwait(false);
        if (!RecordOnce(result, parsed.Id))
        {
            options.Warn?.Invoke(ErrorCodes.EventInvalid, origin + ": event " + parsed.Id + " has a result already (an id used twice?); this one's result was not recorded");
        }

        Finish(claim, result.Status == EventStatuses.Failed ? FailedDirectory(root) : ProcessedDirectory(root), name);
        results.Add(result);
        onResult?.Invoke(result);
    }

    private bool RecordOnce(EventResult result, string name)
    {
        var path = EventResults.PathFor(root, name);
        try
        {
            if (!AtomicFile.TryCreate(path, result.ToJson()))
            {
                return false;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write the event result " + path + ": " + exception.Message, exception);
        }

        if (History.HistoryIndex.TryRecordResult(root, path, result) is { } warning)
        {
            options.Warn?.Invoke(ErrorCodes.HistoryIndexUnavailable, warning);
        }

        return true;
    }

    /// <summary>The claim's rename: the one processor whose rename succeeds owns the event. Null: another got it first.</summary>
    private string? TryClaim(string path, string name)
    {
        var claim = Path.Combine(ProcessingDirectory(root), name + ClaimSeparator + Claimant.Value + ClaimSeparator + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            File.Move(path, claim, overwrite: false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            // The lease counts from the claim, not from when the event was written.
            File.SetLastWriteTimeUtc(claim, DateTime.UtcNow);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Taken back already; the processor that did so handles it.
        }

        return claim;
    }

    /// <summary>Claims whose process is gone, or older than the lease.</summary>
    private IEnumerable<string> StaleClaims()
    {
        var now = DateTime.UtcNow;
        foreach (var claim in Directory.GetFiles(ProcessingDirectory(root)).OrderBy(p => p, StringComparer.Ordinal))
        {
            var parts = Path.GetFileName(claim).Split(ClaimSeparator);
            if (parts.Length < 4 || !int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !long.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
            {
                continue;
            }

            DateTime claimed;
            try
            {
                claimed = File.GetLastWriteTimeUtc(claim);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (now - claimed > lease || !IsAlive(pid, started))
            {
                yield return claim;
            }
        }
    }

    private static bool IsAlive(int pid, long startedMilliseconds)
    {
        if (IsZombie(pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // The same id with another start time is another process that reused it.
            return !process.HasExited && Math.Abs(StartMilliseconds(process) - startedMilliseconds) < 1000;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Cannot tell: alive until the lease runs out.
            return true;
        }
    }

    /// <summary>Linux: a killed process its parent has not reaped yet is still listed, in state Z, but runs no more.</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = "/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat";
            if (!File.Exists(stat))
            {
                return false;
            }

            var text = File.ReadAllText(stat);
            var afterName = text.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < text.Length && text[afterName + 2] is 'Z' or 'X';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long StartMilliseconds(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return 0;
        }
    }

    /// <summary>The claim moved to where it ends (<c>processed/</c> or <c>failed/</c>), under its own name, or with a
    /// suffix when a file of that name is there already.</summary>
    private static void Finish(string claim, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, name);
        try
        {
            if (File.Exists(target))
            {
                target = Path.Combine(directory, Path.GetFileNameWithoutExtension(name) + "." + Guid.NewGuid().ToString("N")[..8] + Path.GetExtension(name));
            }

            File.Move(claim, target, overwrite: false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left in processing/: the next pass finds its result and moves it then.
        }
    }

    private static string OriginalName(string claim)
    {
        var name = Path.GetFileName(claim);
        var parts = name.Split(ClaimSeparator);
        return string.Join(ClaimSeparator, parts.Take(parts.Length - 3));
    }

    /// <summary>Event files only: not a writer's hidden temp file (<c>.x.json.tmp</c>, AtomicFile), not a folder.</summary>
    private static bool IsEventFile(string path) => !Path.GetFileName(path).StartsWith('.');

    private static string SafeName(string name)
    {
        var stem = Path.GetFileNameWithoutExtension(name);
        var kept = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').Take(100).ToArray());
        return kept.Length == 0 ? "event" : kept;
    }
}
