using System.Globalization;
using System.Text;

namespace Aegis.Engine.Containment;

/// <summary>
/// ModSecurity rules for OWASP CRS, scoped to each contained route by a <c>REQUEST_FILENAME</c> match. Ids come from
/// <see cref="FirstRuleId"/>–<see cref="LastRuleId"/> (inside ModSecurity's local-use range 1–99,999, far from CRS's
/// 900,000s): ten per endpoint, in the plan's endpoint order.
/// </summary>
public static class ModSecurityRules
{
    public const int FirstRuleId = 47000;
    public const int LastRuleId = 47999;
    public const int IdsPerEndpoint = 10;

    /// <summary>CRS paranoia level on a route an AEG001 incident is reached from (CRS's default is 1).</summary>
    public const int ContainedParanoiaLevel = 3;

    public const string Tag = "aegis-containment";

    /// <summary>The offsets inside an endpoint's ten ids.</summary>
    private const int ParanoiaOffset = 0;
    private const int SqlInjectionOffset = 1;
    private const int UnauthenticatedOffset = 2;

    public static IReadOnlyList<int> RuleIds(ContainedEndpoint endpoint)
    {
        var ids = new List<int>();
        if (endpoint.HasRule("AEG001"))
        {
            ids.Add(endpoint.RuleIdBase + ParanoiaOffset);
            ids.Add(endpoint.RuleIdBase + SqlInjectionOffset);
        }

        if (endpoint.HasRule("AEG003"))
        {
            ids.Add(endpoint.RuleIdBase + UnauthenticatedOffset);
        }

        return ids;
    }

    public static string Write(string planId, IReadOnlyList<ContainedEndpoint> endpoints, IReadOnlyList<string> credentialHeaders)
    {
        var conf = new StringBuilder();
        conf.Append("# Aegis containment plan ").Append(planId).Append(": ModSecurity rules for OWASP CRS, ids ")
            .Append(FirstRuleId.ToString(CultureInfo.InvariantCulture)).Append('-').Append(LastRuleId.ToString(CultureInfo.InvariantCulture)).Append(".\n")
            .Append("# Load after crs-setup.conf and before the CRS rules (REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf is the place):\n")
            .Append("# the paranoia rules must run before REQUEST-901 sets its defaults. Needs SecRuleEngine On to block.\n");
        foreach (var endpoint in endpoints.Where(e => e.HasRule("AEG001") || e.HasRule("AEG003")))
        {
            var path = "\"@rx (?i)" + endpoint.Route.ToRegex() + "\"";
            var scope = "t:none,t:urlDecodeUni,t:normalizePath";
            conf.Append('\n').Append("# ").Append(endpoint.Route.ToDisplay()).Append(" (").Append(endpoint.IncidentList).Append(")\n");
            if (endpoint.HasRule("AEG001"))
            {
                var level = ContainedParanoiaLevel.ToString(CultureInfo.InvariantCulture);
                conf.Append("# AEG001: SQL injection detection on this path's arguments, CRS at paranoia level ").Append(level).Append(" here only.\n");
                conf.Append("SecRule REQUEST_FILENAME ").Append(path).Append(" \\\n    \"id:").Append(Id(endpoint, ParanoiaOffset))
                    .Append(",phase:1,pass,nolog,").Append(scope)
                    .Append(",setvar:tx.paranoia_level=").Append(level)
                    .Append(",setvar:tx.executing_paranoia_level=").Append(level)
                    .Append(",setvar:tx.blocking_paranoia_level=").Append(level)
                    .Append(",setvar:tx.detection_paranoia_level=").Append(level).Append("\"\n");
                conf.Append("SecRule REQUEST_FILENAME ").Append(path).Append(" \\\n    \"id:").Append(Id(endpoint, SqlInjectionOffset))
                    .Append(",phase:2,deny,status:403,log,msg:'Aegis containment: SQL injection on a contained route',tag:'").Append(Tag).Append("',tag:'AEG001',")
                    .Append(scope).Append(",chain\"\n")
                    .Append("    SecRule ARGS|ARGS_NAMES \"@detectSQLi\" \"t:none,t:utf8toUnicode,t:urlDecodeUni,t:removeNulls\"\n");
            }

            if (endpoint.HasRule("AEG003"))
            {
                conf.Append("# AEG003: requests without credentials (").Append(string.Join(", ", credentialHeaders.Select(h => h + " header"))).Append(", or a cookie) are refused.\n");
                conf.Append("SecRule REQUEST_FILENAME ").Append(path).Append(" \\\n    \"id:").Append(Id(endpoint, UnauthenticatedOffset))
                    .Append(",phase:1,deny,status:403,log,msg:'Aegis containment: unauthenticated request to a contained route',tag:'").Append(Tag).Append("',tag:'AEG003',")
                    .Append(scope).Append(",chain\"\n");
                var indent = "    ";
                if (endpoint.Route.Method is { } method)
                {
                    conf.Append(indent).Append("SecRule REQUEST_METHOD \"@streq ").Append(method).Append("\" \"t:none,chain\"\n");
                    indent += "    ";
                }

                foreach (var header in credentialHeaders)
                {
                    conf.Append(indent).Append("SecRule &REQUEST_HEADERS:").Append(header).Append(" \"@eq 0\" \"chain\"\n");
                    indent += "    ";
                }

                conf.Append(indent).Append("SecRule &REQUEST_COOKIES \"@eq 0\"\n");
            }
        }

        return conf.ToString();
    }

    private static string Id(ContainedEndpoint endpoint, int offset) => (endpoint.RuleIdBase + offset).ToString(CultureInfo.InvariantCulture);
}
