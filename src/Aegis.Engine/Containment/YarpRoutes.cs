using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Containment;

/// <summary>
/// YARP route configuration (the <c>ReverseProxy:Routes</c> section) that refuses each contained method + route: a
/// route with no <c>ClusterId</c>, which YARP itself answers with 503 and never forwards (its pipeline initializer),
/// ordered before every ordinary route. No code in the proxy is needed; the file is one more configuration source.
/// </summary>
public static class YarpRoutes
{
    /// <summary>Lower orders win in YARP (and ASP.NET Core routing); the proxy's own routes default to 0.</summary>
    public const int BlockOrder = -100000;

    public static string Write(string planId, IReadOnlyList<ContainedEndpoint> endpoints)
    {
        var json = new JsonText().BeginObject().Name("ReverseProxy").BeginObject().Name("Routes").BeginObject();
        var index = 0;
        foreach (var endpoint in endpoints)
        {
            index++;
            json.Name("aegis-block-" + planId + "-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture)).BeginObject()
                .Property("Order", BlockOrder)
                .Name("Match").BeginObject().Property("Path", endpoint.Route.ToAspNetTemplate());
            if (endpoint.Route.Method is { } method)
            {
                json.Name("Methods").BeginArray().String(method).EndArray();
            }

            json.EndObject()
                .Name("Metadata").BeginObject()
                .Property("aegis.containment", planId)
                .Property("aegis.endpoint", endpoint.Route.ToDisplay())
                .Property("aegis.incidents", string.Join(" ", endpoint.Incidents.Select(i => i.Fingerprint)))
                .EndObject()
                .EndObject();
        }

        return json.EndObject().EndObject().EndObject().ToString();
    }
}
