using Aegis.Engine.Analysis;
using Aegis.Engine.Verification;

namespace Aegis.Service;

/// <summary>What <c>aegis serve</c> was started with; the CLI parses, this holds the values.</summary>
public sealed record ServeOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5178";

    /// <summary>A request body larger than this is refused with 413 (AEGB083) before it is read.</summary>
    public const long DefaultMaxBodyBytes = 4L * 1024 * 1024;

    public required string RepositoryRoot { get; init; }

    /// <summary>Semicolon-separated, as ASP.NET Core's <c>--urls</c>; port 0 picks a free port.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>The bearer token every write route needs (see <see cref="ServeToken"/>).</summary>
    public required string Token { get; init; }

    /// <summary>The secret GitHub signs push webhooks with (<c>X-Hub-Signature-256</c>); null: webhooks are refused.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>The sandbox proposals run in (<c>none</c>, <c>file</c>, <c>repository</c>).</summary>
    public string Sandbox { get; init; } = SandboxModes.File;

    public IReadOnlyList<VerifyCommand> VerifyCommands { get; init; } = Array.Empty<VerifyCommand>();

    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    public AnalyzerCatalog Catalog { get; init; } = AnalyzerCatalog.Default;

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Where a line about an unexpected failure goes (never to the client): the CLI's stderr.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>How often the event worker looks at the inbox when nothing signalled it.</summary>
    public TimeSpan InboxPollInterval { get; init; } = TimeSpan.FromSeconds(2);
}
