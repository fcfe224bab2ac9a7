using System.Net;
using System.Text;
using System.Text.Json;
using Aegis.Service.Tests.Infrastructure;

namespace Aegis.Service.Tests;

/// <summary>POST /events through to a result: the service's worker runs the engine's inbox processor.</summary>
public sealed class ServiceEventTests
{
    private static async Task<JsonElement> ResultAsync(ServiceHost host, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var response = await host.Client.GetAsync("/events/" + id);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (document.RootElement.GetProperty("status").GetString() != "pending")
            {
                return document.RootElement.Clone();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("event " + id + " has no result after 90 s");
    }

    [Fact]
    public async Task ProposeEvent_IsProcessed_IntoAResultAndACard()
    {
        await using var host = await ServiceHost.StartAsync(processEvents: true);
        var posted = await host.PostAsync("/events", new
        {
            id = "evt-propose-1",
            kind = "propose",
            payload = new { file = ServiceHost.GreeterPath, content = ServiceHost.SaferGreeter, intent = "add an exclamation mark", actor = "bot" },
        });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        var result = await ResultAsync(host, "evt-propose-1");
        Assert.Equal("processed", result.GetProperty("status").GetString());
        var requestId = result.GetProperty("request_id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/risk-cards/" + requestId)).StatusCode);
        Assert.Empty(host.InboxEvents());
        Assert.Contains("aegis_events_processed_total{kind=\"propose\"} 1", await host.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedPushWebhook_IsProcessed_IntoOneResult()
    {
        await using var host = await ServiceHost.StartAsync(processEvents: true);
        var body = "{\"ref\":\"refs/heads/main\",\"repository\":{\"full_name\":\"acme/shop\"},\"commits\":[{\"added\":[],\"modified\":[\"src/App/Greeter.cs\"],\"removed\":[]}]}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", GitHubPushWebhook.Sign(ServiceHost.WebhookSecret, Encoding.UTF8.GetBytes(body)));
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", "abc-123");
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(request)).StatusCode);

        var result = await ResultAsync(host, "gh-abc-123");
        Assert.Equal("push", result.GetProperty("kind").GetString());
        Assert.NotEqual("failed", result.GetProperty("status").GetString());
        Assert.Single(Directory.GetFiles(Path.Combine(host.Root, ".aegis", "inbox", "results"), "*.json"));
    }
}
