using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Containment;

/// <summary>An incident of the card, as containment needs it.</summary>
public sealed record CardIncident(string Rule, string Severity, string File, int Line, string? Endpoint, string Message, string RemediationStrategy, string Fingerprint, string? EndpointKind = null)
{
    /// <summary>AEG003 on a controller: its route is a prefix over every action.</summary>
    public bool EndpointIsPrefix => EndpointKind == "controller";
}

/// <summary>A patch of the card: its diff, whether the sandbox verified it, and the incidents it fixes.</summary>
public sealed record CardPatch(string File, string Diff, string ValidationStatus, string Plan, IReadOnlyList<string> Fixes);

/// <summary>The parts of a Risk Card (<c>aegis.riskcard/v1</c>) a containment plan is made from.</summary>
public sealed record ContainmentCard(string Path, string RequestId, double Ts, string Recommendation, IReadOnlyList<CardIncident> Incidents, IReadOnlyList<CardPatch> Patches, string? ApplyCommand = null)
{
    /// <summary>Reads the card; anything that is not a card is AEGB030 naming the file.</summary>
    public static ContainmentCard Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.BadContainmentCard, "cannot read the Risk Card " + path + ": " + exception.Message, exception);
        }

        try
        {
            return Parse(path, text);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new AegisException(ErrorCodes.BadContainmentCard, "not a Risk Card: " + path + ": " + exception.Message, exception);
        }
    }

    private static ContainmentCard Parse(string path, string text)
    {
        using var document = JsonDocument.Parse(text);
        var card = document.RootElement;
        if (card.ValueKind != JsonValueKind.Object || card.GetProperty("schema").GetString() is not { } schema || !schema.StartsWith("aegis.riskcard/", StringComparison.Ordinal))
        {
            throw new FormatException("no \"schema\": \"aegis.riskcard/v1\"");
        }

        var incidents = card.GetProperty("incidents").EnumerateArray().Select(i => new CardIncident(
            i.GetProperty("rule").GetString() ?? "",
            i.GetProperty("severity").GetString() ?? "",
            i.GetProperty("file").GetString() ?? "",
            i.GetProperty("line").GetInt32(),
            i.TryGetProperty("endpoint", out var endpoint) && endpoint.ValueKind == JsonValueKind.String && endpoint.GetString() is { Length: > 0 } e ? e : null,
            i.TryGetProperty("message", out var message) ? message.GetString() ?? "" : "",
            i.TryGetProperty("remediation_strategy", out var strategy) ? strategy.GetString() ?? "" : "",
            i.GetProperty("fingerprint").GetString() ?? "",
            i.TryGetProperty("endpoint_kind", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null)).ToList();
        var patches = card.TryGetProperty("patches", out var list) ? list.EnumerateArray().Select(p => new CardPatch(
            p.GetProperty("file").GetString() ?? "",
            p.GetProperty("diff").GetString() ?? "",
            p.GetProperty("validation_status").GetString() ?? "",
            p.TryGetProperty("plan", out var plan) ? plan.GetString() ?? "" : "",
            p.TryGetProperty("fixes", out var fixes) ? fixes.EnumerateArray().Select(f => f.GetString() ?? "").ToList() : new List<string>())).ToList() : new List<CardPatch>();
        return new ContainmentCard(
            path,
            card.GetProperty("request_id").GetString() ?? "",
            card.TryGetProperty("ts", out var ts) && ts.ValueKind == JsonValueKind.Number ? ts.GetDouble() : 0,
            card.GetProperty("recommendation").GetString() ?? "",
            incidents,
            patches,
            card.TryGetProperty("verdicts", out var verdicts) && verdicts.TryGetProperty("apply_command", out var apply) && apply.ValueKind == JsonValueKind.String ? apply.GetString() : null);
    }

    /// <summary>The patches that fix <paramref name="incident"/>: by the card's <c>fixes</c> list, or, for a card
    /// written before it carried one, by file and the <c>RULE line N</c> the patch plan names.</summary>
    public IEnumerable<CardPatch> PatchesFor(CardIncident incident)
        => Patches.Where(p => p.Fixes.Count > 0
            ? p.Fixes.Contains(incident.Fingerprint, StringComparer.Ordinal)
            : p.File == incident.File && p.Plan.Contains(incident.Rule + " line " + incident.Line.ToString(CultureInfo.InvariantCulture) + ":", StringComparison.Ordinal));
}

/// <summary>
/// An <c>advisory</c> event: a vulnerable package version. The event model belongs to the intake (process-event);
/// containment accepts this minimal shape: <c>{"kind": "advisory", "payload": {"package", "vulnerable_range", "fixed_version"}}</c>.
/// </summary>
public sealed record AdvisoryEvent(string Path, string Id, string Package, string VulnerableRange, string FixedVersion)
{
    public static AdvisoryEvent Load(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var kind = root.GetProperty("kind").GetString();
            if (kind != "advisory")
            {
                throw new FormatException("kind is '" + kind + "'; contain plans for \"advisory\" events only");
            }

            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() ?? "" : "";
            return FromPayload(path, id, root.GetProperty("payload"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new AegisException(ErrorCodes.BadContainmentEvent, "bad advisory event " + path + ": " + exception.Message, exception);
        }
    }

    /// <summary>The advisory in an event's payload (the event intake's parsed events, and <see cref="Load"/>): throws
    /// <see cref="FormatException"/> (or <see cref="KeyNotFoundException"/>/<see cref="InvalidOperationException"/>
    /// for a missing or mistyped field).</summary>
    public static AdvisoryEvent FromPayload(string path, string id, JsonElement payload)
    {
        try
        {
            var package = payload.GetProperty("package").GetString() ?? "";
            var range = payload.TryGetProperty("vulnerable_range", out var r) ? r.GetString() ?? "" : "";
            var fixedVersion = payload.GetProperty("fixed_version").GetString() ?? "";
            // NuGet's own rules: an id of letters, digits, '.', '_', '-'; a version of the same plus '+'. Anything
            // else would land in an XML attribute, so it is refused rather than escaped into a pin that cannot restore.
            if (!IsNuGetText(package, allowPlus: false) || !IsNuGetText(fixedVersion, allowPlus: true))
            {
                throw new FormatException("payload.package and payload.fixed_version must be a NuGet package id and version");
            }

            return new AdvisoryEvent(path, id, package, range, fixedVersion);
        }
        catch (KeyNotFoundException exception)
        {
            throw new FormatException("an advisory's payload has package, vulnerable_range and fixed_version (" + exception.Message + ")", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new FormatException("an advisory's package, vulnerable_range and fixed_version are strings (" + exception.Message + ")", exception);
        }
    }

    private static bool IsNuGetText(string text, bool allowPlus)
        => text.Length is > 0 and <= 100 && text.All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-' || (allowPlus && c == '+'));
}
