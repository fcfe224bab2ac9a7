using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Notifications;

/// <summary>One entry of the policy's <c>webhooks</c>: where a card's summary is posted, for which cards, signed with which secret.</summary>
public sealed record Webhook(Uri Url, IReadOnlyList<string> On, string? SecretEnv, TimeSpan Timeout, int Attempts)
{
    /// <summary>The <c>on</c> value that matches every card (the default).</summary>
    public const string AnyCard = "any";

    public const double DefaultTimeoutSeconds = 5;
    public const double MaxTimeoutSeconds = 30;
    public const int DefaultAttempts = 3;
    public const int MaxAttempts = 5;

    /// <summary>The wait before the 2nd, 3rd, … attempt: 0.5 s, 1 s, 2 s, 4 s (no jitter, so the bound is exact).</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(0.5);

    /// <summary>What <c>on</c> may name: any card, a status, or a recommendation.</summary>
    public static readonly string[] OnValues =
    {
        AnyCard, RiskStatus.Allow, RiskStatus.Blocked, Recommendations.ApprovedForRollout, Recommendations.Rollback, Recommendations.NeedsHumanReview,
    };

    /// <summary>The most one delivery can take, retries and waits included: every attempt timing out.</summary>
    public TimeSpan TotalBound
        => Timeout * Attempts + Enumerable.Range(0, Attempts - 1).Aggregate(TimeSpan.Zero, (sum, retry) => sum + FirstRetryDelay * Math.Pow(2, retry));

    public bool Matches(RiskCard card)
        => On.Any(value => value == AnyCard || value == card.Status || value == card.Recommendation);

    /// <summary>The variable <c>AegisWebhookUrl</c> reaches the engine in (the MSBuild target sets it; a CLI user may too).</summary>
    public const string UrlVariable = "AEGIS_WEBHOOK_URL";

    /// <summary>The variable naming the variable that holds the signing secret (<c>AegisWebhookSecretEnv</c>): like <c>secret_env</c>.</summary>
    public const string SecretEnvVariable = "AEGIS_WEBHOOK_SECRET_ENV";

    /// <summary>
    /// The webhooks of <c>AEGIS_WEBHOOK_URL</c> (one URL, or several separated by <c>;</c>), beside the policy's: every
    /// card, default timeout and attempts, the same URL rule as the policy (https, or http to loopback; AEGB087 otherwise).
    /// </summary>
    public static IReadOnlyList<Webhook> FromEnvironment(Func<string, string?> environment)
    {
        if (environment(UrlVariable) is not { Length: > 0 } value)
        {
            return Array.Empty<Webhook>();
        }

        var secretEnv = environment(SecretEnvVariable) is { Length: > 0 } variable ? variable : null;
        return value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => new Webhook(FromSetting(url), new[] { AnyCard }, secretEnv, TimeSpan.FromSeconds(DefaultTimeoutSeconds), DefaultAttempts))
            .ToArray();
    }

    private static Uri FromSetting(string url)
    {
        const string setting = "AegisWebhookUrl (" + UrlVariable + ")";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            throw new AegisException(ErrorCodes.OutboundPolicyRefused, setting + " must be an absolute https URL (or http to a loopback host)");
        }

        return OutboundUrls.Parse(url, allowHttp: false, "url", setting);
    }

    /// <summary>Reads <c>webhooks</c> from the policy's root object: a wrong shape is AEGB005, an unsafe URL AEGB087.</summary>
    internal static IReadOnlyList<Webhook> ReadAll(JsonElement root, string path)
    {
        if (!root.TryGetProperty("webhooks", out var webhooks))
        {
            return Array.Empty<Webhook>();
        }

        if (webhooks.ValueKind != JsonValueKind.Array)
        {
            throw Corrupt(path, "'webhooks' must be an array of { url, on, secret_env, timeout, attempts }");
        }

        return webhooks.EnumerateArray().Select((entry, index) => Read(entry, "webhooks[" + index.ToString(CultureInfo.InvariantCulture) + "]", path)).ToArray();
    }

    private static Webhook Read(JsonElement entry, string name, string path)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(path, $"'{name}' must be an object with 'url'");
        }

        SectionValues.RejectUnknown(entry, name, "a webhook", new[] { "url", "on", "secret_env", "timeout", "attempts", "allow_http" }, path);
        var allowHttp = SectionValues.Flag(entry, "allow_http", name, path);
        var url = OutboundUrls.Parse(entry.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null, allowHttp, name + ".url", path);

        var on = new[] { AnyCard };
        if (entry.TryGetProperty("on", out var onValue))
        {
            if (onValue.ValueKind != JsonValueKind.Array || onValue.GetArrayLength() == 0
                || onValue.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || !OnValues.Contains(v.GetString(), StringComparer.Ordinal)))
            {
                throw Corrupt(path, $"'{name}.on' must be a non-empty array of {string.Join(", ", OnValues.Select(v => "\"" + v + "\""))}");
            }

            on = onValue.EnumerateArray().Select(v => v.GetString()!).ToArray();
        }

        string? secretEnv = null;
        if (entry.TryGetProperty("secret_env", out var secret))
        {
            secretEnv = secret.ValueKind == JsonValueKind.String && secret.GetString() is { Length: > 0 } variable
                ? variable
                : throw Corrupt(path, $"'{name}.secret_env' must name an environment variable (the secret itself never goes in the policy)");
        }

        var timeout = SectionValues.Seconds(entry, "timeout", name, DefaultTimeoutSeconds, MaxTimeoutSeconds, path);

        var attempts = DefaultAttempts;
        if (entry.TryGetProperty("attempts", out var a))
        {
            attempts = a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var n) && n is >= 1 and <= MaxAttempts
                ? n
                : throw Corrupt(path, $"'{name}.attempts' must be a whole number from 1 to {MaxAttempts.ToString(CultureInfo.InvariantCulture)}");
        }

        return new Webhook(url, on, secretEnv, timeout, attempts);
    }

    private static AegisException Corrupt(string path, string what) => SectionValues.Corrupt(path, what);
}
