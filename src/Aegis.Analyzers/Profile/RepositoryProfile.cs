using Aegis.Analyzers.Infrastructure;
using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// How this codebase talks to its database, expresses authorization, reads configuration and creates HTTP
/// clients. Built from the code (<see cref="RepositoryProfileBuilder"/>) or read from <c>.aegis/profile.json</c>,
/// whose sections replace the computed ones: the project's own entry first, then the file's repository-wide ones
/// (see <see cref="ProfileFile"/>).
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
    public string ToJson() => MiniJson.Write(new[] { Field("schema", Schema) }.Concat(Sections()));

    /// <summary>
    /// A <c>.aegis/profile.json</c> of per-project sections, keyed by assembly name in ordinal order: each project is
    /// judged by its own convention, never by another project's. <c>aegis scan --write-profile</c> writes it.
    /// </summary>
    public static string ToJson(IEnumerable<KeyValuePair<string, RepositoryProfile>> projects) => MiniJson.Write(new[]
    {
        Field("schema", Schema),
        Field(ProfileFile.ProjectsField, projects
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Field(p.Key, p.Value.Sections().ToArray()))
            .ToArray()),
    });

    private IEnumerable<KeyValuePair<string, object?>> Sections() => new[]
    {
        Field("data_access", DataAccess.ToJson()),
        Field("authorization", Authorization.ToJson()),
        Field("configuration", Configuration.ToJson()),
        Field("http_client", HttpClient.ToJson()),
    };

    /// <summary>
    /// This profile with the sections that <paramref name="json"/> (the text of <c>.aegis/profile.json</c>) names for
    /// the assembly <paramref name="assemblyName"/>: its own entry under <c>projects</c> first, then the top-level ones.
    /// Throws <see cref="FormatException"/> when the text is not a profile.
    /// </summary>
    public RepositoryProfile OverriddenBy(string json, string? assemblyName = null)
    {
        var sections = ProfileOverride.Parse(json, assemblyName);
        return new RepositoryProfile(
            sections.DataAccess ?? DataAccess,
            sections.Authorization ?? Authorization,
            sections.Configuration ?? Configuration,
            sections.HttpClient ?? HttpClient);
    }
}

/// <summary>The sections one level of a <c>.aegis/profile.json</c> names; null for a section it leaves to the code.</summary>
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

    /// <summary>The sections of one compilation: its project's own (under <c>projects</c>) first, then the file's
    /// top-level ones. Throws <see cref="FormatException"/> when the text is not a profile.</summary>
    public static ProfileOverride Parse(string json, string? assemblyName = null)
        => ProfileFile.Parse(json).For(assemblyName);

    /// <summary>The sections <paramref name="json"/> (the file's root or one project's entry) names.</summary>
    public static ProfileOverride FromSections(Dictionary<string, object?> json)
        => new(
            Object(json, "data_access") is { } dataAccess ? DataAccessProfile.FromJson(dataAccess) : null,
            Object(json, "authorization") is { } authorization ? AuthorizationProfile.FromJson(authorization) : null,
            Object(json, "configuration") is { } configuration ? ConfigurationProfile.FromJson(configuration) : null,
            Object(json, "http_client") is { } httpClient ? HttpClientProfile.FromJson(httpClient) : null);

    /// <summary>These sections, and <paramref name="fallback"/>'s where these name none.</summary>
    public ProfileOverride Over(ProfileOverride fallback)
        => new(
            DataAccess ?? fallback.DataAccess,
            Authorization ?? fallback.Authorization,
            Configuration ?? fallback.Configuration,
            HttpClient ?? fallback.HttpClient);
}
