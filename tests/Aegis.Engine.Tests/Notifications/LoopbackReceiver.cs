using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aegis.Engine.Tests.Notifications;

/// <summary>One request as the receiver saw it: path, headers and raw body.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (a free port) that records every request and answers with
/// <c>respond(attempt, context)</c> (attempt counts from 1): the webhook receiver and the fake OpenAI-compatible endpoint.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int attempts;

    private LoopbackReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<LoopbackReceiver> StartAsync(Func<int, HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Requests.Enqueue(new ReceivedRequest(context.Request.Path.Value ?? "", headers, body.ToArray()));
            await respond(Interlocked.Increment(ref receiver.attempts), context);
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>Answers every request with <paramref name="status"/>.</summary>
    public static Task<LoopbackReceiver> AlwaysAsync(int status)
        => StartAsync((_, context) =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });

    /// <summary>Never answers (until the client gives up or the server stops): a hung receiver.</summary>
    public static Task<LoopbackReceiver> HangingAsync()
        => StartAsync(async (_, context) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up: what the test waits for.
            }
        });

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(TimeSpan.FromSeconds(2));
        await app.DisposeAsync();
    }
}
