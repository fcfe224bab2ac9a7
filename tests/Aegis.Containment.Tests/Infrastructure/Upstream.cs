using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aegis.Containment.Tests.Infrastructure;

/// <summary>The app behind the gateway: Kestrel on a loopback port, answering every request with
/// <c>upstream METHOD /path</c>, and counting what reached it.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication app;
    private int hits;

    private Upstream(WebApplication app) => this.app = app;

    public Uri Address { get; private set; } = null!;

    public int Hits => Volatile.Read(ref hits);

    public static async Task<Upstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var upstream = new Upstream(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref upstream.hits);
            return context.Response.WriteAsync("upstream " + context.Request.Method + " " + context.Request.Path);
        });
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.First());
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
