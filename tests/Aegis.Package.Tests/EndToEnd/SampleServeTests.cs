using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// Issue 13's service through the engine exactly as the package ships it (tools/engine/Aegis.Cli.dll, on the SDK's
/// runtime with its ASP.NET Core), on a copy of the sample: <c>aegis serve</c> on a free loopback port; a safe and a
/// dangerous proposal (allowed / blocked, both in the history and the console); a signed push webhook → a result; a
/// wrong signature → 401 and nothing recorded; the metrics.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class SampleServeTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string Token = "e2e-token-0123456789abcdef";
    private const string Secret = "e2e-webhook-secret";
    private const string Suppliers = "Aegis.Sample/Suppliers/SuppliersController.cs";
    private const string NewLiveKey = "sk_live_51QmZ8rTbX2vYp9KdLw3NcH7f";

    [RequiresEngineFact(Timeout = 15 * 60_000)]
    public async Task PackedCli_Serve_JudgesProposals_TakesSignedWebhooks_AndExportsMetrics()
    {
        var engine = Path.Combine(environment.ExtractEngine("packed-engine-serve"), "Aegis.Cli.dll");
        var sample = SampleRepository.Create(environment, "sample-serve");
        var start = new ProcessStartInfo(DotNet.HostPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = sample.Root };
        foreach (var argument in new[] { engine, "serve", "--urls", "http://127.0.0.1:0", "--repository-root", sample.Root, "--sandbox", "file" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "CI", "TF_BUILD", "AEGIS_SERVE_TOKEN", "AEGIS_WEBHOOK_SECRET" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["NUGET_PACKAGES"] = environment.Packages;
        start.Environment["AEGIS_SERVE_TOKEN"] = Token;
        start.Environment["AEGIS_WEBHOOK_SECRET"] = Secret;
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (Serving().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.True(await Task.WhenAny(address.Task, Task.Delay(TimeSpan.FromSeconds(90))) == address.Task, "aegis serve did not start:\n" + log);
            using var client = new HttpClient { BaseAddress = await address.Task, Timeout = TimeSpan.FromMinutes(5) };
            Assert.DoesNotContain(Token, log.ToString(), StringComparison.Ordinal);

            async Task<JsonElement> ProposeAsync(object action)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/propose_action") { Content = new StringContent(JsonSerializer.Serialize(action), Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
                var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, text);
                Assert.DoesNotContain(NewLiveKey, text, StringComparison.Ordinal);
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }

            var original = File.ReadAllText(sample.PathOf(Suppliers));
            var safe = await ProposeAsync(new { file = Suppliers, content = original.Replace("OrderBy(supplier => supplier.Name)", "OrderBy(supplier => supplier.City).ThenBy(supplier => supplier.Name)", StringComparison.Ordinal), intent = "list suppliers by city" });
            Assert.True(safe.GetProperty("allowed").GetBoolean(), "the safe change was blocked: " + safe);
            var dangerous = await ProposeAsync(new { file = "Aegis.Sample/Payments/PayoutKeys.cs", content = "namespace Aegis.Sample.Payments;\n\npublic static class PayoutKeys\n{\n    public const string Live = \"" + NewLiveKey + "\";\n}\n", intent = "payouts" });
            Assert.False(dangerous.GetProperty("allowed").GetBoolean(), "the hard-coded key was allowed: " + dangerous);
            Assert.Equal(original, File.ReadAllText(sample.PathOf(Suppliers)));

            // Both in the history (JSON) and the console (HTML), the key in neither.
            var cards = await client.GetStringAsync("/risk-cards?verb=propose");
            var console = await client.GetStringAsync("/");
            foreach (var id in new[] { safe.GetProperty("request_id").GetString()!, dangerous.GetProperty("request_id").GetString()! })
            {
                Assert.Contains(id, cards, StringComparison.Ordinal);
                Assert.Contains(id, console, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(NewLiveKey, cards + console, StringComparison.Ordinal);

            // A signed push webhook → an event with a result; a wrong signature → 401, nothing recorded.
            var push = "{\"ref\":\"refs/heads/main\",\"repository\":{\"full_name\":\"acme/sample\"},\"commits\":[{\"added\":[],\"modified\":[\"" + Suppliers + "\"],\"removed\":[]}]}";
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Webhook(push, "sha256=" + new string('0', 64), "bad-1"))).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Webhook(push, Sign(push), "good-1"))).StatusCode);
            Assert.False(File.Exists(sample.PathOf(".aegis/inbox/results/gh-bad-1.json")));
            var deadline = DateTime.UtcNow.AddMinutes(5);
            JsonElement result = default;
            while (DateTime.UtcNow < deadline)
            {
                using var document = JsonDocument.Parse(await client.GetStringAsync("/events/gh-good-1"));
                if (document.RootElement.GetProperty("status").GetString() != "pending")
                {
                    result = document.RootElement.Clone();
                    break;
                }

                await Task.Delay(500);
            }

            output.WriteLine("push result: " + result);
            Assert.Equal(JsonValueKind.Object, result.ValueKind);
            Assert.Equal("push", result.GetProperty("kind").GetString());
            Assert.False(File.Exists(sample.PathOf(".aegis/inbox/events/gh-bad-1.json")));

            var metrics = await client.GetStringAsync("/metrics");
            Assert.Contains("aegis_proposals_total{status=\"allow\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("aegis_proposals_total{status=\"blocked\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("aegis_events_accepted_total{kind=\"push\",source=\"github\"} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            output.WriteLine(log.ToString());
        }
    }

    private static HttpRequestMessage Webhook(string body, string signature, string delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", signature);
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", delivery);
        return request;
    }

    private static string Sign(string body)
        => "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant();

    [GeneratedRegex(@"^aegis: serving (http://\S+) ")]
    private static partial Regex Serving();
}
