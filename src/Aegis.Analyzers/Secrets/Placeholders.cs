using Aegis.Analyzers.Infrastructure;

namespace Aegis.Analyzers.Secrets;

/// <summary>
/// Values that stand for a secret instead of being one. Documented in docs/rules/AEG002.md; users add their own with
/// <c>aegis.AEG002.additional_placeholders</c>.
/// </summary>
internal static class Placeholders
{
    /// <summary>Whole values (compared case-insensitively, after trimming) that are placeholders.</summary>
    public static readonly IReadOnlyList<string> Exact = new[]
    {
        "password", "passwd", "pwd", "secret", "token", "apikey", "api-key", "api_key", "key",
        "changeme", "change-me", "change_me", "changeit", "todo", "tbd", "fixme", "replace_me", "replace-me", "replaceme",
        "dummy", "example", "sample", "test", "testing", "placeholder", "redacted", "hidden", "masked", "none", "null",
        "undefined", "default", "secret123", "password123", "password1", "p@ssw0rd", "pa$$w0rd", "admin", "root", "guest",
        "letmein", "qwerty", "foobar", "foo", "bar", "abc123",
    };

    /// <summary>Substrings (case-insensitive) that mark a value as a placeholder wherever they appear.</summary>
    public static readonly IReadOnlyList<string> Markers = new[]
    {
        "your-", "your_", "yourkey", "yoursecret", "yourtoken", "yourpassword", "-here", "_here", "changeme", "change-me",
        "change_me", "replace_me", "replace-me", "replaceme", "placeholder", "todo:", "insert-", "insert_", "redacted",
    };

    /// <summary>Substrings (case-insensitive) that mark a value as fake test data (not applied to known token formats).</summary>
    public static readonly IReadOnlyList<string> FakeMarkers = new[]
    {
        "example", "fake", "dummy", "sample", "mock", "notreal", "not-real", "not_real", "not-a-real", "invalid",
    };

    /// <summary>Template syntaxes: <c>&lt;...&gt;</c>, <c>${...}</c>, <c>$(...)</c>, <c>{{...}}</c>, <c>{0}</c>, <c>%...%</c>, <c>#{...}#</c>, <c>__...__</c>.</summary>
    private static readonly (string Open, string Close)[] Wrappers =
    {
        ("<", ">"), ("${", "}"), ("$(", ")"), ("{{", "}}"), ("{", "}"), ("%", "%"), ("#{", "}#"), ("__", "__"), ("[", "]"),
    };

    /// <summary>Characters that, alone, spell a mask: <c>xxxx</c>, <c>****</c>, <c>....</c>, <c>----</c>, <c>####</c>.</summary>
    private const string MaskCharacters = "xX*.-_#?•";

    public static bool IsPlaceholder(string value, IReadOnlyList<string> additional)
    {
        var text = value.Trim();
        if (text.Length == 0)
        {
            return true;
        }

        foreach (var candidate in additional)
        {
            if (string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var candidate in Exact)
        {
            if (string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var (open, close) in Wrappers)
        {
            if (text.Length > open.Length + close.Length
                && text.StartsWith(open, StringComparison.Ordinal)
                && text.EndsWith(close, StringComparison.Ordinal))
            {
                return true;
            }
        }

        if (text.IndexOf("${", StringComparison.Ordinal) >= 0 || text.IndexOf("{{", StringComparison.Ordinal) >= 0)
        {
            return true;
        }

        var masked = true;
        foreach (var c in text)
        {
            masked &= MaskCharacters.IndexOf(c) >= 0;
        }

        return masked || TextSearch.ContainsAny(text, Markers, StringComparison.OrdinalIgnoreCase) || StartsWithMask(text);
    }

    /// <summary>Fake test data: marker words (<c>EXAMPLE</c>, <c>fake</c>, <c>dummy</c>...) or trivial shapes (<c>aaaaaaaa</c>, <c>12345678</c>).</summary>
    public static bool IsFake(string value) => TextSearch.ContainsAny(value, FakeMarkers, StringComparison.OrdinalIgnoreCase) || Entropy.IsTrivial(value);

    // "xxxxxxxx1234" and "****abcd": a masked value that shows only its tail.
    private static bool StartsWithMask(string text)
    {
        var run = 0;
        while (run < text.Length && (text[run] == 'x' || text[run] == 'X' || text[run] == '*'))
        {
            run++;
        }

        return run >= 4;
    }
}
