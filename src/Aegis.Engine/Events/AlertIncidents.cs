using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Analyzers;
using Aegis.Engine.Analysis;
using Aegis.Engine.Containment;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Events;

/// <summary>
/// An <c>alert</c> event's findings as incidents: each result of a SARIF log another scanner wrote
/// (<c>payload.sarif</c>), or one runtime alert on an endpoint (<c>payload.endpoint</c>, with <c>message</c>,
/// <c>severity</c>, <c>rule</c>, <c>file</c>, <c>line</c>). Then correlated with Aegis's own incidents in the recorded
/// cards: the same file, or an endpoint whose route matches.
/// </summary>
public static class AlertIncidents
{
    /// <summary>SARIF levels as the card's severities.</summary>
    private static readonly IReadOnlyDictionary<string, string> SarifLevels = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["error"] = IncidentSeverities.High,
        ["warning"] = IncidentSeverities.Medium,
        ["note"] = IncidentSeverities.Low,
        ["none"] = IncidentSeverities.Low,
    };

    /// <summary>How many of the newest recorded cards are searched for Aegis incidents to correlate with.</summary>
    public const int CardsSearched = 50;

    /// <summary>The alert's findings as incidents (family <c>EXTERNAL</c>, rule <c>&lt;tool&gt;/&lt;rule id&gt;</c>);
    /// throws <see cref="FormatException"/> for a payload that is neither shape.</summary>
    public static IReadOnlyList<Incident> Read(AegisEvent alert)
    {
        var payload = alert.Payload;
        if (payload.TryGetProperty("sarif", out var sarif) && sarif.ValueKind != JsonValueKind.Null)
        {
            return FromSarif(sarif);
        }

        if (EventParser.OptionalString(payload, "endpoint") is { } endpoint)
        {
            var severity = (EventParser.OptionalString(payload, "severity") ?? IncidentSeverities.High).ToUpperInvariant();
            if (RiskLevels.Rank(severity) < 0)
            {
                throw new FormatException("severity '" + EventParser.Clip(severity) + "' is not LOW, MEDIUM, HIGH or CRITICAL");
            }

            var file = EventParser.OptionalString(payload, "file") is { } f ? EventParser.CheckedRelativePath(f) : alert.Files.FirstOrDefault() ?? "";
            var line = payload.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? n : 0;
            var rule = "runtime/" + (EventParser.OptionalString(payload, "rule") ?? "alert");
            return new[] { Create(rule, severity, file, line, endpoint.Trim(), EventParser.OptionalString(payload, "message") ?? "runtime alert on " + endpoint.Trim()) };
        }

        throw new FormatException("an alert's payload has 'sarif' (a SARIF 2.1.0 log) or 'endpoint' (a runtime alert)");
    }

    private static List<Incident> FromSarif(JsonElement sarif)
    {
        if (sarif.ValueKind != JsonValueKind.Object || !sarif.TryGetProperty("runs", out var runs) || runs.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("payload.sarif is a SARIF log: an object with a 'runs' array");
        }

        var incidents = new List<Incident>();
        foreach (var run in runs.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
        {
            var tool = run.TryGetProperty("tool", out var t) && t.TryGetProperty("driver", out var d) ? EventParser.OptionalString(d, "name") ?? "sarif" : "sarif";
            if (!run.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var result in results.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
            {
                var ruleId = EventParser.OptionalString(result, "ruleId") ?? "result";
                var level = EventParser.OptionalString(result, "level") ?? "warning";
                var message = result.TryGetProperty("message", out var m) ? EventParser.OptionalString(m, "text") ?? "" : "";
                string file = "";
                var line = 0;
                if (result.TryGetProperty("locations", out var locations) && locations.ValueKind == JsonValueKind.Array
                    && locations.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } location
                    && location.TryGetProperty("physicalLocation", out var physical) && physical.ValueKind == JsonValueKind.Object)
                {
                    if (physical.TryGetProperty("artifactLocation", out var artifact) && EventParser.OptionalString(artifact, "uri") is { } uri)
                    {
                        file = RelativeUri(uri);
                    }

                    if (physical.TryGetProperty("region", out var region) && region.ValueKind == JsonValueKind.Object && region.TryGetProperty("startLine", out var start) && start.TryGetInt32(out var startLine))
                    {
                        line = startLine;
                    }
                }

                incidents.Add(Create(Name(tool) + "/" + Name(ruleId), SarifLevels.TryGetValue(level, out var severity) ? severity : IncidentSeverities.Medium, file, line, null, message));
            }
        }

        return incidents;
    }

    /// <summary>
    /// The Aegis incidents (rules <c>AEG…</c>) of the newest recorded cards that share a file or an endpoint with an
    /// alert's incidents: the fingerprints, and one line each for the card. A card that cannot be read is skipped.
    /// </summary>
    public static IReadOnlyList<CardIncident> Correlate(string repositoryRoot, IReadOnlyList<Incident> alerts)
    {
        var own = new Dictionary<string, CardIncident>(StringComparer.Ordinal);
        foreach (var record in RiskHistory.List(repositoryRoot).Reverse().Take(CardsSearched))
        {
            ContainmentCard card;
            try
            {
                card = ContainmentCard.Load(record);
            }
            catch (AegisException)
            {
                continue;
            }

            foreach (var incident in card.Incidents.Where(i => i.Rule.StartsWith("AEG", StringComparison.Ordinal)))
            {
                own.TryAdd(incident.Fingerprint, incident);
            }
        }

        return own.Values
            .Where(mine => alerts.Any(alert => SameFile(alert, mine) || SameEndpoint(alert, mine)))
            .OrderBy(i => i.File, StringComparer.Ordinal).ThenBy(i => i.Line).ThenBy(i => i.Rule, StringComparer.Ordinal)
            .ToList();
    }

    private static bool SameFile(Incident alert, CardIncident mine) => alert.File.Length > 0 && string.Equals(alert.File, mine.File, StringComparison.Ordinal);

    /// <summary>The alert's endpoint (a template or a concrete path such as <c>GET /api/orders/42</c>) reaches the
    /// incident's route: the same method (or either answers every method) and the path matches its pattern.</summary>
    private static bool SameEndpoint(Incident alert, CardIncident mine)
    {
        if (alert.Endpoint is null || mine.Endpoint is null)
        {
            return false;
        }

        if (string.Equals(alert.Endpoint, mine.Endpoint, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            // A request line's query string is not part of the route.
            var theirs = RouteTemplate.Parse(alert.Endpoint.Split('?')[0]);
            var route = RouteTemplate.Parse(mine.Endpoint, mine.EndpointIsPrefix);
            var methodsMeet = theirs.Method is null || route.Method is null || string.Equals(theirs.Method, route.Method, StringComparison.Ordinal);
            return methodsMeet && Regex.IsMatch(theirs.Template, route.ToRegex(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Incident Create(string rule, string severity, string file, int line, string? endpoint, string message)
    {
        // Another tool's text is untrusted: known token formats are masked before it reaches any card.
        var masked = SecretMasker.None.Mask(message.Replace('\n', ' ').Replace('\r', ' '));
        var clipped = masked.Length > 500 ? masked[..500] + "…" : masked;
        return new Incident
        {
            Rule = rule,
            Family = "EXTERNAL",
            Severity = severity,
            Confidence = 1.0,
            File = file,
            Line = line,
            Endpoint = endpoint,
            Message = clipped,
            Evidence = "",
            RemediationStrategy = RemediationStrategies.NeedsHumanReview,
            VerificationStrategy = VerificationStrategies.ManualReview,
            Fingerprint = Hashing.Sha256(rule + "\n" + file + "\n" + line.ToString(CultureInfo.InvariantCulture) + "\n" + endpoint + "\n" + clipped),
        };
    }

    /// <summary>A SARIF artifact URI as a repository-relative path: <c>file:///…</c> and <c>%20</c> undone; what would
    /// leave the repository is dropped (the incident keeps no file rather than a wrong one).</summary>
    private static string RelativeUri(string uri)
    {
        var text = uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? "" : Uri.UnescapeDataString(uri);
        try
        {
            return text.Length == 0 ? "" : EventParser.CheckedRelativePath(text);
        }
        catch (FormatException)
        {
            return "";
        }
    }

    /// <summary>A tool or rule name kept to characters that read well in a rule column.</summary>
    private static string Name(string text)
    {
        var kept = new string(text.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/').Take(80).ToArray());
        return kept.Length == 0 ? "unnamed" : kept;
    }
}
