using System.Text;

namespace Aegis.Engine.Containment;

/// <summary>
/// nginx <c>location</c> blocks that refuse a contained method + route with 403 and pass every other method on to
/// the app's upstream. Regex locations: nginx takes the first regex that matches, so the file is included above the
/// server's own regex locations. The regex is quoted and holds no quote, brace, <c>;</c> or <c>$</c> variable
/// (<see cref="RouteTemplate.ToRegex"/>).
/// </summary>
public static class NginxLocations
{
    public const string DefaultUpstream = "aegis_app";

    public static string Write(string planId, IReadOnlyList<ContainedEndpoint> endpoints, string upstream)
    {
        var conf = new StringBuilder();
        conf.Append("# Aegis containment plan ").Append(planId).Append(": gateway blocks for nginx.\n")
            .Append("# `include` inside the server block that proxies the app, above its own regex locations;\n")
            .Append("# ").Append(upstream).Append(" is the app's upstream (define it, or change the name with aegis contain --upstream).\n");
        foreach (var group in endpoints.GroupBy(e => e.Route.ToRegex(), StringComparer.Ordinal))
        {
            conf.Append('\n');
            foreach (var endpoint in group)
            {
                conf.Append("# Blocked: ").Append(endpoint.Route.ToDisplay()).Append(" (").Append(endpoint.IncidentList).Append(")\n");
            }

            conf.Append("location ~* \"").Append(group.Key).Append("\" {\n");
            var methods = group.Select(e => e.Route.Method).Distinct().ToList();
            if (methods.Contains(null))
            {
                conf.Append("    return 403;\n");
            }
            else
            {
                foreach (var method in methods.OrderBy(m => m, StringComparer.Ordinal))
                {
                    conf.Append("    if ($request_method = ").Append(method).Append(") { return 403; }\n");
                }

                conf.Append("    proxy_pass http://").Append(upstream).Append(";\n");
            }

            conf.Append("}\n");
        }

        return conf.ToString();
    }
}
