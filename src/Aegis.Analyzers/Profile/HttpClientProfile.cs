using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>How this repository creates HTTP clients (for the HTTP-client drift rules that come next).</summary>
public sealed class HttpClientProfile
{
    public static readonly HttpClientProfile Empty = new("none", 0, 0, 0);

    public HttpClientProfile(string style, int factoryUsages, int typedClientRegistrations, int directConstructions)
    {
        Style = style;
        FactoryUsages = factoryUsages;
        TypedClientRegistrations = typedClientRegistrations;
        DirectConstructions = directConstructions;
    }

    /// <summary><c>factory</c>, <c>typed_client</c>, <c>new_http_client</c> or <c>none</c>.</summary>
    public string Style { get; }

    /// <summary><c>IHttpClientFactory.CreateClient</c> calls.</summary>
    public int FactoryUsages { get; }

    /// <summary><c>AddHttpClient&lt;T&gt;</c> registrations.</summary>
    public int TypedClientRegistrations { get; }

    /// <summary><c>new HttpClient(...)</c> expressions.</summary>
    public int DirectConstructions { get; }

    internal object ToJson() => new[]
    {
        Field("style", Style),
        Field("factory_usages", FactoryUsages),
        Field("typed_client_registrations", TypedClientRegistrations),
        Field("direct_constructions", DirectConstructions),
    };

    internal static HttpClientProfile FromJson(Dictionary<string, object?> json) => new(
        String(json, "style") ?? "none",
        Int(json, "factory_usages"),
        Int(json, "typed_client_registrations"),
        Int(json, "direct_constructions"));
}
