using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Sql;

/// <summary>
/// Parameter names derived from the hole's expression: the identifier, else the last member name, else the key of an
/// indexer (<c>Query["q"]</c>), else <c>p0</c>, <c>p1</c>… (with <c>Pattern</c> appended
/// when the value carries the text that surrounded the hole in the quotes, e.g. LIKE wildcards); camelCase, ASCII letters, digits and underscores, never a
/// C# keyword; made unique (case-insensitively, as providers and Dapper compare names) with a numeric suffix.
/// </summary>
internal sealed class SqlParameterNames
{
    private static readonly Regex ExistingPlaceholder = new(@"[@:$]([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant);

    private readonly HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);
    private int fallback;

    public SqlParameterNames(IEnumerable<string> existing)
    {
        foreach (var name in existing)
        {
            used.Add(name.TrimStart('@', ':', '$', '?'));
        }
    }

    /// <summary>Reserves the names the SQL text already uses as placeholders.</summary>
    public void ReservePlaceholdersIn(string sqlText)
    {
        foreach (Match match in ExistingPlaceholder.Matches(sqlText))
        {
            used.Add(match.Groups[1].Value);
        }
    }

    /// <summary>A fresh name for <paramref name="hole"/>; <paramref name="pattern"/> when its value carries text around it (<c>LIKE '%x%'</c> → <c>xPattern</c>).</summary>
    public string Next(ExpressionSyntax hole, bool pattern = false)
    {
        var name = Derive(hole);
        if (name is not null && pattern)
        {
            name += "Pattern";
        }

        if (name is null)
        {
            do
            {
                name = "p" + fallback++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            while (used.Contains(name));
        }

        var unique = name;
        for (var suffix = 1; used.Contains(unique); suffix++)
        {
            unique = name + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        used.Add(unique);
        return unique;
    }

    private static string? Derive(ExpressionSyntax hole)
    {
        var raw = hole switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            ParenthesizedExpressionSyntax parenthesized => Derive(parenthesized.Expression),
            CastExpressionSyntax cast => Derive(cast.Expression),
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } when SqlRewriter.TextPreservingMethods.Contains(access.Name.Identifier.ValueText)
                => Derive(access.Expression),
            ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element
                when element.ArgumentList.Arguments[0].Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } key
                => key.Token.ValueText,
            _ => null,
        };
        return raw is null ? null : Sanitize(raw);
    }

    private static string? Sanitize(string raw)
    {
        var text = raw.TrimStart('_');
        if (text.Length == 0 || text.Any(c => !(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_')) || char.IsDigit(text[0]))
        {
            return null;
        }

        // camelCase: lower the leading run of capitals, keeping the capital that starts the next word (URLPath → urlPath).
        var upper = 0;
        while (upper < text.Length && char.IsUpper(text[upper]))
        {
            upper++;
        }

        var lowered = upper switch
        {
            0 => text,
            1 => char.ToLowerInvariant(text[0]) + text.Substring(1),
            _ when upper == text.Length => text.ToLowerInvariant(),
            _ => text.Substring(0, upper - 1).ToLowerInvariant() + text.Substring(upper - 1),
        };
        return SyntaxFacts.GetKeywordKind(lowered) != SyntaxKind.None ? null : lowered;
    }
}
