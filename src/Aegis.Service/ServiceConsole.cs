using System.Globalization;
using System.Net;
using System.Text;
using Aegis.Engine.Releases;

namespace Aegis.Service;

/// <summary>
/// The web console at <c>/</c>: server-rendered HTML that reads without JavaScript (cards with status and verb
/// filters, releases, the action builder). The one script only keeps the token for the tab (sessionStorage) so the
/// form need not be given it twice. No build step, no external asset.
/// </summary>
public static class ServiceConsole
{
    /// <summary>The console: its own script only, forms back to itself, never framed.</summary>
    public const string ConsolePolicy = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>A card's page has no script at all.</summary>
    public const string CardPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

    public const string Script = """
        // Keeps the service token for this tab only, so the action builder's field is filled after the first use.
        (function () {
          var field = document.getElementById('token');
          if (!field) { return; }
          var saved = sessionStorage.getItem('aegis-token');
          if (saved && !field.value) { field.value = saved; }
          document.getElementById('propose').addEventListener('submit', function () {
            sessionStorage.setItem('aegis-token', field.value);
          });
        })();
        """;

    private const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
        main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:22px}h2{font-size:18px;margin:0 0 12px}
        section{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:16px 20px;margin:16px 0}
        table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
        .allow{color:#1a7f37;font-weight:600}.blocked{color:#cf222e;font-weight:600}
        label{display:block;margin:8px 0 4px;font-weight:600;font-size:14px}input[type=text],input[type=password],select,textarea{width:100%;box-sizing:border-box;font:inherit;padding:6px}
        textarea{font-family:ui-monospace,monospace;min-height:160px}button{margin-top:12px;padding:8px 16px;font:inherit}
        form.filters{display:flex;gap:12px;align-items:end}form.filters label{margin:0}form.filters select{width:auto}
        .error{background:#ffebe9;border-color:#cf222e}
        """;

    private static readonly string[] Verbs = { "build", "scan", "verify", "propose", "push", "alert" };

    public static string Render(IReadOnlyList<CardEntry> cards, CardFilter filter, IReadOnlyList<Release> releases, string? error)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<title>Aegis console</title><style>").Append(Css).Append("</style></head><body><main>\n<h1>Aegis console</h1>\n");
        if (!string.IsNullOrEmpty(error))
        {
            html.Append("<section class=\"error\">").Append(E(error)).Append("</section>\n");
        }

        html.Append("<section id=\"cards\"><h2>Risk Cards</h2>\n<form class=\"filters\" method=\"get\" action=\"/\">")
            .Append("<div><label for=\"status\">Status</label><select id=\"status\" name=\"status\">").Append(Option("", "any", filter.Status)).Append(Option("allow", "allow", filter.Status)).Append(Option("blocked", "blocked", filter.Status)).Append("</select></div>")
            .Append("<div><label for=\"verb\">Verb</label><select id=\"verb\" name=\"verb\">").Append(Option("", "any", filter.Verb));
        foreach (var verb in Verbs)
        {
            html.Append(Option(verb, verb, filter.Verb));
        }

        html.Append("</select></div><div><button type=\"submit\">Filter</button></div></form>\n");
        if (cards.Count == 0)
        {
            html.Append("<p>No cards match.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>time (UTC)</th><th>status</th><th>score</th><th>recommendation</th><th>verb</th><th>file</th><th>summary</th></tr></thead><tbody>\n");
            foreach (var card in cards)
            {
                html.Append("<tr data-request-id=\"").Append(E(card.RequestId)).Append("\"><td class=\"nowrap\"><a href=\"/risk-cards/").Append(E(card.RequestId)).Append("\">")
                    .Append(E(card.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("</a></td>")
                    .Append("<td class=\"").Append(card.Status == "allow" ? "allow" : "blocked").Append("\">").Append(E(card.Status)).Append("</td>")
                    .Append("<td>").Append(card.RiskScore.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(E(card.RiskLevel)).Append("</td>")
                    .Append("<td>").Append(E(card.Recommendation)).Append("</td><td>").Append(E(card.Verb)).Append("</td><td>").Append(E(card.File ?? "")).Append("</td>")
                    .Append("<td>").Append(E(card.Summary)).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>\n<section id=\"builder\"><h2>Propose an action</h2>\n")
            .Append("<form id=\"propose\" method=\"post\" action=\"/console/propose\">")
            .Append("<label for=\"file\">File (relative to the repository root)</label><input type=\"text\" id=\"file\" name=\"file\" required>")
            .Append("<label for=\"mode\">The change is</label><select id=\"mode\" name=\"mode\"><option value=\"content\">the file's new content</option><option value=\"patch\">a unified diff</option></select>")
            .Append("<label for=\"text\">Content or patch</label><textarea id=\"text\" name=\"text\" required></textarea>")
            .Append("<label for=\"intent\">Intent</label><input type=\"text\" id=\"intent\" name=\"intent\">")
            .Append("<label for=\"actor\">Actor</label><input type=\"text\" id=\"actor\" name=\"actor\" placeholder=\"console\">")
            .Append("<label for=\"token\">Service token</label><input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required>")
            .Append("<button type=\"submit\" id=\"submit\">Judge it</button></form></section>\n");

        html.Append("<section id=\"releases\"><h2>Releases</h2>\n");
        if (releases.Count == 0)
        {
            html.Append("<p>No releases (<code>aegis release create --card …</code>).</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>id</th><th>name</th><th>state</th><th>weight</th><th>last change</th><th>gate</th></tr></thead><tbody>\n");
            foreach (var release in releases)
            {
                var gate = ReleaseGate.Evaluate(release);
                html.Append("<tr><td><a href=\"/releases/").Append(E(release.Id)).Append("\">").Append(E(release.Id)).Append("</a></td><td>").Append(E(release.Name)).Append("</td><td>").Append(E(release.State))
                    .Append("</td><td>").Append(release.Weight.ToString(CultureInfo.InvariantCulture)).Append(" %</td><td>").Append(E(release.Last.Action + " by " + release.Last.Actor + " at " + release.Last.At))
                    .Append("</td><td>").Append(E(gate.Verdict.Phase)).Append(" (").Append(gate.Verdict.HttpStatus.ToString(CultureInfo.InvariantCulture)).Append(")</td></tr>\n");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>\n<footer><a href=\"/metrics\">metrics</a> · <a href=\"/risk-cards\">risk-cards (JSON)</a> · <a href=\"/releases\">releases (JSON)</a></footer>\n")
            .Append("</main><script src=\"/console.js\"></script></body></html>\n");
        return html.ToString();
    }

    private static string Option(string value, string text, string? selected)
        => "<option value=\"" + E(value) + "\"" + ((selected ?? "") == value ? " selected" : "") + ">" + E(text) + "</option>";

    private static string E(string text) => WebUtility.HtmlEncode(Aegis.Engine.RiskCards.SecretMasker.None.Mask(text));
}
