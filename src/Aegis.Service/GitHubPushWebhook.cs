using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aegis.Service;

/// <summary>
/// A GitHub push webhook on <c>POST /events</c>: authenticated by <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the raw
/// body with the shared secret, compared in constant time) and translated into a <c>push</c> event naming the files
/// its commits added, modified or removed.
/// </summary>
public static class GitHubPushWebhook
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";
    public const string SecretVariable = "AEGIS_WEBHOOK_SECRET";

    private const string Prefix = "sha256=";

    /// <summary>The signature GitHub sends for <paramref name="body"/>: <c>sha256=&lt;hex&gt;</c>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
        => Prefix + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signature.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return presented.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>The push as an Aegis event: id from the delivery, ref, repository, and the changed files in order, once each.</summary>
    public static JsonObject ToEvent(string body, string? delivery)
    {
        JsonObject push;
        try
        {
            push = JsonNode.Parse(body) as JsonObject ?? throw ServiceProblem.BadRequest("the push webhook's body must be a JSON object");
        }
        catch (JsonException exception)
        {
            throw ServiceProblem.BadRequest("the push webhook's body is not JSON: " + exception.Message);
        }

        var files = new List<string>();
        if (push["commits"] is JsonArray commits)
        {
            foreach (var commit in commits.OfType<JsonObject>())
            {
                foreach (var list in new[] { "added", "modified", "removed" })
                {
                    if (commit[list] is JsonArray paths)
                    {
                        files.AddRange(paths.OfType<JsonValue>().Select(p => p.TryGetValue<string>(out var path) ? path : null).OfType<string>());
                    }
                }
            }
        }

        var id = delivery is { Length: > 0 } && HistoryFileCardIndex.RequestIdShape().IsMatch("gh-" + delivery) ? "gh-" + delivery : null;
        var item = new JsonObject
        {
            ["kind"] = "push",
            ["source"] = "github",
            ["repository"] = (push["repository"] as JsonObject)?["full_name"]?.DeepClone(),
            ["ref"] = push["ref"]?.DeepClone(),
            ["files"] = new JsonArray(files.Distinct(StringComparer.Ordinal).Select(f => (JsonNode?)f).ToArray()),
            ["payload"] = new JsonObject { ["before"] = push["before"]?.DeepClone(), ["after"] = push["after"]?.DeepClone(), ["pusher"] = (push["pusher"] as JsonObject)?["name"]?.DeepClone() },
        };
        if (id is not null)
        {
            item["id"] = id;
        }

        return item;
    }
}
