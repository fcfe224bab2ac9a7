using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aegis.Engine;
using Aegis.Engine.Agents;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.Releases;
using Aegis.Engine.RiskCards;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Aegis.Service;

/// <summary>
/// <c>aegis serve</c>: Kestrel and minimal APIs over the engine. Routes parse and answer; the engine decides
/// (Proposals.RunAsync, ReleaseGate, the card history). Every write route needs the bearer token; every error is
/// problem details with a coded error (docs/service.md).
/// </summary>
public sealed class AegisServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly WebApplication app;
    private readonly EventWorker worker;

    private AegisServer(WebApplication app, EventWorker worker, ServiceMetrics metrics)
    {
        this.app = app;
        this.worker = worker;
        Metrics = metrics;
    }

    public ServiceMetrics Metrics { get; }

    /// <summary>Where it listens, with the ports Kestrel chose for port 0.</summary>
    public IReadOnlyList<Uri> Addresses
        => app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();

    /// <summary>Whether every address of <paramref name="urls"/> is loopback (127.0.0.0/8, ::1, localhost).</summary>
    public static bool IsLoopbackOnly(string urls)
        => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(url =>
        {
            var host = BindingHost(url);
            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
        });

    public static async Task<AegisServer> StartAsync(ServeOptions options, ICardIndex? cards = null, IEventProcessor? processor = null, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(options.RepositoryRoot);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = root, Args = Array.Empty<string>() });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The service refuses a body over MaxBodyBytes itself (413 problem); Kestrel's own limit sits above it so
            // that it can still drain a modest overage and the client reads the 413 instead of a reset connection.
            kestrel.Limits.MaxRequestBodySize = (options.MaxBodyBytes * 2) + (64 * 1024);
        });

        var index = cards ?? new HistoryIndexCardIndex(root);
        var inbox = new EventIntake(root);
        var metrics = new ServiceMetrics(index, inbox);
        var worker = new EventWorker(processor ?? new EngineInboxProcessor(options with { RepositoryRoot = root }), metrics, options);
        var app = builder.Build();
        var routes = new Routes(options with { RepositoryRoot = root }, index, inbox, metrics, worker);
        routes.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        worker.Start();
        return new AegisServer(app, worker, metrics);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled or the host is told to stop (SIGTERM).</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => app.Lifetime.StopApplication());
        await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await worker.DisposeAsync().ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static string BindingHost(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        rest = rest.Split('/')[0];
        if (rest.StartsWith('['))
        {
            return rest[..(rest.IndexOf(']') + 1)];
        }

        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    /// <summary>The routes, with what they share.</summary>
    private sealed class Routes(ServeOptions options, ICardIndex cards, EventIntake inbox, ServiceMetrics metrics, EventWorker worker)
    {
        /// <summary>One proposal at a time: they share .aegis/propose/ (as the CLI writes it) and the machine's cores.</summary>
        private readonly SemaphoreSlim proposals = new(1, 1);

        private string Root => options.RepositoryRoot;

        public void Map(WebApplication app)
        {
            app.Use(HandleErrorsAsync);
            app.UseRouting();
            app.UseHttpMetrics(o => o.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(metrics.Registry)));
            // Again inside the request metrics, so a refused or failed request is counted with the status it got.
            app.Use(HandleErrorsAsync);
            app.Use(RequireTokenAsync);

            app.MapGet("/healthz", () => Json(new JsonObject { ["status"] = "ok", ["schema"] = "aegis.serve/v1" }));
            app.MapMetrics("/metrics", metrics.Registry);
            app.MapPost("/events", (Delegate)PostEventAsync);
            app.MapGet("/events/{id}", GetEvent);
            app.MapPost("/propose_action", (Delegate)ProposeActionAsync);
            app.MapGet("/risk-cards", ListCards);
            app.MapGet("/risk-cards/{requestId}", GetCard);
            app.MapGet("/releases", ListReleases);
            app.MapGet("/releases/{id}", GetRelease);
            app.MapPost("/gates/{release}", Gate);
            app.MapGet("/", ConsolePage);
            app.MapGet("/console.js", () => Results.Text(ServiceConsole.Script, "text/javascript; charset=utf-8"));
            app.MapPost("/console/propose", (Delegate)ConsoleProposeAsync);
            app.MapFallback(() => Task.FromException(ServiceProblem.NotFound("no such route")));
        }

        /// <summary>Every exception becomes problem details; a 404/405 the router answered gets the same shape.</summary>
        private async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
        {
            try
            {
                if (context.Request.ContentLength > options.MaxBodyBytes)
                {
                    throw ServiceProblem.TooLarge(options.MaxBodyBytes);
                }

                await next(context).ConfigureAwait(false);
                if (!context.Response.HasStarted && context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
                {
                    await Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.ServiceNotFound, context.Request.Method + " is not a method of " + context.Request.Path).ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                await Problems.WriteAsync(context, exception, options.Log).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Every route that is not a read needs <c>Authorization: Bearer &lt;token&gt;</c>. Two carry their own proof
        /// instead, checked by the route: a signed GitHub webhook on POST /events, and the console's form (its token field).
        /// </summary>
        private Task RequireTokenAsync(HttpContext context, RequestDelegate next)
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                || (request.Path == "/events" && request.Headers.ContainsKey(GitHubPushWebhook.SignatureHeader))
                || request.Path == "/console/propose")
            {
                return next(context);
            }

            var header = request.Headers.Authorization.ToString();
            const string Scheme = "Bearer ";
            if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                throw ServiceProblem.Unauthorized(request.Method + " " + request.Path + " needs 'Authorization: Bearer <token>' (the token of aegis serve: $AEGIS_SERVE_TOKEN or its token file)");
            }

            return ServeToken.Matches(options.Token, header[Scheme.Length..].Trim())
                ? next(context)
                : throw ServiceProblem.Unauthorized("the bearer token is not this service's token");
        }

        private async Task<IResult> PostEventAsync(HttpContext context)
        {
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            JsonObject? webhookEvent = null;
            if (context.Request.Headers.TryGetValue(GitHubPushWebhook.SignatureHeader, out var signature))
            {
                if (options.WebhookSecret is not { Length: > 0 } secret)
                {
                    throw ServiceProblem.Unauthorized("a signed webhook arrived but no webhook secret is configured ($" + GitHubPushWebhook.SecretVariable + " or --webhook-secret-file)");
                }

                if (!GitHubPushWebhook.Verify(secret, body, signature.ToString()))
                {
                    throw ServiceProblem.Unauthorized("the webhook's " + GitHubPushWebhook.SignatureHeader + " does not match its body");
                }

                var gitHubEvent = context.Request.Headers[GitHubPushWebhook.EventHeader].ToString();
                if (gitHubEvent == "ping")
                {
                    return Json(new JsonObject { ["status"] = "pong" });
                }

                if (gitHubEvent != "push")
                {
                    throw ServiceProblem.BadRequest("only GitHub 'push' webhooks are events (got '" + gitHubEvent + "')");
                }

                webhookEvent = GitHubPushWebhook.ToEvent(Encoding.UTF8.GetString(body), context.Request.Headers[GitHubPushWebhook.DeliveryHeader].ToString());
            }

            var accepted = webhookEvent is not null
                ? inbox.Accept(webhookEvent, "github", DateTimeOffset.UtcNow)
                : inbox.Accept(Encoding.UTF8.GetString(body), "serve", DateTimeOffset.UtcNow);
            if (!accepted.Duplicate)
            {
                metrics.EventsAccepted.WithLabels(accepted.Kind, webhookEvent is null ? "api" : "github").Inc();
                worker.Wake();
            }

            return Json(
                new JsonObject { ["id"] = accepted.Id, ["kind"] = accepted.Kind, ["status"] = accepted.Duplicate ? "duplicate" : "accepted", ["result"] = "/events/" + accepted.Id },
                accepted.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
        }

        /// <summary>An event's result once processed; until then, that it waits.</summary>
        private IResult GetEvent(string id)
        {
            if (!HistoryFileCardIndex.RequestIdShape().IsMatch(id))
            {
                throw ServiceProblem.BadRequest("an event id is 1-100 letters, digits, '_' or '-'");
            }

            var result = Path.Combine(inbox.ResultsFolder, id + ".json");
            if (File.Exists(result))
            {
                return Results.Text(File.ReadAllText(result), "application/json");
            }

            return inbox.IsWaiting(id)
                ? Json(new JsonObject { ["id"] = id, ["status"] = "pending" })
                : throw ServiceProblem.NotFound("no event '" + id + "' in the inbox or its results");
        }

        private async Task<IResult> ProposeActionAsync(HttpContext context)
        {
            var body = Encoding.UTF8.GetString(await ReadBodyAsync(context).ConfigureAwait(false));
            ProposedAction action;
            try
            {
                action = ProposedAction.Parse(body);
            }
            catch (Exception exception) when (exception is JsonException or FormatException)
            {
                throw ServiceProblem.BadRequest("bad action: " + exception.Message + " (expected {\"file\", \"content\" | \"patch\" | \"delete\": true, \"intent\", \"actor\"})");
            }

            var outcome = await ProposeAsync(action, "serve", context.RequestAborted).ConfigureAwait(false);
            return Json(new JsonObject
            {
                ["allowed"] = outcome.Card.Status == RiskStatus.Allow,
                ["request_id"] = outcome.Card.RequestId,
                ["href"] = "/risk-cards/" + outcome.Card.RequestId,
                ["risk_card"] = JsonNode.Parse(outcome.Files.JsonText),
            });
        }

        /// <summary>The engine path of <c>aegis propose</c>: the policy (<c>..</c>, absolute paths, blocked globs) blocks in the card.</summary>
        private async Task<ProposalOutcome> ProposeAsync(ProposedAction action, string defaultActor, CancellationToken cancellationToken)
        {
            if ((action.Content ?? action.Patch ?? "").Length > HookJudge.MaxFileChars)
            {
                throw new ServiceProblem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.ServiceBodyTooLarge, "the proposed content is larger than " + (HookJudge.MaxFileChars / 1024 / 1024) + " MiB");
            }

            var withActor = string.IsNullOrWhiteSpace(action.Actor)
                ? new ProposedAction { File = action.File, Content = action.Content, Patch = action.Patch, Delete = action.Delete, Intent = action.Intent, Actor = defaultActor }
                : action;
            var engineOptions = new EngineOptions
            {
                RepositoryRoot = Root,
                Sandbox = options.Sandbox,
                Catalog = options.Catalog,
                VerifyCommands = options.VerifyCommands,
                Policy = AegisPolicy.Load(Root),
            };
            await proposals.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var started = Stopwatch.StartNew();
                var outcome = await Proposals.RunAsync(engineOptions, withActor, Proposals.DefaultOutput(Root), options.Environment, cancellationToken).ConfigureAwait(false);
                metrics.SandboxDuration.WithLabels(options.Sandbox).Observe(started.Elapsed.TotalSeconds);
                metrics.Proposals.WithLabels(outcome.Card.Status).Inc();
                return outcome;
            }
            finally
            {
                proposals.Release();
            }
        }

        private IResult ListCards(HttpContext context) => Json(new JsonObject
        {
            ["cards"] = new JsonArray(cards.Query(Filter(context.Request.Query)).Select(c => (JsonNode)c.ToJson()).ToArray()),
        });

        /// <summary>The card as written (JSON), or its HTML page — the same renderer as risk-card.html — for <c>Accept: text/html</c>.</summary>
        private IResult GetCard(HttpContext context, string requestId)
        {
            if (!HistoryFileCardIndex.RequestIdShape().IsMatch(requestId))
            {
                throw ServiceProblem.BadRequest("a card's request id is 1-100 letters, digits, '_' or '-'");
            }

            var entry = cards.Find(requestId) ?? throw ServiceProblem.NotFound("no card '" + requestId + "' in .aegis/history");
            var json = File.ReadAllText(entry.RecordPath);
            if (WantsHtml(context.Request))
            {
                context.Response.Headers.ContentSecurityPolicy = ServiceConsole.CardPolicy;
                return Results.Text(SecretMasker.None.Mask(RiskCardHtml.Render(json)), "text/html; charset=utf-8");
            }

            return Results.Text(json, "application/json");
        }

        private IResult ListReleases()
        {
            var store = new ReleaseStore(Root, AegisPolicy.Load(Root));
            var text = new JsonText().BeginObject().Name("releases").BeginArray();
            foreach (var release in store.List())
            {
                release.WriteTo(text, store.ExportPaths(release));
            }

            return Results.Text(text.EndArray().EndObject().ToString(), "application/json");
        }

        private IResult GetRelease(string id)
        {
            var store = new ReleaseStore(Root, AegisPolicy.Load(Root));
            var release = store.Load(id);
            return Results.Text(release.ToJson(store.ExportPaths(release)), "application/json");
        }

        /// <summary>The promotion gate (Flagger's convention): 200 approved, 412 rejected or rolled back, 428 not approved yet.</summary>
        private IResult Gate(string release)
        {
            var answer = new ReleaseStore(Root, AegisPolicy.Load(Root)).Gate(release);
            return Results.Text(answer.ToJson(), "application/json", Encoding.UTF8, answer.Verdict.HttpStatus);
        }

        private IResult ConsolePage(HttpContext context)
        {
            var query = context.Request.Query;
            var filter = Filter(query);
            IReadOnlyList<Release> releases;
            try
            {
                releases = new ReleaseStore(Root, AegisPolicy.Load(Root)).List();
            }
            catch (AegisException)
            {
                // The console still shows the cards; GET /releases names the broken file.
                releases = Array.Empty<Release>();
            }

            context.Response.Headers.ContentSecurityPolicy = ServiceConsole.ConsolePolicy;
            return Results.Text(ServiceConsole.Render(cards.Query(filter), filter, releases, query["error"].ToString()), "text/html; charset=utf-8");
        }

        /// <summary>
        /// The console's action builder. A browser form cannot set a bearer header, so the form carries the token in a
        /// field: a page on another site cannot know it, and a cross-site request (Origin or Sec-Fetch-Site says so) is
        /// refused before the token is even looked at. On success: 303 to the card's page.
        /// </summary>
        private async Task<IResult> ConsoleProposeAsync(HttpContext context)
        {
            var request = context.Request;
            if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site"
                || (request.Headers.Origin.ToString() is { Length: > 0 } origin && !string.Equals(origin, request.Scheme + "://" + request.Host, StringComparison.OrdinalIgnoreCase)))
            {
                throw ServiceProblem.Unauthorized("the console's form is accepted from the console's own page only");
            }

            if (!request.HasFormContentType)
            {
                throw new ServiceProblem(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.ServiceBadRequest, "the console posts a form (application/x-www-form-urlencoded)");
            }

            var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            if (!ServeToken.Matches(options.Token, form["token"].ToString().Trim()))
            {
                throw ServiceProblem.Unauthorized("the form's token is not this service's token");
            }

            var text = form["text"].ToString().Replace("\r\n", "\n");
            var action = new ProposedAction
            {
                File = form["file"].ToString().Trim(),
                Content = form["mode"] == "patch" ? null : text,
                Patch = form["mode"] == "patch" ? text : null,
                Intent = form["intent"].ToString(),
                Actor = form["actor"].ToString() is { Length: > 0 } actor ? actor : null,
            };
            var outcome = await ProposeAsync(action, "console", context.RequestAborted).ConfigureAwait(false);
            // 303: the browser follows with a GET, so a reload shows the card instead of proposing again.
            context.Response.Headers.Location = "/risk-cards/" + outcome.Card.RequestId;
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        }

        private async Task<byte[]> ReadBodyAsync(HttpContext context)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxBodyBytes)
                {
                    throw ServiceProblem.TooLarge(options.MaxBodyBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }

        private static CardFilter Filter(IQueryCollection query)
        {
            string? Value(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
            var status = Value("status");
            if (status is not null and not RiskStatus.Allow and not RiskStatus.Blocked)
            {
                throw ServiceProblem.BadRequest("status must be allow or blocked (got '" + status + "')");
            }

            DateTimeOffset? since = null;
            if (Value("since") is { } sinceText)
            {
                since = DateTimeOffset.TryParse(sinceText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : double.TryParse(sinceText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                        ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
                        : throw ServiceProblem.BadRequest("since must be an ISO 8601 time or Unix seconds (got '" + sinceText + "')");
            }

            var limit = CardFilter.DefaultLimit;
            if (Value("limit") is { } limitText && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > CardFilter.MaxLimit))
            {
                throw ServiceProblem.BadRequest("limit must be a whole number from 1 to " + CardFilter.MaxLimit + " (got '" + limitText + "')");
            }

            return new CardFilter(status, since, Value("verb"), limit);
        }

        private static bool WantsHtml(HttpRequest request)
            => request.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1).FirstOrDefault() is { } best
               && (best.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || best.MediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));

        private static IResult Json(JsonObject value, int status = StatusCodes.Status200OK)
            => Results.Text(value.ToJsonString(Indented) + "\n", "application/json", Encoding.UTF8, status);
    }
}
