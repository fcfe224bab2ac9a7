using System.Text.Json;
using Aegis.Service.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Aegis.Service.Tests;

/// <summary>
/// The web console in a real browser: Debian's headless Chromium driven by Playwright (no browser download). A
/// proposal is submitted through the form and its verdict read from the page it lands on; screenshots go to
/// screenshots/ under the test output. Fails when Chromium is missing unless AEGIS_SKIP_BROWSER_TESTS=1.
/// </summary>
[Trait("Category", "Browser")]
public sealed class ServiceConsoleBrowserTests(ITestOutputHelper output)
{
    private static readonly string[] ChromiumPaths = { "/usr/bin/chromium", "/usr/bin/chromium-browser" };

    [BrowserFact(Timeout = 240_000)]
    public async Task Console_SubmitsProposalsThroughTheForm_AndShowsTheVerdictAndTheHistory()
    {
        var chromium = ChromiumPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium is not installed (tests/run-all.sh installs Debian's package); AEGIS_SKIP_BROWSER_TESTS=1 skips this test on purpose.");
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);

        await using var host = await ServiceHost.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = new[] { "--no-sandbox" } });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync("/");
        Assert.Equal("Aegis console", await page.TitleAsync());
        Assert.Contains("No cards match", await page.InnerTextAsync("#cards"), StringComparison.Ordinal);

        // A dangerous change through the form: blocked, and the page it lands on is the card.
        await page.FillAsync("#file", "src/App/Keys.cs");
        await page.SelectOptionAsync("#mode", "content");
        await page.FillAsync("#text", "namespace App;\npublic static class Keys\n{\n    public static string GithubToken = \"" + ServiceHost.PlantedToken + "\";\n}\n");
        await page.FillAsync("#intent", "add the deploy key");
        await page.FillAsync("#actor", "browser-test");
        await page.FillAsync("#token", ServiceHost.Token);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "console-form.png"), FullPage = true });
        await Task.WhenAll(page.WaitForURLAsync("**/risk-cards/req_*"), page.ClickAsync("#submit"));
        var banner = page.Locator(".banner");
        Assert.Contains("blocked", await banner.GetAttributeAsync("class"), StringComparison.Ordinal);
        var blockedText = await page.InnerTextAsync("body");
        Assert.DoesNotContain(ServiceHost.PlantedToken, blockedText, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "card-blocked.png"), FullPage = true });
        var blockedId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // A safe change: the script kept the token for the tab, so the form is submitted without typing it again.
        await page.GotoAsync("/");
        Assert.Equal(ServiceHost.Token, await page.InputValueAsync("#token"));
        await page.FillAsync("#file", ServiceHost.GreeterPath);
        await page.FillAsync("#text", ServiceHost.SaferGreeter);
        await page.FillAsync("#intent", "add an exclamation mark");
        await Task.WhenAll(page.WaitForURLAsync("**/risk-cards/req_*"), page.ClickAsync("#submit"));
        Assert.Contains("allow", await page.Locator(".banner").GetAttributeAsync("class"), StringComparison.Ordinal);
        var allowedId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "card-allowed.png"), FullPage = true });

        // The history: both cards, newest first; the status filter (a plain GET form) leaves one.
        await page.GotoAsync("/");
        var rows = page.Locator("#cards tbody tr");
        Assert.Equal(new[] { allowedId, blockedId }, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.requestId)"));
        await page.SelectOptionAsync("#status", "blocked");
        await Task.WhenAll(page.WaitForURLAsync("**/?status=blocked*"), page.ClickAsync("form.filters button"));
        Assert.Equal(new[] { blockedId }, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.requestId)"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "console-history.png"), FullPage = true });

        // The API saw the same two verdicts.
        using var cards = JsonDocument.Parse(await host.Client.GetStringAsync("/risk-cards"));
        Assert.Equal(new[] { "allow", "blocked" }, cards.RootElement.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
        Assert.Empty(problems);
        output.WriteLine("screenshots: " + screenshots);
    }

    [BrowserFact(Timeout = 120_000)]
    public async Task Console_ReadsWithoutJavaScript()
    {
        var chromium = ChromiumPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium is not installed; AEGIS_SKIP_BROWSER_TESTS=1 skips this test on purpose.");
        await using var host = await ServiceHost.StartAsync();
        var id = await ServiceRoutesTests.ProposeAsync(host, ServiceHost.GreeterPath, ServiceHost.SaferGreeter);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = new[] { "--no-sandbox" } });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/?verb=propose");
        await page.ClickAsync($"#cards tr[data-request-id='{id}'] a");
        await page.WaitForURLAsync("**/risk-cards/" + id);
        Assert.Contains("allow", await page.Locator(".banner").GetAttributeAsync("class"), StringComparison.Ordinal);
    }
}

/// <summary>A browser test: runs unless AEGIS_SKIP_BROWSER_TESTS=1 (then skipped visibly).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AEGIS_SKIP_BROWSER_TESTS") == "1")
        {
            Skip = "AEGIS_SKIP_BROWSER_TESTS=1: the headless Chromium tests are switched off.";
        }
    }
}
