namespace Aegis.Service;

/// <summary>One event's outcome, as the worker counts it.</summary>
public sealed record ProcessedEvent(string Id, string Kind, bool Failed);

/// <summary>Takes the events waiting in the inbox, processes them and records their results.</summary>
public interface IEventProcessor
{
    /// <summary>One pass over the inbox; the events it processed.</summary>
    Task<IReadOnlyList<ProcessedEvent>> ProcessInboxOnceAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The service's background pass over the inbox: woken by each accepted event, and every poll interval for events
/// dropped in by others. One pass at a time; a failing pass is logged and the next one tries again.
/// </summary>
public sealed class EventWorker(IEventProcessor processor, ServiceMetrics metrics, ServeOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    public void Start() => loop = Task.Run(() => RunAsync(stopping.Token));

    /// <summary>An event was accepted: run a pass soon (signals coalesce into one pass).</summary>
    public void Wake()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another request woke it already.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stopping.Dispose();
        signal.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(options.InboxPollInterval, cancellationToken).ConfigureAwait(false);
                foreach (var processed in await processor.ProcessInboxOnceAsync(cancellationToken).ConfigureAwait(false))
                {
                    (processed.Failed ? metrics.EventsFailed : metrics.EventsProcessed).WithLabels(processed.Kind).Inc();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Events stay in the inbox (claimed ones are taken again); the service keeps answering.
                lock (options.Log)
                {
                    options.Log.WriteLine("aegis: warning: the event worker's pass failed: " + exception.GetType().Name + ": " + exception.Message);
                }
            }
        }
    }
}

/// <summary>Until the engine's event processor is wired in: events wait in the inbox for <c>aegis process-inbox</c>.</summary>
public sealed class InboxOnlyProcessor : IEventProcessor
{
    public Task<IReadOnlyList<ProcessedEvent>> ProcessInboxOnceAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<ProcessedEvent>>(Array.Empty<ProcessedEvent>());
}

/// <summary>The engine's inbox (<c>aegis process-inbox</c>'s claim protocol): the service is one more processor beside any others.</summary>
public sealed class EngineInboxProcessor(ServeOptions options) : IEventProcessor
{
    private readonly Aegis.Engine.Events.EventInbox inbox = new(new Aegis.Engine.Events.EventProcessorOptions
    {
        RepositoryRoot = options.RepositoryRoot,
        Catalog = options.Catalog,
        VerifyCommands = options.VerifyCommands,
        Environment = options.Environment,
        Warn = (code, message) =>
        {
            lock (options.Log)
            {
                options.Log.WriteLine("aegis: warning " + code + ": " + message);
            }
        },
    });

    public async Task<IReadOnlyList<ProcessedEvent>> ProcessInboxOnceAsync(CancellationToken cancellationToken)
    {
        var pass = await inbox.ProcessOnceAsync(cancellationToken).ConfigureAwait(false);
        return pass.Results.Select(r => new ProcessedEvent(r.EventId ?? r.Id, r.Kind ?? "unknown", r.Status == Aegis.Engine.Events.EventStatuses.Failed)).ToList();
    }
}
