using System.Security.Cryptography;
using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>The Risk Card a release was created from: where it was, which card it was, and its verdict.</summary>
public sealed record ReleaseCardReference(string Path, string Sha256, string? RequestId, string Status, string Recommendation, int RiskScore, string? RiskLevel)
{
    public const string ApprovedForRollout = "approved_for_rollout";

    private static readonly string[] Recommendations = { ApprovedForRollout, "needs_human_review", "rollback" };

    public bool IsApprovedForRollout => Recommendation == ApprovedForRollout;

    /// <summary>Reads the card's verdict; a card that is missing or does not parse is AEGB024 naming it.</summary>
    public static ReleaseCardReference Read(string repositoryRoot, string cardPath)
    {
        var full = System.IO.Path.GetFullPath(cardPath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.BadReleaseInput, $"cannot read the Risk Card {full}: {exception.Message}");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var card = document.RootElement;
            var recommendation = card.ValueKind == JsonValueKind.Object && card.TryGetProperty("recommendation", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
            if (recommendation is null || !Recommendations.Contains(recommendation))
            {
                throw new AegisException(ErrorCodes.BadReleaseInput, $"{full} is not a Risk Card: it has no 'recommendation' ({string.Join(", ", Recommendations)})");
            }

            return new ReleaseCardReference(
                RepositoryPaths.Relative(repositoryRoot, full),
                Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
                Text(card, "request_id"),
                Text(card, "status") ?? "unknown",
                recommendation,
                card.TryGetProperty("risk_score", out var score) && score.ValueKind == JsonValueKind.Number && score.TryGetInt32(out var s) ? s : 0,
                Text(card, "risk_level"));
        }
        catch (JsonException exception)
        {
            throw new AegisException(ErrorCodes.BadReleaseInput, $"{full} is not a Risk Card: {exception.Message}");
        }
    }

    internal void WriteTo(JsonText json)
        => json.BeginObject()
            .Property("path", Path)
            .Property("sha256", Sha256)
            .Property("request_id", RequestId)
            .Property("status", Status)
            .Property("recommendation", Recommendation)
            .Property("risk_score", RiskScore)
            .Property("risk_level", RiskLevel)
            .EndObject();

    internal static ReleaseCardReference Parse(JsonElement element)
        => new(
            Required(element, "path"),
            Required(element, "sha256"),
            Text(element, "request_id"),
            Required(element, "status"),
            Required(element, "recommendation"),
            element.GetProperty("risk_score").GetInt32(),
            Text(element, "risk_level"));

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(JsonElement element, string name)
        => Text(element, name) ?? throw new FormatException($"'{name}' is missing or not a string");
}
