using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Aegis.Engine.RiskCards;

/// <summary>Renders the card's JSON as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets.</summary>
public static class RiskCardHtml
{
    // pre is a one-column grid as wide as its longest line, so a scrolled diff keeps its add/del backgrounds.
    private const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
        main{max-width:1100px;margin:0 auto;padding:24px}
        .banner{display:flex;align-items:center;gap:24px;padding:20px 24px;border-radius:12px;color:#fff}
        .banner.allow{background:#1a7f37}.banner.blocked{background:#cf222e}
        .banner h1{margin:0;font-size:24px}.banner p{margin:4px 0 0}.banner p.patches{font-size:18px;font-weight:600}
        .banner code{background:rgba(255,255,255,.2);border-radius:4px;padding:1px 4px}
        .meta{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
        .pill{background:#fff;border:1px solid #d0d7de;border-radius:999px;padding:4px 12px;font-size:14px}
        section{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:16px 20px;margin:16px 0}
        h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:12px 0 8px}
        table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
        .nowrap{white-space:nowrap}
        .pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.scored{color:#bf8700;font-weight:600}
        section.tampering{border-color:#cf222e}
        .sev{border-radius:6px;padding:1px 6px;font-size:12px;font-weight:600;color:#fff}
        .baselined{border-radius:6px;padding:1px 6px;font-size:12px;background:#e5e7eb;color:#374151}
        tr.is-baselined td{color:#6b7280}
        .CRITICAL{background:#8b0000}.HIGH{background:#cf222e}.MEDIUM{background:#bf8700}.LOW{background:#57606a}
        pre{background:#f6f8fa;border-radius:8px;padding:8px 0;overflow-x:auto;font-size:13px;margin:8px 0;display:grid;grid-template-columns:minmax(100%,max-content)}
        pre span{display:block;padding:0 12px;white-space:pre}
        .add{background:#dafbe1}.del{background:#ffebe9}.hunk{color:#8250df}.head{color:#57606a}
        code{font-size:13px}footer{color:#57606a;font-size:12px;text-align:center;margin:24px 0}
        """;

    /// <param name="containmentPlan">The plan <c>aegis contain</c> wrote for this card's incidents (see <see cref="RiskCardMarkdown.Render"/>).</param>
    public static string Render(string cardJson, string? containmentPlan = null)
    {
        using var document = JsonDocument.Parse(cardJson);
        var card = document.RootElement;
        var status = card.GetProperty("status").GetString() ?? "";
        var score = card.GetProperty("risk_score").GetInt32();
        var level = card.GetProperty("risk_level").GetString() ?? "";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        var verdicts = card.GetProperty("verdicts");
        var code = verdicts.GetProperty("code").GetString() ?? "";
        var patchVerdict = verdicts.GetProperty("patches").GetString() ?? "";
        html.Append("<title>Aegis Risk Card — ").Append(E(RiskCardMarkdown.Headline(verdicts))).Append("</title>\n");
        html.Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<main>\n");
        html.Append("<div class=\"banner ").Append(status == RiskStatus.Allow ? "allow" : "blocked").Append("\">\n").Append(Gauge(score, level));
        html.Append("<div><h1>").Append(E(CardVerdicts.CodeHeadline(code, verdicts.GetProperty("code_reason").GetString() ?? ""))).Append("</h1>\n");
        if (verdicts.GetProperty("top_reason").GetString() is { } top)
        {
            html.Append("<p>Top: ").Append(E(top)).Append("</p>\n");
        }

        html.Append("<p class=\"patches\">").Append(E(CardVerdicts.PatchesHeadline(patchVerdict, verdicts.GetProperty("patches_reason").GetString() ?? ""))).Append("</p>\n");
        if (CardVerdicts.ApplySentence(patchVerdict, verdicts.GetProperty("apply_command").GetString()) is { } apply)
        {
            var colon = apply.IndexOf(": ", StringComparison.Ordinal) + 2;
            html.Append("<p>").Append(E(apply[..colon])).Append("<code>").Append(E(apply[colon..])).Append("</code></p>\n");
        }

        if (containmentPlan is not null)
        {
            html.Append("<p class=\"containment\">Containment plan: <a href=\"").Append(E(Uri.EscapeDataString(containmentPlan).Replace("%2F", "/", StringComparison.Ordinal))).Append("\">").Append(E(containmentPlan)).Append("</a></p>\n");
        }

        html.Append("<p>").Append(E(card.GetProperty("explanation").GetString()));
        if (Notifications.AiExplanation.SourceNote(card) is { } note)
        {
            html.Append(" <small class=\"source\">(").Append(E(note)).Append(")</small>");
        }

        html.Append("</p></div>\n</div>\n");
        html.Append("<div class=\"meta\"><span class=\"pill\">risk ").Append(score.ToString(CultureInfo.InvariantCulture)).Append(" · ").Append(E(level)).Append("</span>")
            .Append("<span class=\"pill\">health ").Append(card.GetProperty("health_score").GetDouble().ToString("0.00", CultureInfo.InvariantCulture)).Append("</span>")
            .Append("<span class=\"pill\">sandbox ").Append(E(card.GetProperty("sandbox").GetProperty("mode").GetString())).Append("</span>")
            .Append("<span class=\"pill\">").Append(E(card.GetProperty("schema").GetString())).Append("</span></div>\n");

        html.Append("<section><h2>Checks</h2>\n<table><tr><th>check</th><th>result</th><th>message</th></tr>\n");
        foreach (var check in card.GetProperty("checks").EnumerateArray())
        {
            var passed = check[1].GetBoolean();
            html.Append("<tr><td><code>").Append(E(check[0].GetString())).Append("</code></td><td class=\"").Append(passed ? "pass\">pass" : "fail\">fail").Append("</td><td>").Append(E(check[2].GetString())).Append("</td></tr>\n");
        }

        html.Append("</table></section>\n");
        var incidents = card.GetProperty("incidents").EnumerateArray().ToList();
        html.Append("<section><h2>Incidents (").Append(incidents.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h2>\n");
        if (incidents.Count == 0)
        {
            html.Append("<p>None.</p>\n");
        }

        if (card.TryGetProperty("baseline", out var baseline))
        {
            html.Append("<p>Baseline <code>").Append(E(baseline.GetProperty("path").GetString())).Append("</code> (").Append(E(baseline.GetProperty("id").GetString())).Append("): ")
                .Append(baseline.GetProperty("new").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" new, ")
                .Append(baseline.GetProperty("unchanged").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(" <span class=\"baselined\">baselined</span> (existing debt, listed after the new ones).</p>\n");
        }

        foreach (var family in incidents.GroupBy(i => i.GetProperty("family").GetString()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            html.Append("<h3>").Append(E(family.Key)).Append("</h3>\n<table><tr><th>rule</th><th>severity</th><th>location</th><th>endpoint</th><th>evidence</th><th>fix</th></tr>\n");
            foreach (var incident in family)
            {
                var severity = incident.GetProperty("severity").GetString() ?? "";
                html.Append(RiskCardMarkdown.IsBaselined(incident) ? "<tr class=\"is-baselined\"><td>" : "<tr><td>").Append(E(incident.GetProperty("rule").GetString()))
                    .Append(RiskCardMarkdown.IsBaselined(incident) ? " <span class=\"baselined\">baselined</span>" : "")
                    .Append("</td><td class=\"nowrap\"><span class=\"sev ").Append(E(severity)).Append("\">").Append(E(severity)).Append("</span> ")
                    .Append(incident.GetProperty("confidence").GetDouble().ToString("0.00", CultureInfo.InvariantCulture))
                    .Append("</td><td><code>").Append(E(incident.GetProperty("file").GetString())).Append(':').Append(incident.GetProperty("line").GetInt32().ToString(CultureInfo.InvariantCulture))
                    .Append("</code></td><td>").Append(E(incident.GetProperty("endpoint").GetString() ?? ""))
                    .Append("</td><td><code>").Append(E(incident.GetProperty("evidence").GetString()))
                    .Append("</code></td><td>").Append(E(incident.GetProperty("remediation_strategy").GetString())).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</section>\n");
        var tampering = card.TryGetProperty("tampering", out var tamperingArray) ? tamperingArray.EnumerateArray().ToList() : new List<JsonElement>();
        if (tampering.Count > 0)
        {
            html.Append("<section class=\"tampering\"><h2>Tampering (").Append(tampering.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h2>\n")
                .Append("<p>Edits that switch a check off instead of passing it.</p>\n")
                .Append("<table><tr><th>kind</th><th>what</th><th>location</th><th>evidence</th><th>verdict</th><th>weight</th></tr>\n");
            foreach (var finding in tampering)
            {
                var blocked = finding.GetProperty("verdict").GetString() == "blocked";
                html.Append("<tr><td><code>").Append(E(finding.GetProperty("kind").GetString())).Append("</code></td><td>").Append(E(finding.GetProperty("title").GetString()))
                    .Append("</td><td><code>").Append(E(RiskCardMarkdown.Location(finding))).Append("</code></td><td><code>").Append(E(finding.GetProperty("evidence").GetString()))
                    .Append("</code></td><td class=\"").Append(blocked ? "fail\">blocked" : "scored\">scored").Append("</td><td>+")
                    .Append(finding.GetProperty("weight").GetInt32().ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
            }

            html.Append("</table></section>\n");
        }

        var patches = card.GetProperty("patches").EnumerateArray().ToList();
        html.Append("<section><h2>Patches (").Append(patches.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h2>\n");
        foreach (var patch in patches)
        {
            html.Append("<h3><code>").Append(E(patch.GetProperty("file").GetString())).Append("</code> — ").Append(E(patch.GetProperty("validation_status").GetString())).Append("</h3>\n");
            html.Append("<p>").Append(E(patch.GetProperty("plan").GetString()).Replace("\n", "<br>\n", StringComparison.Ordinal)).Append("</p>\n");
            html.Append(Diff(patch.GetProperty("diff").GetString()));
        }

        if (patches.Count == 0 && card.GetProperty("diff").GetString() is { Length: > 0 } diff)
        {
            html.Append(Diff(diff));
        }

        html.Append("<p>").Append(E(card.GetProperty("diff_analysis").GetProperty("summary").GetString())).Append("</p>\n</section>\n");
        var commands = card.GetProperty("sandbox").GetProperty("commands").EnumerateArray().ToList();
        html.Append("<section><h2>Sandbox</h2>\n<table><tr><th>command</th><th>exit</th><th>duration</th></tr>\n");
        foreach (var command in commands)
        {
            var exit = command.GetProperty("exit_code").GetInt32();
            html.Append("<tr><td><code>").Append(E(command.GetProperty("command").GetString())).Append("</code></td><td class=\"").Append(exit == 0 ? "pass" : "fail").Append("\">")
                .Append(exit.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(command.GetProperty("duration_ms").GetInt64().ToString(CultureInfo.InvariantCulture)).Append(" ms</td></tr>\n");
        }

        html.Append("</table>\n");
        if (card.GetProperty("stdout").GetString() is { Length: > 0 } stdout)
        {
            html.Append("<details><summary>Verification output (last 80 lines)</summary><pre>");
            foreach (var line in stdout.Split('\n'))
            {
                html.Append("<span>").Append(E(line)).Append("</span>");
            }

            html.Append("</pre></details>\n");
        }

        html.Append("</section>\n<footer>request ").Append(E(card.GetProperty("request_id").GetString())).Append(" · ts ").Append(E(card.GetProperty("ts").GetRawText())).Append("</footer>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A semicircle gauge, 0 to 100, coloured by level.</summary>
    private static string Gauge(int score, string level)
    {
        var colour = level switch { RiskLevels.Critical => "#8b0000", RiskLevels.High => "#ff8182", RiskLevels.Medium => "#eac54f", _ => "#4ac26b" };
        var angle = Math.PI * (1 - Math.Clamp(score, 0, 100) / 100.0);
        var x = (60 + 50 * Math.Cos(angle)).ToString("0.##", CultureInfo.InvariantCulture);
        var y = (60 - 50 * Math.Sin(angle)).ToString("0.##", CultureInfo.InvariantCulture);
        var arc = score <= 0 ? "" : "<path d=\"M10 60 A50 50 0 0 1 " + x + " " + y + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"12\" stroke-linecap=\"round\"/>";
        return "<svg width=\"120\" height=\"72\" viewBox=\"0 0 120 72\" role=\"img\" aria-label=\"risk score " + score.ToString(CultureInfo.InvariantCulture) + " of 100\">"
            + "<path d=\"M10 60 A50 50 0 0 1 110 60\" fill=\"none\" stroke=\"rgba(255,255,255,.35)\" stroke-width=\"12\" stroke-linecap=\"round\"/>" + arc
            + "<text x=\"60\" y=\"58\" text-anchor=\"middle\" font-size=\"22\" font-weight=\"700\" fill=\"#fff\">" + score.ToString(CultureInfo.InvariantCulture) + "</text></svg>\n";
    }

    private static string Diff(string? diff)
    {
        var html = new StringBuilder("<pre>");
        foreach (var line in (diff ?? "").TrimEnd('\n').Split('\n'))
        {
            var css = line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) ? "head"
                : line.StartsWith('+') ? "add" : line.StartsWith('-') ? "del" : line.StartsWith("@@", StringComparison.Ordinal) ? "hunk" : "";
            html.Append("<span").Append(css.Length > 0 ? " class=\"" + css + "\"" : "").Append('>').Append(E(line)).Append("</span>");
        }

        return html.Append("</pre>\n").ToString();
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
