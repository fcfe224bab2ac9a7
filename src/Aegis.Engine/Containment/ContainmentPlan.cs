namespace Aegis.Engine.Containment;

/// <summary>A step of the plan: an artifact (or, for a follow-up with nothing to load, none), what it blocks or
/// fixes, how to apply it and how to undo it. Containment steps come first, code follow-ups second.</summary>
public sealed record ContainmentStep(
    string Phase,
    string Kind,
    string? Artifact,
    IReadOnlyList<string> Incidents,
    string Blocks,
    string Apply,
    string Undo,
    IReadOnlyList<int>? RuleIds = null);

/// <summary>What the plan says about one incident of the card.</summary>
public sealed record PlannedIncident(CardIncident Incident, RouteTemplate? Route, string? Note);

/// <summary>The plan and its files, before they are written.</summary>
public sealed record ContainmentPlan(
    string Id,
    ContainmentCard? Card,
    AdvisoryEvent? Advisory,
    string Release,
    string ReleaseSource,
    IReadOnlyList<PlannedIncident> Incidents,
    IReadOnlyList<ContainmentStep> Steps,
    IReadOnlyDictionary<string, string> Files)
{
    public const string Schema = "aegis.containment/v1";
    public const string PlanFileName = "plan.json";

    public static class Phases
    {
        public const string Containment = "containment";
        public const string FollowUp = "follow_up";
    }

    public static class Kinds
    {
        public const string WafRules = "modsecurity_rules";
        public const string NginxLocation = "nginx_location";
        public const string YarpRoutes = "yarp_routes";
        public const string FeatureManagementFlag = "feature_management_flag";
        public const string FlagdFlag = "flagd_flag";
        public const string DependencyPin = "dependency_pin";
        public const string RotateSecret = "rotate_secret";
        public const string CodePatch = "code_patch";
    }

    /// <summary>What an incident without an endpoint gets instead of runtime controls.</summary>
    public const string NoRuntimeControl = "no runtime control applies: the incident is not reached from an endpoint; the code follow-up stays";
}
