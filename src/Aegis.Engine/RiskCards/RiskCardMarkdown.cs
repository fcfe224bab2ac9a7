using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aegis.Engine.RiskCards;

/// <summary>Renders the card's JSON as Markdown that reads well in a terminal and in a GitHub job summary.</summary>
public static class RiskCardMarkdown
{
    /// <param name="containmentPlan">The plan <c>aegis contain</c> wrote for this card's incidents, relative to the card's
    /// folder (or absolute), linked under the verdicts; null when there is none.</param>
    public static string Render(string cardJson, string? containmentPlan = null)
    {
        using var document = JsonDocument.Parse(cardJson);
        var card = document.RootElement;
        var md = new StringBuilder();
        var status = card.GetProperty("status").GetString();
        var icon = status == RiskStatus.Allow ? "✅" : "⛔";
        var verdicts = card.GetProperty("verdicts");
        var patches = verdicts.GetProperty("patches").GetString() ?? "";
        md.Append("## ").Append(icon).Append(" Aegis Risk Card — ").Append(Headline(verdicts)).Append("\n\n");
        if (verdicts.GetProperty("top_reason").GetString() is { } top)
        {
            md.Append("Top: ").Append(Cell(top)).Append("\n\n");
        }

        if (CardVerdicts.ApplySentence(patches, verdicts.GetProperty("apply_command").GetString()) is { } apply)
        {
            var colon = apply.IndexOf(": ", StringComparison.Ordinal) + 2;
            md.Append(apply[..colon]).Append('`').Append(apply[colon..]).Append("`\n\n");
        }

        if (containmentPlan is not null)
        {
            md.Append("Containment plan: [").Append(containmentPlan.Replace("]", "\\]", StringComparison.Ordinal)).Append("](").Append(Uri.EscapeDataString(containmentPlan).Replace("%2F", "/", StringComparison.Ordinal)).Append(")\n\n");
        }

        md.Append("| risk score | risk level | recommendation | health | sandbox |\n|---|---|---|---|---|\n");
        md.Append("| ").Append(card.GetProperty("risk_score").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" / 100 | ")
            .Append(card.GetProperty("risk_level").GetString()).Append(" | `").Append(card.GetProperty("recommendation").GetString()).Append("` | ")
            .Append(card.GetProperty("health_score").GetDouble().ToString("0.00", CultureInfo.InvariantCulture)).Append(" | ")
            .Append(card.GetProperty("sandbox").GetProperty("mode").GetString()).Append(" |\n\n");
        md.Append("> ").Append(Cell(card.GetProperty("explanation").GetString()));
        if (Notifications.AiExplanation.SourceNote(card) is { } note)
        {
            md.Append(" _(").Append(Cell(note)).Append(")_");
        }

        md.Append("\n\n");

        md.Append("### Checks\n\n| check | result | message |\n|---|---|---|\n");
        foreach (var check in card.GetProperty("checks").EnumerateArray())
        {
            md.Append("| ").Append(Cell(check[0].GetString())).Append(" | ").Append(check[1].GetBoolean() ? "✅ pass" : "❌ fail").Append(" | ").Append(Cell(check[2].GetString())).Append(" |\n");
        }

        md.Append('\n');
        var incidents = card.GetProperty("incidents").EnumerateArray().ToList();
        md.Append("### Incidents (").Append(incidents.Count.ToString(CultureInfo.InvariantCulture)).Append(")\n\n");
        if (incidents.Count == 0)
        {
            md.Append("None.\n\n");
        }

        if (card.TryGetProperty("baseline", out var baseline))
        {
            md.Append("Baseline `").Append(Cell(baseline.GetProperty("path").GetString())).Append("` (").Append(Cell(baseline.GetProperty("id").GetString())).Append("): ")
                .Append(baseline.GetProperty("new").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" new, ")
                .Append(baseline.GetProperty("unchanged").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" baselined (existing debt, listed after the new ones).\n\n");
        }

        foreach (var family in incidents.GroupBy(i => i.GetProperty("family").GetString()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            md.Append("**").Append(family.Key).Append("**\n\n| rule | severity | confidence | location | endpoint | evidence | fix |\n|---|---|---|---|---|---|---|\n");
            foreach (var incident in family)
            {
                md.Append("| ").Append(incident.GetProperty("rule").GetString()).Append(IsBaselined(incident) ? " (baselined)" : "")
                    .Append(" | ").Append(incident.GetProperty("severity").GetString())
                    .Append(" | ").Append(incident.GetProperty("confidence").GetDouble().ToString("0.00", CultureInfo.InvariantCulture))
                    .Append(" | `").Append(Cell(incident.GetProperty("file").GetString())).Append(':').Append(incident.GetProperty("line").GetInt32().ToString(CultureInfo.InvariantCulture)).Append('`')
                    .Append(" | ").Append(Cell(incident.GetProperty("endpoint").GetString() ?? ""))
                    .Append(" | `").Append(Cell(incident.GetProperty("evidence").GetString()).Replace("`", "'", StringComparison.Ordinal)).Append('`')
                    .Append(" | ").Append(incident.GetProperty("remediation_strategy").GetString()).Append(" |\n");
            }

            md.Append('\n');
        }

        // Edits that switch a check off get their own section, right after what the code itself was found to do.
        var tampering = card.TryGetProperty("tampering", out var tamperingArray) ? tamperingArray.EnumerateArray().ToList() : new List<JsonElement>();
        if (tampering.Count > 0)
        {
            md.Append("### Tampering (").Append(tampering.Count.ToString(CultureInfo.InvariantCulture)).Append(")\n\n| kind | what | location | evidence | verdict | weight |\n|---|---|---|---|---|---|\n");
            foreach (var finding in tampering)
            {
                md.Append("| ").Append(finding.GetProperty("kind").GetString())
                    .Append(" | ").Append(Cell(finding.GetProperty("title").GetString()))
                    .Append(" | `").Append(Cell(Location(finding))).Append('`')
                    .Append(" | `").Append(Cell(finding.GetProperty("evidence").GetString()).Replace("`", "'", StringComparison.Ordinal)).Append('`')
                    .Append(" | ").Append(finding.GetProperty("verdict").GetString() == "blocked" ? "⛔ blocked" : "scored")
                    .Append(" | +").Append(finding.GetProperty("weight").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" |\n");
            }

            md.Append('\n');
        }

        var patchList = card.GetProperty("patches").EnumerateArray().ToList();
        md.Append("### Patches (").Append(patchList.Count.ToString(CultureInfo.InvariantCulture)).Append(")\n\n");
        foreach (var patch in patchList)
        {
            md.Append("#### `").Append(patch.GetProperty("file").GetString()).Append("` — ").Append(patch.GetProperty("validation_status").GetString()).Append("\n\n");
            md.Append(patch.GetProperty("plan").GetString()).Append("\n\n");
            md.Append("```diff\n").Append(patch.GetProperty("diff").GetString()).Append("```\n\n");
        }

        var analysis = card.GetProperty("diff_analysis");
        md.Append("### Diff analysis\n\n").Append(analysis.GetProperty("summary").GetString()).Append("\n\n");
        if (patchList.Count == 0 && card.GetProperty("diff").GetString() is { Length: > 0 } diff)
        {
            md.Append("```diff\n").Append(diff).Append(diff.EndsWith('\n') ? "" : "\n").Append("```\n\n");
        }

        var commands = card.GetProperty("sandbox").GetProperty("commands").EnumerateArray().ToList();
        if (commands.Count > 0)
        {
            md.Append("### Sandbox\n\n| command | exit | duration |\n|---|---|---|\n");
            foreach (var command in commands)
            {
                md.Append("| `").Append(Cell(command.GetProperty("command").GetString())).Append("` | ")
                    .Append(command.GetProperty("exit_code").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" | ")
                    .Append(command.GetProperty("duration_ms").GetInt64().ToString(CultureInfo.InvariantCulture)).Append(" ms |\n");
            }

            md.Append('\n');
        }

        if (card.GetProperty("stdout").GetString() is { Length: > 0 } stdout)
        {
            md.Append("<details><summary>Verification output (last 80 lines)</summary>\n\n```text\n").Append(stdout).Append(stdout.EndsWith('\n') ? "" : "\n").Append("```\n\n</details>\n\n");
        }

        md.Append("<sub>").Append(card.GetProperty("schema").GetString()).Append(" · request ").Append(card.GetProperty("request_id").GetString())
            .Append(" · ts ").Append(card.GetProperty("ts").GetRawText()).Append("</sub>\n");
        return md.ToString();
    }

    /// <summary>Both verdicts, each naming what it judges: "Blocked: 11 incidents in the code · Patches: approved for rollout (…)".</summary>
    public static string Headline(JsonElement verdicts)
        => CardVerdicts.CodeHeadline(verdicts.GetProperty("code").GetString() ?? "", verdicts.GetProperty("code_reason").GetString() ?? "")
            + " · " + CardVerdicts.PatchesHeadline(verdicts.GetProperty("patches").GetString() ?? "", verdicts.GetProperty("patches_reason").GetString() ?? "");

    /// <summary><c>file:line</c>, or the file alone when the line is not known (what a change removed).</summary>
    public static string Location(JsonElement finding)
        => finding.GetProperty("file").GetString() + (finding.GetProperty("line").ValueKind == JsonValueKind.Number ? ":" + finding.GetProperty("line").GetInt32().ToString(CultureInfo.InvariantCulture) : "");

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>An incident the baseline holds (<c>baseline_state: unchanged</c>).</summary>
    internal static bool IsBaselined(JsonElement incident)
        => incident.TryGetProperty("baseline_state", out var state) && state.GetString() == "unchanged";
}
