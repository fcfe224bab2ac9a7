using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Aegis.Sample.Support;

/// <summary>Files an issue in the back-office repository when something needs a human (a refund Stripe refused).</summary>
public sealed class GitHubIssueReporter
{
    private const string Repository = "acme-shop/back-office";
    private readonly HttpClient _http;

    public GitHubIssueReporter(HttpClient http)
    {
        _http = http;
        _http.BaseAddress = new Uri("https://api.github.com/");
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("acme-shop-back-office/1.0");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ghp_KqVm0fMan0i8HpdaKelFItVubFh1CCtiy08R"); // planted: AEG002
    }

    public async Task ReportAsync(string title, string body, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"repos/{Repository}/issues", new { title, body, labels = new[] { "back-office" } }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
