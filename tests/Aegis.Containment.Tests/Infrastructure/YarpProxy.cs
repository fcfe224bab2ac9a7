using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aegis.Containment.Tests.Infrastructure;

/// <summary>A real YARP proxy on loopback whose own configuration forwards everything to the upstream, plus a plan's
/// <c>yarp-routes.json</c> as one more configuration source (what docs/containment.md tells a proxy to do).</summary>
public static class YarpProxy
{
    public static async Task<WebApplication> StartAsync(Uri upstream, string routesFile)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:app:ClusterId"] = "app",
            ["ReverseProxy:Routes:app:Match:Path"] = "{**catch-all}",
            ["ReverseProxy:Clusters:app:Destinations:app:Address"] = upstream.ToString(),
        });
        builder.Configuration.AddJsonFile(routesFile, optional: false, reloadOnChange: false);
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return app;
    }
}
