using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Service.Tests.Infrastructure;

/// <summary>
/// The real service (Kestrel on 127.0.0.1, a free port) over a small repository in a temp folder, with a known token
/// and webhook secret; an HttpClient without credentials (each test says what it sends).
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public const string Token = "test-token-0123456789abcdef";
    public const string WebhookSecret = "webhook-secret-for-tests";

    public const string GreeterPath = "src/App/Greeter.cs";
    public const string Greeter = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => \"Hello \" + name;\n}\n";
    public const string SaferGreeter = "namespace App;\n\npublic static class Greeter\n{\n    public static string Greet(string name) => $\"Hello {name}!\";\n}\n";

    /// <summary>A GitHub token shape: the secret a dangerous proposal plants, never to appear in any answer.</summary>
    public static readonly string PlantedToken = "ghp_" + new string('Q', 36);

    private ServiceHost(TempDirectory repository, AegisServer server, StringWriter log)
    {
        Repository = repository;
        Server = server;
        Log = log;
        Client = new HttpClient { BaseAddress = server.Addresses[0], Timeout = TimeSpan.FromMinutes(2) };
    }

    public TempDirectory Repository { get; }

    public AegisServer Server { get; }

    public StringWriter Log { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress => Server.Addresses[0];

    public string Root => Repository.Path;

    public static async Task<ServiceHost> StartAsync(long maxBodyBytes = ServeOptions.DefaultMaxBodyBytes, ICardIndex? cards = null, IEventProcessor? processor = null, string sandbox = "file", bool processEvents = false)
    {
        var repository = new TempDirectory();
        repository.Write(GreeterPath, Greeter);
        var log = new StringWriter();
        var server = await AegisServer.StartAsync(
            new ServeOptions
            {
                RepositoryRoot = repository.Path,
                Urls = "http://127.0.0.1:0",
                Token = Token,
                WebhookSecret = WebhookSecret,
                Sandbox = sandbox,
                MaxBodyBytes = maxBodyBytes,
                Environment = _ => null,
                Log = TextWriter.Synchronized(log),
                InboxPollInterval = TimeSpan.FromMilliseconds(200),
            },
            cards,
            // Events wait in the inbox unless a test asks for the engine's processor, so what was accepted can be looked at.
            processor ?? (processEvents ? null : new InboxOnlyProcessor()));
        return new ServiceHost(repository, server, log);
    }

    public static StringContent JsonBody(object value) => new(value as string ?? JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Client.SendAsync(request);
    }

    public string[] InboxEvents()
    {
        var folder = Path.Combine(Root, ".aegis", "inbox", "events");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : Array.Empty<string>();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}

public static class ProblemAssert
{
    /// <summary>The response is RFC 7807 problem details with this status and code, and no stack trace.</summary>
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.StartsWith("https://", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", text, StringComparison.Ordinal);
        return problem;
    }
}
