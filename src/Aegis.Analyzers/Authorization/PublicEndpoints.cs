namespace Aegis.Analyzers.Authorization;

/// <summary>
/// Endpoints that are public by their nature rather than by drift: sign-in, registration, token refresh and
/// exchange, password recovery and external-login callbacks (no one is signed in yet when they are called), and
/// endpoints that serve no data at all (a root redirect, API docs). The knowledge is in the tables; the code
/// only splits names into words and looks them up.
/// </summary>
internal static class PublicEndpoints
{
    /// <summary>
    /// Action names and route segments, as lower-case words, that are public by necessity anywhere, with what they
    /// are called in the message. Matched whole: <c>LoginHistory</c> is not a login.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ByNecessity = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["login"] = "login",
        ["log in"] = "login",
        ["logon"] = "login",
        ["signin"] = "login",
        ["sign in"] = "login",
        ["authenticate"] = "login",
        ["signup"] = "registration",
        ["sign up"] = "registration",
        ["refresh token"] = "token refresh",
        ["token refresh"] = "token refresh",
        ["exchange token"] = "token exchange",
        ["token exchange"] = "token exchange",
        ["forgot password"] = "password recovery",
        ["reset password"] = "password recovery",
        ["external login"] = "external login",
        ["external login callback"] = "external login callback",
        ["external callback"] = "external login callback",
        ["login callback"] = "external login callback",
        ["oauth callback"] = "external login callback",
        ["o auth callback"] = "external login callback", // OAuthCallback, split as identifiers are
        ["signin oidc"] = "external login callback",
        ["signin google"] = "external login callback",
        ["signin microsoft"] = "external login callback",
        ["signin facebook"] = "external login callback",
        ["signin github"] = "external login callback",
        ["signin twitter"] = "external login callback",
    };

    /// <summary>
    /// Words that are public by necessity only where the controller or route is about authentication:
    /// <c>/auth/register</c> is, <c>/devices/register</c> and <c>/cache/refresh</c> are not.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> InAuthenticationContext = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["register"] = "registration",
        ["token"] = "token issuance",
        ["refresh"] = "token refresh",
        ["exchange"] = "token exchange",
        ["callback"] = "external login callback",
    };

    /// <summary>Controller-name and route words that make a route about authentication.</summary>
    public static readonly IReadOnlyList<string> AuthenticationContextWords = new[]
    {
        "account", "accounts", "auth", "authentication", "identity", "connect", "oauth", "oauth2", "oidc",
        "session", "sessions", "token", "tokens", "login", "signin", "external", "user", "users",
    };

    /// <summary>Paths of API documentation, served to anyone by design, and their asset prefixes.</summary>
    public static readonly IReadOnlyList<string> DocumentationPaths = new[] { "/swagger", "/docs", "/redoc", "/scalar", "/openapi", "/api-docs" };

    /// <summary>Redirect helpers (<c>Results.Redirect</c>, <c>TypedResults.LocalRedirect</c>, <c>context.Response.Redirect</c>).</summary>
    public static readonly IReadOnlyList<string> RedirectMethods = new[] { "Redirect", "LocalRedirect", "RedirectPermanent", "RedirectToRoute", "RedirectToAction" };

    /// <summary>
    /// What the endpoint is public for ("login", "token refresh"…), or null. <paramref name="names"/> are the action
    /// name and the route's last literal segment; <paramref name="context"/> the controller name and the other segments.
    /// </summary>
    public static string? NecessityOf(IEnumerable<string?> names, IEnumerable<string?> context)
    {
        string? contextual = null;
        foreach (var name in names)
        {
            if (name is null)
            {
                continue;
            }

            var words = string.Join(" ", Words(name));
            if (ByNecessity.TryGetValue(words, out var reason))
            {
                return reason;
            }

            if (contextual is null && InAuthenticationContext.TryGetValue(words, out var candidate))
            {
                contextual = candidate;
            }
        }

        return contextual is not null && context.Any(text => text is not null && Words(text).Any(AuthenticationContextWords.Contains))
            ? contextual
            : null;
    }

    /// <summary>True for an API-docs path (<c>/swagger</c>, <c>/swagger/{**rest}</c>, <c>/docs</c>…).</summary>
    public static bool IsDocumentation(string path)
        => DocumentationPaths.Any(docs => path.Equals(docs, StringComparison.OrdinalIgnoreCase)
            || (path.StartsWith(docs + "/", StringComparison.OrdinalIgnoreCase) && docs != "/docs"));

    /// <summary>The literal segments of a route, without parameters (<c>{id}</c>) or the unknown marker.</summary>
    public static IReadOnlyList<string> LiteralSegments(string path)
        => path.Split('/').Where(segment => segment.Length > 0 && segment.IndexOf('{') < 0).ToList();

    /// <summary>Lower-case words of an identifier or route segment: <c>ExternalLoginCallbackAsync</c> → external login callback.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var startsWord = char.IsUpper(c) && current.Length > 0
                && (char.IsLower(text[i - 1]) || (i + 1 < text.Length && char.IsLower(text[i + 1])));
            if (!char.IsLetterOrDigit(c) || startsWord)
            {
                Flush();
            }

            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
        }

        Flush();
        if (words.Count > 1 && words[words.Count - 1] == "async")
        {
            words.RemoveAt(words.Count - 1);
        }

        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
