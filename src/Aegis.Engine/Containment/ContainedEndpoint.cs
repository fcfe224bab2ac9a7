namespace Aegis.Engine.Containment;

/// <summary>One endpoint (method + route) the plan contains, with the incidents reached through it and the
/// ModSecurity rule ids it owns (<see cref="ModSecurityRules"/>).</summary>
public sealed record ContainedEndpoint(RouteTemplate Route, IReadOnlyList<CardIncident> Incidents, int RuleIdBase)
{
    public bool HasRule(string rule) => Incidents.Any(i => i.Rule == rule);

    /// <summary>The kill-switch flag's name: <c>aegis-endpoint-delete-api-orders-id-int</c>.</summary>
    public string FlagName => "aegis-endpoint-" + Route.ToSlug();

    /// <summary>For comments: <c>AEG003, incident 7536e1826239</c>.</summary>
    public string IncidentList => string.Join("; ", Incidents.Select(i => ConfigText.OneLine(i.Rule) + ", incident " + ShortFingerprint(i.Fingerprint)));

    private static string ShortFingerprint(string fingerprint)
    {
        var safe = ConfigText.Identifier(fingerprint);
        return safe[..Math.Min(12, safe.Length)];
    }
}
