using System.Globalization;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Containment;

/// <summary>What <c>aegis contain</c> is asked for.</summary>
public sealed record ContainmentRequest(
    string RepositoryRoot,
    ContainmentCard? Card,
    AdvisoryEvent? Advisory,
    string Upstream,
    IReadOnlyList<string> CredentialHeaders);

/// <summary>
/// Turns a card (and an advisory) into a plan: runtime defence first — WAF rules, gateway blocks, kill-switch flags, a
/// dependency pin — and code second — the card's patches and the secrets to rotate. Incidents reached from an endpoint
/// get runtime controls; the others say none applies and keep their code follow-up. Pure: files are written by
/// <see cref="ContainmentWriter"/>.
/// </summary>
public static class ContainmentPlanner
{
    /// <summary>Rules with a WAF rule of their own (<see cref="ModSecurityRules"/>): AEG001 SQL-injection detection on the
    /// route's arguments, AEG003 unauthenticated requests refused. Other rules reached from an endpoint get the gateway
    /// block and the kill switch only; a leaked secret (AEG002) gets no runtime control at all.</summary>
    private static readonly IReadOnlySet<string> WafRules = new HashSet<string>(StringComparer.Ordinal) { "AEG001", "AEG003" };

    private const string SecretRule = "AEG002";

    public static ContainmentPlan Plan(ContainmentRequest request)
    {
        var card = request.Card;
        var advisory = request.Advisory;
        var incidents = card?.Incidents ?? Array.Empty<CardIncident>();
        var id = ContainmentPlans.IdFor(incidents.Select(i => i.Fingerprint), advisory);

        var planned = incidents.Select(i => Classify(i)).ToList();
        var endpoints = Endpoints(planned);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var steps = new List<ContainmentStep>();
        var (release, releaseSource) = ReleaseFor(card, advisory);

        var waf = endpoints.Where(e => e.Incidents.Any(i => WafRules.Contains(i.Rule))).ToList();
        if (waf.Count > 0)
        {
            const string path = "waf/modsecurity-crs-aegis.conf";
            files[path] = ModSecurityRules.Write(id, endpoints, request.CredentialHeaders);
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.Containment,
                ContainmentPlan.Kinds.WafRules,
                path,
                Fingerprints(waf),
                string.Join("; ", waf.Select(e => WafBlocks(e, request.CredentialHeaders))),
                "Include the file in ModSecurity v3 with OWASP CRS after crs-setup.conf and before the CRS rules (e.g. from REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf), with SecRuleEngine On; `nginx -t && nginx -s reload`.",
                "Remove the Include and reload; or `SecRuleRemoveById " + ModSecurityRules.FirstRuleId.ToString(CultureInfo.InvariantCulture) + "-" + ModSecurityRules.LastRuleId.ToString(CultureInfo.InvariantCulture) + "` turns every Aegis containment rule off.",
                waf.SelectMany(ModSecurityRules.RuleIds).ToList()));
        }

        if (endpoints.Count > 0)
        {
            var routes = string.Join("; ", endpoints.Select(e => e.Route.ToDisplay()));
            const string nginx = "gateway/nginx-locations.conf";
            files[nginx] = NginxLocations.Write(id, endpoints, request.Upstream);
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.Containment,
                ContainmentPlan.Kinds.NginxLocation,
                nginx,
                Fingerprints(endpoints),
                routes + " (403; other methods pass to " + request.Upstream + ")",
                "`include` the file inside the server block that proxies the app, above its own regex locations, with an upstream named " + request.Upstream + "; `nginx -t && nginx -s reload`.",
                "Remove the include and `nginx -s reload`."));

            const string yarp = "gateway/yarp-routes.json";
            files[yarp] = YarpRoutes.Write(id, endpoints);
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.Containment,
                ContainmentPlan.Kinds.YarpRoutes,
                yarp,
                Fingerprints(endpoints),
                routes + " (YARP answers 503 for a route without a cluster; nothing is forwarded)",
                "Add the file to the proxy's configuration before LoadFromConfig: `builder.Configuration.AddJsonFile(\"yarp-routes.json\", optional: true, reloadOnChange: true)`; its routes join the proxy's own and win by Order " + YarpRoutes.BlockOrder.ToString(CultureInfo.InvariantCulture) + ".",
                "Delete the file (or its aegis-block routes); with reloadOnChange YARP drops them without a restart."));

            const string featureManagement = "flags/feature-management.json";
            files[featureManagement] = KillSwitchFlags.WriteFeatureManagement(endpoints);
            var flags = string.Join(", ", endpoints.Select(e => e.FlagName));
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.Containment,
                ContainmentPlan.Kinds.FeatureManagementFlag,
                featureManagement,
                Fingerprints(endpoints),
                routes + " inside the app, once each endpoint is gated on its flag (" + flags + ")",
                "Gate each endpoint on its flag ([FeatureGate(\"<flag>\")] or IFeatureManager.IsEnabledAsync) and add the file to the app's configuration (Microsoft.FeatureManagement reads feature_management.feature_flags); enabled: false disables the endpoint, and a missing flag is off too.",
                "Set enabled to true (or remove the flag and the gate) once the code fix is live."));

            const string flagd = "flags/flagd.json";
            files[flagd] = KillSwitchFlags.WriteFlagd(endpoints);
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.Containment,
                ContainmentPlan.Kinds.FlagdFlag,
                flagd,
                Fingerprints(endpoints),
                routes + " inside the app through OpenFeature, once gated on the flag (" + flags + ")",
                "Load the file into flagd (`flagd start --uri file:flagd.json`, or merge its flags into yours); defaultVariant off disables the endpoint; evaluate with a false default.",
                "Set defaultVariant to \"on\" (or remove the flag) once the code fix is live."));
        }

        if (advisory is not null)
        {
            const string pin = "pins/Directory.Packages.props";
            var current = DependencyPin.CurrentVersion(request.RepositoryRoot, advisory.Package);
            files[pin] = DependencyPin.Write(id, advisory, current);
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.Containment,
                ContainmentPlan.Kinds.DependencyPin,
                pin,
                Array.Empty<string>(),
                advisory.Package + " " + ConfigText.OneLine(advisory.VulnerableRange) + " (pinned to " + advisory.FixedVersion + ")",
                "Merge the PackageVersion line into Directory.Packages.props" + (current is null ? "" : " (replacing Version=\"" + ConfigText.OneLine(current) + "\")") + ", then restore, build and test; ship it in " + release + ".",
                current is null ? "Remove the PackageVersion line again." : "Put Version=\"" + ConfigText.OneLine(current) + "\" back (git revert)."));
        }

        foreach (var secret in incidents.Where(i => i.Rule == SecretRule))
        {
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.FollowUp,
                ContainmentPlan.Kinds.RotateSecret,
                null,
                new[] { secret.Fingerprint },
                "use of the leaked credential (" + ConfigText.OneLine(secret.File) + ":" + secret.Line.ToString(CultureInfo.InvariantCulture) + "): no gateway or WAF contains a key that is already in the repository",
                "Rotate the credential at its issuer now (revoke the old one); then ship the patch that reads it from configuration in " + release + ".",
                "None: a revoked credential stays revoked."));
        }

        var patchIndex = 0;
        foreach (var patch in card?.Patches ?? Array.Empty<CardPatch>())
        {
            var fixes = incidents.Where(i => card!.PatchesFor(i).Contains(patch)).ToList();
            if (fixes.Count == 0)
            {
                continue;
            }

            patchIndex++;
            var path = "code/" + patchIndex.ToString("D2", CultureInfo.InvariantCulture) + "-" + ConfigText.Identifier(Path.GetFileNameWithoutExtension(patch.File)) + ".diff";
            files[path] = patch.Diff.EndsWith('\n') ? patch.Diff : patch.Diff + "\n";
            var verified = patch.ValidationStatus == "verified";
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.FollowUp,
                ContainmentPlan.Kinds.CodePatch,
                path,
                fixes.Select(i => i.Fingerprint).ToList(),
                string.Join("; ", fixes.Select(i => i.Rule + " at " + ConfigText.OneLine(i.File) + ":" + i.Line.ToString(CultureInfo.InvariantCulture))) + " (the code itself; validation: " + ConfigText.OneLine(patch.ValidationStatus) + ")",
                (verified ? ApplyVerified(card!, path) : "The sandbox did not verify this patch: verify it (`aegis verify`) before applying it") + ", and ship it in " + release + "; then undo the containment steps.",
                "`git apply -R` the same file (or revert the commit)."));
        }

        foreach (var orphan in incidents.Where(i => i.Rule != SecretRule && !card!.PatchesFor(i).Any()))
        {
            steps.Add(new ContainmentStep(
                ContainmentPlan.Phases.FollowUp,
                ContainmentPlan.Kinds.CodePatch,
                null,
                new[] { orphan.Fingerprint },
                orphan.Rule + " at " + ConfigText.OneLine(orphan.File) + ":" + orphan.Line.ToString(CultureInfo.InvariantCulture) + " (no patch on the card: " + ConfigText.OneLine(orphan.RemediationStrategy) + ")",
                "Fix it by hand (the card's message says how), verify with `aegis verify`, and ship it in " + release + ".",
                "Revert the commit."));
        }

        return new ContainmentPlan(id, card, advisory, release, releaseSource, planned, steps, files);
    }

    /// <summary>The card's own command re-creates every verified fix (a diff with a masked secret cannot be applied as it
    /// is); a diff without one also applies with git.</summary>
    private static string ApplyVerified(ContainmentCard card, string path)
        => "Apply the verified fix: " + (card.ApplyCommand is { Length: > 0 } command ? "`" + ConfigText.OneLine(command) + "` (the card's command; re-creates it), or " : "")
            + "`git apply <plan folder>/" + path + "` from the repository root when the diff holds no masked secret";

    private static PlannedIncident Classify(CardIncident incident)
    {
        if (incident.Rule == SecretRule)
        {
            return new PlannedIncident(incident, null, "no runtime control applies: no gateway or WAF contains a leaked key; rotate it (follow-up)");
        }

        return incident.Endpoint is { } endpoint && RouteTemplate.Parse(endpoint, incident.EndpointIsPrefix) is { Template.Length: > 0 } route && route.Template.StartsWith('/')
            ? new PlannedIncident(incident, route, WafRules.Contains(incident.Rule) ? null : "gateway block and kill switch only: no WAF rule for " + incident.Rule)
            : new PlannedIncident(incident, null, ContainmentPlan.NoRuntimeControl);
    }

    private static List<ContainedEndpoint> Endpoints(IEnumerable<PlannedIncident> planned)
    {
        var groups = planned.Where(p => p.Route is not null)
            .GroupBy(p => (Method: p.Route!.Method ?? "", p.Route.Template, p.Route.IsPrefix))
            .OrderBy(g => g.Key.Template, StringComparer.Ordinal).ThenBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.IsPrefix)
            .ToList();
        var capacity = (ModSecurityRules.LastRuleId - ModSecurityRules.FirstRuleId + 1) / ModSecurityRules.IdsPerEndpoint;
        if (groups.Count > capacity)
        {
            throw new AegisException(ErrorCodes.ContainmentTooLarge, "the card has " + groups.Count.ToString(CultureInfo.InvariantCulture) + " endpoints to contain; one plan holds at most " + capacity.ToString(CultureInfo.InvariantCulture) + " (its ModSecurity ids are " + ModSecurityRules.FirstRuleId.ToString(CultureInfo.InvariantCulture) + "-" + ModSecurityRules.LastRuleId.ToString(CultureInfo.InvariantCulture) + ")");
        }

        return groups.Select((g, index) => new ContainedEndpoint(g.First().Route!, g.Select(p => p.Incident).ToList(), ModSecurityRules.FirstRuleId + (index * ModSecurityRules.IdsPerEndpoint))).ToList();
    }

    private static string WafBlocks(ContainedEndpoint endpoint, IReadOnlyList<string> credentialHeaders)
    {
        var parts = new List<string>();
        if (endpoint.HasRule("AEG001"))
        {
            parts.Add("SQL injection in the arguments of " + endpoint.Route.ToDisplay() + " (CRS paranoia level " + ModSecurityRules.ContainedParanoiaLevel.ToString(CultureInfo.InvariantCulture) + " there, and libinjection, 403)");
        }

        if (endpoint.HasRule("AEG003"))
        {
            parts.Add(endpoint.Route.ToDisplay() + " without credentials (no " + string.Join("/", credentialHeaders) + " header, no cookie; 403)");
        }

        return string.Join("; ", parts);
    }

    private static List<string> Fingerprints(IEnumerable<ContainedEndpoint> endpoints)
        => endpoints.SelectMany(e => e.Incidents).Select(i => i.Fingerprint).ToList();

    /// <summary>No release records the card yet (the release flow is a separate verb): the name is derived from the
    /// card — its date and request id — so the plan and a later <c>aegis release create --name</c> can agree on it.</summary>
    private static (string Name, string Source) ReleaseFor(ContainmentCard? card, AdvisoryEvent? advisory)
    {
        if (card is not null)
        {
            var date = DateTimeOffset.FromUnixTimeMilliseconds((long)(card.Ts * 1000)).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var request = ConfigText.Identifier(card.RequestId);
            return ("aegis-" + date + "-" + request[^Math.Min(8, request.Length)..], "derived from the card's date and request_id (no release records it)");
        }

        return ("aegis-pin-" + ConfigText.Identifier(advisory!.Package) + "-" + ConfigText.Identifier(advisory.FixedVersion), "derived from the advisory (no card)");
    }
}
