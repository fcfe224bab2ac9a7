using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Policy;

/// <summary>The <c>hooks</c> section of <c>.aegis/policy.json</c>: what an agent's pre-edit hook answers when Aegis
/// cannot judge an edit (an engine error, a timeout, an unreadable payload). Never a silent allow unless asked.</summary>
public sealed class HookPolicy
{
    public const string Ask = "ask";
    public const string Deny = "deny";
    public const string Allow = "allow";

    public static readonly string[] OnErrorValues = { Ask, Deny, Allow };

    /// <summary><c>hooks.on_error</c>: <c>ask</c> (default: the person decides), <c>deny</c> or <c>allow</c>.</summary>
    public string OnError { get; init; } = Ask;

    public static HookPolicy Default { get; } = new();

    /// <summary>Reads <c>hooks</c> from the policy's root object; a wrong value is a corrupt state file (AEGB005).</summary>
    internal static HookPolicy Read(JsonElement root, string path)
    {
        if (!root.TryGetProperty("hooks", out var hooks))
        {
            return Default;
        }

        if (hooks.ValueKind != JsonValueKind.Object)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'hooks' must be an object; fix or delete it (it is not overwritten)");
        }

        if (!hooks.TryGetProperty("on_error", out var onError))
        {
            return Default;
        }

        var value = onError.ValueKind == JsonValueKind.String ? onError.GetString() : null;
        return value is not null && OnErrorValues.Contains(value, StringComparer.Ordinal)
            ? new HookPolicy { OnError = value }
            : throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: 'hooks.on_error' must be \"ask\", \"deny\" or \"allow\"; fix or delete it (it is not overwritten)");
    }
}
