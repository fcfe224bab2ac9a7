using System.Globalization;
using System.Text;

namespace Aegis.Engine.Containment;

/// <summary>
/// An endpoint as the Risk Card names it (<c>DELETE /api/orders/{id:int}</c>, or a path alone when any method
/// reaches it) turned into the patterns a gateway and a WAF match: an anchored, case-insensitive regular expression
/// (nginx <c>location ~*</c>, ModSecurity <c>@rx</c>) and an ASP.NET route template (YARP <c>Match.Path</c>).
/// The card's text is untrusted: in the regex every character outside <c>[A-Za-z0-9/_-]</c> becomes a <c>\xHH</c>
/// escape (per UTF-8 byte), so no quote, newline, <c>;</c>, brace or <c>$</c> ever reaches a configuration file.
/// </summary>
public sealed class RouteTemplate
{
    private static readonly char[] MethodSeparators = { ' ', '\t' };

    private RouteTemplate(string? method, string template, IReadOnlyList<RouteSegment> segments, bool isPrefix)
    {
        Method = method;
        Template = template;
        Segments = segments;
        IsPrefix = isPrefix;
    }

    /// <summary>The HTTP method in upper case, or null when the endpoint answers every method (<c>Map</c>, an action without a verb attribute).</summary>
    public string? Method { get; }

    /// <summary>The route template as the card wrote it.</summary>
    public string Template { get; }

    public IReadOnlyList<RouteSegment> Segments { get; }

    /// <summary>The route covers everything under it too (a controller's route: all its actions).</summary>
    public bool IsPrefix { get; }

    /// <summary>Splits the card's <c>endpoint</c>: a leading upper-case token followed by a path is the method. A
    /// <paramref name="prefix"/> route also matches every path below it (<c>{**rest}</c>).</summary>
    public static RouteTemplate Parse(string endpoint, bool prefix = false)
    {
        var text = endpoint.Trim();
        string? method = null;
        var space = text.IndexOfAny(MethodSeparators);
        if (space > 0 && text[..space].All(c => c is >= 'A' and <= 'Z') && text[(space + 1)..].TrimStart().StartsWith('/'))
        {
            method = text[..space];
            text = text[(space + 1)..].TrimStart();
        }

        var segments = ParseSegments(text);
        if (prefix && !(segments.LastOrDefault()?.Parts is [RoutePart { IsCatchAll: true }]))
        {
            segments.Add(new RouteSegment(new[] { RoutePart.Parameter("**rest") }));
        }

        return new RouteTemplate(method, text, segments, prefix);
    }

    /// <summary>The anchored regular expression of the path, without a case flag (callers add <c>~*</c> or <c>(?i)</c>,
    /// because ASP.NET Core routing ignores case). A trailing slash matches too, as it does in routing.</summary>
    public string ToRegex()
    {
        var regex = new StringBuilder("^");
        foreach (var segment in Segments)
        {
            if (segment.Parts is [RoutePart { IsParameter: true } only] && (only.IsCatchAll || only.IsOptional))
            {
                regex.Append(only.IsCatchAll ? "(?:/.*)?" : "(?:/" + only.Pattern + ")?");
                continue;
            }

            regex.Append('/');
            foreach (var part in segment.Parts)
            {
                regex.Append(part.IsParameter ? (part.IsOptional || part.IsCatchAll ? "[^/]*" : part.Pattern) : EscapeLiteral(part.Text));
            }
        }

        if (Segments.Count == 0)
        {
            regex.Append('/');
        }

        return regex.Append(Segments.Count == 0 ? "$" : "/?$").ToString();
    }

    /// <summary>The route template for YARP's <c>Match.Path</c>: literals with braces doubled, parameter names reduced to
    /// word characters, and only the argument-free constraints ASP.NET Core knows kept (others drop: the route then
    /// matches a superset, never a different path).</summary>
    public string ToAspNetTemplate()
    {
        if (Segments.Count == 0)
        {
            return "/";
        }

        var template = new StringBuilder();
        var index = 0;
        foreach (var segment in Segments)
        {
            template.Append('/');
            foreach (var part in segment.Parts)
            {
                if (!part.IsParameter)
                {
                    template.Append(part.Text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal));
                    continue;
                }

                index++;
                template.Append('{').Append(part.IsCatchAll ? "**" : "").Append(SafeName(part.Name, index));
                foreach (var constraint in part.Constraints.Where(RouteConstraints.IsPortable))
                {
                    template.Append(':').Append(constraint);
                }

                template.Append(part.IsOptional && !part.IsCatchAll ? "?}" : "}");
            }
        }

        return template.ToString();
    }

    /// <summary>The endpoint on one line for comments and messages: control characters shown as <c>\xHH</c>, so a
    /// newline in a route cannot end a comment and start a directive.</summary>
    public string ToDisplay() => ConfigText.OneLine((Method is null ? "" : Method + " ") + Template + (IsPrefix ? " (and every route under it)" : ""));

    /// <summary>A stable, file- and flag-name-safe slug: <c>delete-api-orders-id</c>.</summary>
    public string ToSlug()
    {
        var slug = new StringBuilder();
        foreach (var c in ((Method is null ? "any" : Method) + " " + Template).ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= 48)
            {
                break;
            }
        }

        return slug.ToString().Trim('-');
    }

    private static string SafeName(string name, int index)
    {
        var safe = new string(name.Where(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '_').ToArray());
        return safe.Length == 0 || char.IsDigit(safe[0]) ? "p" + index.ToString(CultureInfo.InvariantCulture) : safe;
    }

    /// <summary><c>[A-Za-z0-9_-]</c> as they are; every other character's UTF-8 bytes as <c>\xHH</c>.</summary>
    internal static string EscapeLiteral(string literal)
    {
        var escaped = new StringBuilder();
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in literal.EnumerateRunes())
        {
            if (rune.Value is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-')
            {
                escaped.Append((char)rune.Value);
                continue;
            }

            var count = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..count])
            {
                escaped.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    private static List<RouteSegment> ParseSegments(string path)
    {
        var segments = new List<RouteSegment>();
        foreach (var raw in SplitSegments(path))
        {
            if (raw.Length > 0)
            {
                segments.Add(new RouteSegment(ParseParts(raw)));
            }
        }

        return segments;
    }

    /// <summary>Splits on <c>/</c> outside braces (a regex constraint may hold one).</summary>
    private static IEnumerable<string> SplitSegments(string path)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            depth += path[i] == '{' ? 1 : path[i] == '}' && depth > 0 ? -1 : 0;
            if (path[i] == '/' && depth == 0)
            {
                yield return path[start..i];
                start = i + 1;
            }
        }

        yield return path[start..];
    }

    private static List<RoutePart> ParseParts(string segment)
    {
        var parts = new List<RoutePart>();
        var literal = new StringBuilder();
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if ((c == '{' || c == '}') && i + 1 < segment.Length && segment[i + 1] == c)
            {
                literal.Append(c); // {{ and }} are literal braces in a route template.
                i++;
                continue;
            }

            var close = c == '{' ? ParameterEnd(segment, i) : -1;
            if (close < 0)
            {
                literal.Append(c);
                continue;
            }

            if (literal.Length > 0)
            {
                parts.Add(RoutePart.Literal(literal.ToString()));
                literal.Clear();
            }

            parts.Add(RoutePart.Parameter(segment[(i + 1)..close]));
            i = close;
        }

        if (literal.Length > 0)
        {
            parts.Add(RoutePart.Literal(literal.ToString()));
        }

        return parts;
    }

    /// <summary>The index of the <c>}</c> that closes the parameter opened at <paramref name="open"/> (doubled braces
    /// inside a constraint are part of it), or -1 when it never closes: then the brace is literal text.</summary>
    private static int ParameterEnd(string segment, int open)
    {
        for (var i = open + 1; i < segment.Length; i++)
        {
            if (segment[i] == '}')
            {
                if (i + 1 < segment.Length && segment[i + 1] == '}')
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return -1;
    }
}

/// <summary>One path segment between slashes: literals and parameters (<c>{name}.{ext}</c> has three parts).</summary>
public sealed record RouteSegment(IReadOnlyList<RoutePart> Parts);

/// <summary>A literal run or a parameter (<c>{id:int}</c>, <c>{id?}</c>, <c>{*slug}</c>, <c>{id=5}</c>).</summary>
public sealed record RoutePart(string Text, bool IsParameter, string Name, IReadOnlyList<string> Constraints, bool IsOptional, bool IsCatchAll)
{
    /// <summary>The regular expression for the parameter's value, from its constraints (<see cref="RouteConstraints"/>).</summary>
    public string Pattern => RouteConstraints.PatternFor(Constraints);

    public static RoutePart Literal(string text) => new(text, false, "", Array.Empty<string>(), false, false);

    public static RoutePart Parameter(string body)
    {
        var catchAll = body.StartsWith('*');
        body = body.TrimStart('*');
        var optional = false;
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (equals >= 0 && (colon < 0 || equals < colon || !body[..equals].Contains('(', StringComparison.Ordinal)))
        {
            // A default value makes the parameter optional: {id=5}.
            optional = true;
            body = body[..equals];
        }

        if (body.EndsWith('?'))
        {
            optional = true;
            body = body[..^1];
        }

        colon = body.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? body : body[..colon];
        var constraints = colon < 0 ? Array.Empty<string>() : SplitConstraints(body[(colon + 1)..]);
        return new RoutePart("{" + body + "}", true, name, constraints, optional, catchAll);
    }

    /// <summary>Splits <c>int:min(1)</c> on the colons outside parentheses.</summary>
    private static string[] SplitConstraints(string text)
    {
        var constraints = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' && depth > 0 ? -1 : 0;
            if (text[i] == ':' && depth == 0)
            {
                constraints.Add(text[start..i]);
                start = i + 1;
            }
        }

        constraints.Add(text[start..]);
        return constraints.Where(c => c.Length > 0).ToArray();
    }
}
