using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Verification;
using Aegis.Service;

namespace Aegis.Cli.Commands;

/// <summary><c>aegis serve</c>: the HTTP API, web console and metrics on loopback (docs/service.md).</summary>
internal static class ServeCommand
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated (default " + ServeOptions.DefaultUrls + "; port 0 picks one). Beyond loopback needs an explicit token.", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var tokenFile = new Option<string>("--token-file") { Description = "The bearer token's file (default: $AEGIS_SERVE_TOKEN, else .aegis/serve/token, created 0600 on first start)." };
        var webhookSecretFile = new Option<string>("--webhook-secret-file") { Description = "The GitHub webhook secret's file (default: $AEGIS_WEBHOOK_SECRET); without one, signed webhooks are refused." };
        var sandbox = CommonOptions.Sandbox();
        var verifyCommands = CommonOptions.VerifyCommand();
        var verifyTimeout = CommonOptions.VerifyTimeout();
        var maxBody = new Option<long>("--max-body-bytes") { Description = "The largest request body accepted (default 4 MiB); larger is 413.", DefaultValueFactory = _ => ServeOptions.DefaultMaxBodyBytes };
        maxBody.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 1024)
            {
                result.AddError("--max-body-bytes must be at least 1024");
            }
        });
        var serve = new Command("serve", "The service: POST /events, POST /propose_action, risk cards, releases and gates, /metrics and a web console, on 127.0.0.1 by default.")
        {
            urls, repositoryRoot, tokenFile, webhookSecretFile, sandbox, verifyCommands, verifyTimeout, maxBody,
        };
        serve.SetAction((parse, ct) => RunAsync(context, parse.GetValue(urls)!, parse.GetValue(repositoryRoot), parse.GetValue(tokenFile), parse.GetValue(webhookSecretFile), parse.GetValue(sandbox), parse.GetValue(maxBody), ct));
        root.Subcommands.Add(serve);
    }

    private static async Task<int> RunAsync(CliContext context, string urls, string? repositoryRoot, string? tokenFile, string? webhookSecretFile, string? sandbox, long maxBody, CancellationToken cancellationToken)
    {
        Verbs.Validate(sandbox, "never");
        var root = Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(Directory.GetCurrentDirectory()));
        var loopback = AegisServer.IsLoopbackOnly(urls);
        if (!loopback)
        {
            context.Warn(ErrorCodes.ServiceExposed, "--urls " + urls + " listens beyond loopback: anyone who can reach it can read the cards; put TLS in front of it");
        }

        var token = ServeToken.Resolve(root, tokenFile, context.Environment, explicitOnly: !loopback)
            ?? throw new AegisException(ErrorCodes.ServiceExposed, "refusing to listen on " + urls + " without a token given explicitly ($" + ServeToken.EnvironmentVariable + " or --token-file)");
        var secret = webhookSecretFile is not null
            ? File.Exists(webhookSecretFile) ? File.ReadAllText(webhookSecretFile).Trim() : throw new AegisException(ErrorCodes.BadArguments, "--webhook-secret-file " + webhookSecretFile + " does not exist")
            : context.Environment(GitHubPushWebhook.SecretVariable);
        var mode = sandbox ?? SandboxModes.Default(context.Environment);
        var options = new ServeOptions
        {
            RepositoryRoot = root,
            Urls = urls,
            Token = token.Token,
            WebhookSecret = string.IsNullOrWhiteSpace(secret) ? null : secret,
            Sandbox = mode,
            VerifyCommands = AegisCommandLine.VerifyCommands(context.Args),
            MaxBodyBytes = maxBody,
            Catalog = context.Catalog,
            Environment = context.Environment,
            Log = context.Stderr,
        };

        await using var server = await AegisServer.StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var address in server.Addresses)
        {
            context.Stdout.WriteLine("aegis: serving " + address.ToString().TrimEnd('/') + " (repository " + root + ", sandbox " + mode + ")");
        }

        context.Stdout.WriteLine("aegis: write routes need 'Authorization: Bearer <token>'; token " + ServeToken.Hint(token.Token) + " from " + token.Source
            + (options.WebhookSecret is null ? "; no webhook secret: signed webhooks are refused" : "; GitHub push webhooks accepted with X-Hub-Signature-256"));
        context.Stdout.Flush();
        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        context.Stdout.WriteLine("aegis: stopped");
        return ExitCodes.Success;
    }
}
