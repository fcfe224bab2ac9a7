using System.Collections.Concurrent;
using System.Net;

namespace Aegis.Sample.Tests.Holes;

/// <summary>Stands in for Stripe and GitHub: records every request (with its Authorization header) and answers by host.</summary>
internal sealed class RecordingHandler(ConcurrentQueue<RecordedRequest> requests, Func<Uri, HttpStatusCode> answer) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? new Uri("about:blank");
        requests.Enqueue(new RecordedRequest(uri, request.Headers.Authorization?.ToString()));
        return Task.FromResult(new HttpResponseMessage(answer(uri)) { Content = new StringContent("{}") });
    }
}

internal sealed record RecordedRequest(Uri Uri, string? Authorization);
