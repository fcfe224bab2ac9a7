using System.Text;

namespace Aegis.Analyzers.Secrets;

/// <summary>How strongly a member or parameter name says "this holds a secret".</summary>
internal enum SecretNameStrength
{
    None,

    /// <summary>A bare <c>key</c> (or <c>FooKey</c>): reported only for high-entropy values and byte arrays.</summary>
    Weak,

    Strong,
}

/// <summary>What a name says about the value it holds.</summary>
internal readonly struct SecretName
{
    public SecretName(SecretNameStrength strength, string kind, string displayName, bool isConnectionString, bool mentionsAws)
    {
        Strength = strength;
        Kind = kind;
        DisplayName = displayName;
        IsConnectionString = isConnectionString;
        MentionsAws = mentionsAws;
    }

    public SecretNameStrength Strength { get; }

    public string Kind { get; }

    public string DisplayName { get; }

    public bool IsConnectionString { get; }

    public bool MentionsAws { get; }
}

/// <summary>
/// Name tables: which words make a name secret-like, which make it a false friend (<c>KeyCode</c>,
/// <c>SortKey</c>, <c>TokenType</c>, <c>MinPasswordLength</c>, <c>PasswordResetRoute</c>...), and how names become
/// configuration keys and environment variables.
/// </summary>
internal static class SecretNames
{
    /// <summary>One word, or two adjacent words joined, that name a secret: term, kind slug, display name.</summary>
    private static readonly (string Term, string Kind, string Display)[] Terms =
    {
        ("password", "password", "password"),
        ("passwd", "password", "password"),
        ("pwd", "password", "password"),
        ("passphrase", "password", "password"),
        ("passcode", "password", "password"),
        ("clientsecret", "client-secret", "client secret"),
        ("secretkey", "secret-key", "secret key"),
        ("secret", "secret", "secret"),
        ("token", "token", "token"),
        ("apikey", "api-key", "API key"),
        ("accesskey", "access-key", "access key"),
        ("privatekey", "private-key", "private key"),
        ("signingkey", "signing-key", "signing key"),
        ("encryptionkey", "encryption-key", "encryption key"),
        ("masterkey", "key", "key"),
        ("sharedkey", "key", "key"),
        ("accountkey", "key", "key"),
        ("subscriptionkey", "api-key", "API key"),
        ("hmackey", "signing-key", "signing key"),
        ("jwtkey", "signing-key", "signing key"),
        ("authkey", "key", "key"),
        ("clientkey", "key", "key"),
        ("appkey", "key", "key"),
        ("storagekey", "key", "key"),
        ("credential", "credential", "credential"),
        ("credentials", "credential", "credential"),
        ("creds", "credential", "credential"),
    };

    /// <summary>Words that make a secret-looking name mean something else (a length, a route, a label, a type...).</summary>
    private static readonly HashSet<string> FalseFriends = new(StringComparer.Ordinal)
    {
        "public", "type", "kind", "route", "path", "url", "uri", "link",
        "endpoint", "length", "len", "min", "max", "minimum", "maximum", "count", "size", "label", "caption", "title",
        "hint", "placeholder", "watermark", "prompt", "message", "description", "display", "tooltip", "error", "name",
        "field", "column", "header", "policy", "expiry", "expiration", "expires", "lifetime", "timeout", "format",
        "pattern", "regex", "validator", "validation", "rule", "rules", "requirement", "requirements", "required",
        "enabled", "mode", "strength", "hash", "hashed", "salt", "provider", "handler", "file", "filename", "location",
        "id", "index", "char", "chars", "reset", "forgot", "changed", "query", "param", "parameter", "claim", "audience",
        "issuer", "scheme", "version", "prefix", "suffix", "separator", "delimiter", "template", "selector",
        "attribute", "input", "box", "button", "page", "view", "env", "environment", "variable", "var", "config",
        "configuration", "setting", "section", "store", "vault", "event", "source", "property", "lookup", "cancellation",
        "length", "policy", "options", "usage", "used", "status", "state", "valid", "is", "has", "can", "should",
    };

    /// <summary>
    /// Words that name another kind of key (<c>SortKey</c>, <c>PrimaryKey</c>, <c>CacheKey</c>, <c>KeyCode</c>): they
    /// make a bare <c>key</c> or <c>token</c> mean something else, never a password, a secret, a credential or an
    /// access key — a cache's password (<c>RedisCachePassword</c>) is a password.
    /// </summary>
    private static readonly HashSet<string> KeyFalseFriends = new(StringComparer.Ordinal)
    {
        "code", "sort", "primary", "foreign", "cache",
    };

    /// <summary>The kinds of term a word of <see cref="KeyFalseFriends"/> turns into something else.</summary>
    private static readonly HashSet<string> AmbiguousKinds = new(StringComparer.Ordinal)
    {
        "key", "token",
    };

    /// <summary>Words that describe what the value is in general, not whose it is: a name made only of these is generic.</summary>
    private static readonly HashSet<string> GenericWords = new(StringComparer.Ordinal)
    {
        "api", "key", "secret", "token", "password", "passwd", "pwd", "client", "access", "private", "signing", "auth",
        "credential", "credentials", "connection", "string", "value", "my", "the", "default", "app", "bearer",
        "encryption", "shared", "master", "refresh", "id", "user", "username",
    };

    /// <summary>Brand names kept whole when splitting words (so <c>GitHubToken</c> becomes <c>GITHUB_TOKEN</c>).</summary>
    private static readonly string[] Compounds = { "GitHub", "GitLab", "OAuth", "SendGrid", "PayPal", "OpenAI", "DevOps", "PostgreSql", "MySql", "DynamoDb", "MongoDb" };

    /// <summary>Type-name suffixes dropped to get the configuration section (<c>StripeClient</c> → <c>Stripe</c>).</summary>
    private static readonly string[] TypeSuffixes = { "Client", "Service", "Options", "Settings", "Controller", "Repository", "Configuration", "Config" };

    /// <summary>Type names too general to be a configuration section (top-level statements live in <c>Program</c>).</summary>
    private static readonly HashSet<string> GeneralTypeNames = new(StringComparer.Ordinal) { "Program", "Startup", "Constants", "Secrets", "Keys", "Settings" };

    /// <summary>
    /// What <paramref name="name"/> says about the value it holds. Every string literal asks about the name it is
    /// assigned or passed to, and a codebase reuses a few thousand names: each is classified once per process.
    /// </summary>
    public static SecretName Classify(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return default;
        }

        if (Classified.TryGetValue(name!, out var known))
        {
            return known;
        }

        var classification = ClassifyWords(name!);
        if (Classified.Count >= ClassifiedCapacity)
        {
            Classified.Clear();
        }

        Classified[name!] = classification;
        return classification;
    }

    private const int ClassifiedCapacity = 8192;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SecretName> Classified = new(StringComparer.Ordinal);

    private static SecretName ClassifyWords(string name)
    {
        var words = SplitWords(name);
        var mentionsAws = words.Contains("aws");
        var isConnectionString = Adjacent(words, "connection", "string") || words.Contains("connectionstring") || words.Contains("dsn");
        foreach (var word in words)
        {
            if (FalseFriends.Contains(word))
            {
                return new SecretName(SecretNameStrength.None, string.Empty, string.Empty, isConnectionString, mentionsAws);
            }
        }

        var keyFalseFriend = false;
        foreach (var word in words)
        {
            keyFalseFriend |= KeyFalseFriends.Contains(word);
        }

        foreach (var (term, kind, display) in Terms)
        {
            if (keyFalseFriend && AmbiguousKinds.Contains(kind))
            {
                continue;
            }

            for (var i = 0; i < words.Count; i++)
            {
                if (words[i] == term || (i + 1 < words.Count && IsJoined(term, words[i], words[i + 1])))
                {
                    return new SecretName(SecretNameStrength.Strong, kind, display, isConnectionString, mentionsAws);
                }
            }
        }

        return !keyFalseFriend && words.Count > 0 && words[words.Count - 1] == "key"
            ? new SecretName(SecretNameStrength.Weak, "key", "key", isConnectionString, mentionsAws)
            : new SecretName(SecretNameStrength.None, string.Empty, string.Empty, isConnectionString, mentionsAws);
    }

    /// <summary>True when the text, read as a name, contains one of the secret terms (<c>access_token</c>, <c>X-Api-Key</c>).</summary>
    public static bool ContainsSecretTerm(string text)
    {
        var words = SplitWords(text);
        foreach (var (term, _, _) in Terms)
        {
            for (var i = 0; i < words.Count; i++)
            {
                if (words[i] == term || words[i] == "key" || (i + 1 < words.Count && IsJoined(term, words[i], words[i + 1])))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// <c>first + second == term</c> without building the joined string: every name is checked against every term,
    /// and concatenating each adjacent pair for each term made most of the classification's cost.
    /// </summary>
    private static bool IsJoined(string term, string first, string second)
        => term.Length == first.Length + second.Length
            && string.CompareOrdinal(term, 0, first, 0, first.Length) == 0
            && string.CompareOrdinal(term, first.Length, second, 0, second.Length) == 0;

    /// <summary>Lower-case words of an identifier: <c>_stripeAPIKey</c> → stripe, api, key.</summary>
    public static List<string> SplitWords(string name)
    {
        var words = new List<string>();
        foreach (var word in SplitWordsPreservingCase(name))
        {
            words.Add(word.ToLowerInvariant());
        }

        return words;
    }

    /// <summary><c>Stripe:ApiKey</c>: the type's stem, a colon, the member in PascalCase (no stem for general types).</summary>
    public static string ConfigurationKey(string? typeName, string memberName)
    {
        var member = ToPascal(memberName);
        var stem = TypeStem(typeName);
        return stem is null ? member : stem + ":" + member;
    }

    /// <summary>
    /// <c>UPPER_SNAKE</c> of the member name; prefixed with the type stem when the member name alone is generic
    /// (<c>ApiKey</c> in <c>StripeClient</c> → <c>STRIPE_API_KEY</c>; <c>GitHubToken</c> stays <c>GITHUB_TOKEN</c>).
    /// </summary>
    public static string EnvironmentVariable(string? typeName, string memberName)
    {
        var words = SplitWordsPreservingCase(memberName);
        var generic = true;
        foreach (var word in words)
        {
            generic &= GenericWords.Contains(word.ToLowerInvariant());
        }

        var stem = generic ? TypeStem(typeName) : null;
        var all = new List<string>();
        if (stem is not null)
        {
            all.AddRange(SplitWordsPreservingCase(stem));
        }

        all.AddRange(words);
        return string.Join("_", all.Select(w => w.ToUpperInvariant()));
    }

    public static string ToPascal(string name)
    {
        var builder = new StringBuilder();
        foreach (var word in SplitWordsPreservingCase(name))
        {
            builder.Append(char.ToUpperInvariant(word[0]));
            builder.Append(word.Substring(1));
        }

        return builder.Length == 0 ? "Secret" : builder.ToString();
    }

    /// <summary><c>StripeClientOptions</c> → <c>Stripe</c>; null for general types (<c>Program</c>) or no type.</summary>
    public static string? TypeStem(string? typeName)
    {
        if (string.IsNullOrEmpty(typeName) || GeneralTypeNames.Contains(typeName!))
        {
            return null;
        }

        var stem = typeName!;
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var suffix in TypeSuffixes)
            {
                if (stem.Length > suffix.Length && stem.EndsWith(suffix, StringComparison.Ordinal))
                {
                    stem = stem.Substring(0, stem.Length - suffix.Length);
                    changed = true;
                }
            }
        }

        return stem;
    }

    private static bool Adjacent(List<string> words, string first, string second)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] == first && words[i + 1] == second)
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> SplitWordsPreservingCase(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush(words, current);
                i++;
                continue;
            }

            var compound = CompoundAt(name, i);
            if (compound is not null)
            {
                Flush(words, current);
                words.Add(name.Substring(i, compound.Length));
                i += compound.Length;
                continue;
            }

            if (current.Length > 0)
            {
                var previous = current[current.Length - 1];
                var next = i + 1 < name.Length ? name[i + 1] : '\0';
                var boundary = (char.IsUpper(c) && (char.IsLower(previous) || char.IsDigit(previous)))
                    || (char.IsUpper(c) && char.IsUpper(previous) && char.IsLower(next))
                    || (char.IsDigit(c) != char.IsDigit(previous));
                if (boundary)
                {
                    Flush(words, current);
                }
            }

            current.Append(c);
            i++;
        }

        Flush(words, current);
        return words;
    }

    private static string? CompoundAt(string name, int index)
    {
        foreach (var compound in Compounds)
        {
            if (string.CompareOrdinal(name, index, compound, 0, compound.Length) == 0)
            {
                var end = index + compound.Length;
                if (end == name.Length || !char.IsLower(name[end]))
                {
                    return compound;
                }
            }
        }

        return null;
    }

    private static void Flush(List<string> words, StringBuilder current)
    {
        if (current.Length > 0)
        {
            words.Add(current.ToString());
            current.Clear();
        }
    }
}
