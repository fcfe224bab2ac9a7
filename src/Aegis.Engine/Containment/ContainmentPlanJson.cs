using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Containment;

/// <summary>Writes <c>plan.json</c> (<c>aegis.containment/v1</c>, docs/containment.schema.json) in a fixed order, with no
/// time in it: the same card gives the same bytes.</summary>
public static class ContainmentPlanJson
{
    public static string Write(ContainmentPlan plan, string? cardPath, string? eventPath)
    {
        var json = new JsonText().BeginObject()
            .Property("schema", ContainmentPlan.Schema)
            .Property("id", plan.Id);
        json.Name("source").BeginObject()
            .Property("card", cardPath)
            .Property("request_id", plan.Card?.RequestId)
            .Property("recommendation", plan.Card?.Recommendation)
            .Property("event", eventPath)
            .EndObject();
        json.Name("release").BeginObject().Property("name", plan.Release).Property("source", plan.ReleaseSource).EndObject();
        var contained = plan.Incidents.Count(i => i.Route is not null);
        json.Property("summary", contained + " of " + plan.Incidents.Count + " incident(s) contained at runtime; "
            + plan.Steps.Count(s => s.Phase == ContainmentPlan.Phases.Containment) + " containment step(s), "
            + plan.Steps.Count(s => s.Phase == ContainmentPlan.Phases.FollowUp) + " follow-up(s)"
            + (plan.Advisory is null ? "" : "; " + plan.Advisory.Package + " pinned to " + plan.Advisory.FixedVersion));

        json.Name("incidents").BeginArray();
        foreach (var planned in plan.Incidents)
        {
            var incident = planned.Incident;
            json.BeginObject()
                .Property("rule", incident.Rule)
                .Property("fingerprint", incident.Fingerprint)
                .Property("severity", incident.Severity)
                .Property("file", incident.File)
                .Property("line", incident.Line)
                .Property("endpoint", incident.Endpoint)
                .Property("method", planned.Route?.Method)
                .Property("route", planned.Route?.Template)
                .Property("runtime_control", planned.Route is not null)
                .Property("note", planned.Note);
            json.Name("steps").BeginArray();
            for (var i = 0; i < plan.Steps.Count; i++)
            {
                if (plan.Steps[i].Incidents.Contains(incident.Fingerprint, StringComparer.Ordinal))
                {
                    json.Number(i + 1);
                }
            }

            json.EndArray().EndObject();
        }

        json.EndArray();
        json.Name("steps").BeginArray();
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            json.BeginObject()
                .Property("order", i + 1)
                .Property("phase", step.Phase)
                .Property("kind", step.Kind)
                .Property("artifact", step.Artifact)
                .Property("sha256", step.Artifact is null ? null : Hashing.Sha256(plan.Files[step.Artifact]));
            json.Name("incidents").BeginArray();
            foreach (var fingerprint in step.Incidents)
            {
                json.String(fingerprint);
            }

            json.EndArray();
            if (step.RuleIds is { } ids)
            {
                json.Name("rule_ids").BeginArray();
                foreach (var id in ids)
                {
                    json.Number(id);
                }

                json.EndArray();
            }

            json.Property("blocks", step.Blocks)
                .Property("apply", step.Apply)
                .Property("undo", step.Undo)
                .EndObject();
        }

        return json.EndArray().EndObject().ToString();
    }
}
