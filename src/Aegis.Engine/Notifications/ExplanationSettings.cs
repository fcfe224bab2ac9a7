using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Notifications;

/// <summary>
/// The policy's <c>explanations</c> section: an OpenAI-compatible endpoint that rewrites the card's explanation.
/// Off unless the section is present. The key comes from an environment variable or a file outside the repository,
/// never from the policy itself.
/// </summary>
public sealed record ExplanationSettings(Uri Endpoint, string Model, string ApiKeyEnv, string? ApiKeyFile, TimeSpan Timeout)
{
    public const string DefaultApiKeyEnv = "AEGIS_AI_KEY";
    public const double DefaultTimeoutSeconds = 10;
    public const double MaxTimeoutSeconds = 60;

    /// <summary>The key, or null with the reason it is missing.</summary>
    public (string? Key, string? Missing) ReadKey(Func<string, string?> environment)
    {
        if (ApiKeyFile is not null)
        {
            try
            {
                var key = File.ReadAllText(ApiKeyFile).Trim();
                return key.Length > 0 ? (key, null) : (null, "the key file " + ApiKeyFile + " is empty");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return (null, "the key file " + ApiKeyFile + " cannot be read: " + exception.GetType().Name);
            }
        }

        return environment(ApiKeyEnv) is { Length: > 0 } value ? (value.Trim(), null) : (null, ApiKeyEnv + " is not set");
    }

    /// <summary>Reads <c>explanations</c> from the policy's root object (null when absent): a wrong shape is AEGB005, a key file inside the repository AEGB087.</summary>
    internal static ExplanationSettings? Read(JsonElement root, string path, string repositoryRoot)
    {
        if (!root.TryGetProperty("explanations", out var section))
        {
            return null;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            throw SectionValues.Corrupt(path, "'explanations' must be an object with 'endpoint' and 'model'");
        }

        SectionValues.RejectUnknown(section, "explanations", "an explanations", new[] { "endpoint", "model", "api_key_env", "api_key_file", "timeout", "allow_http" }, path);

        string? Text(string name)
        {
            if (!section.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : throw SectionValues.Corrupt(path, $"'explanations.{name}' must be a non-empty string");
        }

        var endpoint = OutboundUrls.Parse(Text("endpoint"), SectionValues.Flag(section, "allow_http", "explanations", path), "explanations.endpoint", path);
        var model = Text("model") ?? throw SectionValues.Corrupt(path, "'explanations.model' is required");
        var keyFile = Text("api_key_file") is { } file ? KeyFileOutside(file, path, repositoryRoot) : null;
        var timeout = SectionValues.Seconds(section, "timeout", "explanations", DefaultTimeoutSeconds, MaxTimeoutSeconds, path);
        return new ExplanationSettings(endpoint, model, Text("api_key_env") ?? DefaultApiKeyEnv, keyFile, timeout);
    }

    /// <summary>The key file's full path (<c>~/</c> is the home folder); a file inside the repository would be committed, so it is refused (AEGB087), links followed.</summary>
    private static string KeyFileOutside(string file, string path, string repositoryRoot)
    {
        if (file.StartsWith("~/", StringComparison.Ordinal))
        {
            file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), file[2..]);
        }

        var full = Path.GetFullPath(file, repositoryRoot);
        var target = File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } link ? link.FullName : full;
        var root = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (full.StartsWith(root, StringComparison.Ordinal) || target.StartsWith(root, StringComparison.Ordinal))
        {
            throw new AegisException(ErrorCodes.OutboundPolicyRefused, $"{path}: 'explanations.api_key_file' is inside the repository ({file}), where it would be committed; keep the key outside it or use api_key_env");
        }

        return full;
    }
}
