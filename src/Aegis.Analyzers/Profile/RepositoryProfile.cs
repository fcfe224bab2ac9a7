using Aegis.Analyzers.Infrastructure;
using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// How this codebase talks to its database, expresses authorization, reads configuration and creates HTTP
/// clients. Built from the code (<see cref="RepositoryProfileBuilder"/>) or read from <c>.aegis/profile.json</c>,
/// whose sections replace the computed ones so every project of a solution is judged by one convention.
/// </summary>
public sealed class RepositoryProfile
{
    /// <summary>The value of the <c>schema</c> field of <c>.aegis/profile.json</c>.</summary>
    public const string Schema = "aegis.profile/v1";

    public RepositoryProfile(
        DataAccessProfile dataAccess,
        AuthorizationProfile authorization,
        ConfigurationProfile configuration,
        HttpClientProfile httpClient)
    {
        DataAccess = dataAccess;
        Authorization = authorization;
        Configuration = configuration;
        HttpClient = httpClient;
    }

    /// <summary>A profile that knows nothing: every section empty.</summary>
    public static RepositoryProfile Empty() => new(DataAccessProfile.Empty, AuthorizationProfile.Empty, ConfigurationProfile.Empty, HttpClientProfile.Empty);

    public DataAccessProfile DataAccess { get; }

    public AuthorizationProfile Authorization { get; }

    public ConfigurationProfile Configuration { get; }

    public HttpClientProfile HttpClient { get; }

    /// <summary>The profile as <c>.aegis/profile.json</c> holds it: stable key order, <c>\n</c> newlines.</summary>
    public string ToJson() => MiniJson.Write(new[]
    {
        Field("schema", Schema),
        Field("data_access", DataAccess.ToJson()),
        Field("authorization", Authorization.ToJson()),
        Field("configuration", Configuration.ToJson()),
        Field("http_client", HttpClient.ToJson()),
    });

    /// <summary>
    /// This profile with the sections that <paramref name="json"/> (the text of <c>.aegis/profile.json</c>) names.
    /// Throws <see cref="FormatException"/> when the text is not a profile.
    /// </summary>
    public RepositoryProfile OverriddenBy(string json)
    {
        var sections = ProfileOverride.Parse(json);
        return new RepositoryProfile(
            sections.DataAccess ?? DataAccess,
            sections.Authorization ?? Authorization,
            sections.Configuration ?? Configuration,
            sections.HttpClient ?? HttpClient);
    }
}

/// <summary>The sections a <c>.aegis/profile.json</c> names; null for a section it leaves to the code.</summary>
internal sealed class ProfileOverride
{
    public static readonly ProfileOverride None = new(null, null, null, null);

    private ProfileOverride(DataAccessProfile? dataAccess, AuthorizationProfile? authorization, ConfigurationProfile? configuration, HttpClientProfile? httpClient)
    {
        DataAccess = dataAccess;
        Authorization = authorization;
        Configuration = configuration;
        HttpClient = httpClient;
    }

    public DataAccessProfile? DataAccess { get; }

    public AuthorizationProfile? Authorization { get; }

    public ConfigurationProfile? Configuration { get; }

    public HttpClientProfile? HttpClient { get; }

    /// <summary>Throws <see cref="FormatException"/> when the text is not a profile.</summary>
    public static ProfileOverride Parse(string json)
    {
        if (MiniJson.Parse(json) is not Dictionary<string, object?> root)
        {
            throw new FormatException("the profile must be a JSON object");
        }

        var schema = String(root, "schema");
        if (schema is not null && schema != RepositoryProfile.Schema)
        {
            throw new FormatException($"unknown schema '{schema}', expected '{RepositoryProfile.Schema}'");
        }

        return new ProfileOverride(
            Object(root, "data_access") is { } dataAccess ? DataAccessProfile.FromJson(dataAccess) : null,
            Object(root, "authorization") is { } authorization ? AuthorizationProfile.FromJson(authorization) : null,
            Object(root, "configuration") is { } configuration ? ConfigurationProfile.FromJson(configuration) : null,
            Object(root, "http_client") is { } httpClient ? HttpClientProfile.FromJson(httpClient) : null);
    }
}
