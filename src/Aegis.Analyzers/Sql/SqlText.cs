using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Aegis.Analyzers.Sql;

/// <summary>Where non-constant text comes from, how sure we are that a caller controls it, and the endpoint it arrives by.</summary>
internal sealed class SqlTaint
{
    public SqlTaint(string description, string? qualifier, double confidence, string? route = null, string? identifierQuoting = null)
    {
        Description = description;
        Qualifier = qualifier;
        Confidence = confidence;
        Route = route;
        IdentifierQuoting = identifierQuoting;
    }

    /// <summary>E.g. <c>parameter 'name'</c>, <c>field '_tablePrefix'</c>.</summary>
    public string Description { get; }

    /// <summary>E.g. <c>request data</c>; null when the description says it all.</summary>
    public string? Qualifier { get; }

    public double Confidence { get; }

    public string? Route { get; }

    /// <summary>
    /// How the text was escaped as an identifier: the doubled closing quote (<c>]</c>, <c>"</c>, <c>`</c>), or
    /// <see cref="SqlIdentifierQuoting.Provider"/> when a provider's quote-identifier call added its own quotes; null when not.
    /// </summary>
    public string? IdentifierQuoting { get; }

    public bool IsRequestData => Confidence >= SqlConfidence.RequestData;

    /// <summary>The same taint, escaped as an identifier with <paramref name="quoting"/>.</summary>
    public SqlTaint QuotedWith(string quoting) => new(Description, Qualifier, Confidence, Route, quoting);

    /// <summary><c>parameter 'name' (request data)</c>.</summary>
    public string Describe() => Qualifier is null ? Description : Description + " (" + Qualifier + ")";

    /// <summary><c>local 'sql' (parameter 'name', request data)</c>: the sink's own variable first, the origin in parentheses.</summary>
    public SqlTaint Through(string outer)
        => new(outer, Qualifier is null ? Description : Description + ", " + Qualifier, Confidence, Route, IdentifierQuoting);
}

/// <summary>A piece of SQL text: constant text, a safe value whose text we do not know, or tainted text.</summary>
internal readonly struct SqlPart
{
    private SqlPart(string? text, SqlTaint? taint)
    {
        Text = text;
        Taint = taint;
    }

    public string? Text { get; }

    public SqlTaint? Taint { get; }

    public static SqlPart Constant(string text) => new(text, null);

    public static SqlPart Opaque => default;

    public static SqlPart Tainted(SqlTaint taint) => new(null, taint);
}

/// <summary>
/// The evaluated SQL text as a template of parts. <see cref="Built"/> is true when a building operation
/// (interpolation, <c>+</c>, <c>string.Concat</c>, <c>string.Format</c>, <c>StringBuilder</c>) put tainted text
/// into it: SQL merely passed along is judged where it is built.
/// </summary>
internal sealed class SqlValue
{
    public static readonly SqlValue Safe = new(ImmutableArray.Create(SqlPart.Opaque), built: false);

    public SqlValue(ImmutableArray<SqlPart> parts, bool built)
    {
        Parts = parts;
        Built = built;
    }

    public ImmutableArray<SqlPart> Parts { get; }

    public bool Built { get; }

    public bool IsTainted
    {
        get
        {
            foreach (var part in Parts)
            {
                if (part.Taint is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The most confident taint; the first in text order on a tie.</summary>
    public SqlTaint? WorstTaint
    {
        get
        {
            SqlTaint? worst = null;
            foreach (var part in Parts)
            {
                if (part.Taint is { } taint && (worst is null || taint.Confidence > worst.Confidence))
                {
                    worst = taint;
                }
            }

            return worst;
        }
    }

    public static SqlValue Constant(string text) => new(ImmutableArray.Create(SqlPart.Constant(text)), built: false);

    public static SqlValue Tainted(SqlTaint taint) => new(ImmutableArray.Create(SqlPart.Tainted(taint)), built: false);

    /// <summary>Text joined by a building operation.</summary>
    public static SqlValue Concat(IEnumerable<SqlValue> values)
    {
        var parts = ImmutableArray.CreateBuilder<SqlPart>();
        var built = false;
        foreach (var value in values)
        {
            parts.AddRange(value.Parts);
            built |= value.Built;
        }

        var result = new SqlValue(parts.ToImmutable(), built);
        return result.IsTainted ? new SqlValue(result.Parts, built: true) : result;
    }

    /// <summary>One of several possible values (conditional arms, returns, call sites): the most dangerous one stands for all.</summary>
    public static SqlValue Either(IReadOnlyList<SqlValue> values)
    {
        SqlValue? worst = null;
        var built = false;
        foreach (var value in values)
        {
            built |= value.Built;
            var taint = value.WorstTaint;
            if (taint is not null && (worst?.WorstTaint is not { } current || taint.Confidence > current.Confidence))
            {
                worst = value;
            }
        }

        if (worst is not null)
        {
            return new SqlValue(worst.Parts, built);
        }

        if (values.Count > 0 && values.All(v => v.Parts.Length == 1 && v.Parts[0].Text is not null && v.Parts[0].Text == values[0].Parts[0].Text))
        {
            return values[0];
        }

        return Safe;
    }

    /// <summary>True when a tainted part sits where SQL expects an identifier or keyword, which no parameter can replace.</summary>
    public bool HasTaintInIdentifierPosition() => TaintedHoles().Any(hole => hole.Position != SqlHolePosition.Value);

    /// <summary>
    /// True when every tainted part is an identifier (a table, column or sort direction; not a value, not a whole
    /// fragment) and none of them is request data left unquoted: a hole a library computes from its own types and names.
    /// </summary>
    public bool IsContainedIdentifierOnly()
    {
        var any = false;
        foreach (var hole in TaintedHoles())
        {
            if (hole.Position != SqlHolePosition.Identifier || (hole.Taint.IsRequestData && !hole.Quoted))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>True when every tainted part is an identifier escaped with quotes that match its context.</summary>
    public bool AreAllIdentifiersQuoted() => TaintedHoles().All(hole => hole.Position == SqlHolePosition.Identifier && hole.Quoted);

    /// <summary>The constant text that follows part <paramref name="index"/>, up to the next part that is not constant.</summary>
    private string TextAfter(int index)
    {
        var after = new StringBuilder();
        for (var i = index + 1; i < Parts.Length && Parts[i].Text is { } text; i++)
        {
            after.Append(text);
        }

        return after.ToString();
    }

    /// <summary>Each tainted part with the kind of SQL position it fills and whether its identifier quoting fits there.</summary>
    public IEnumerable<(SqlTaint Taint, SqlHolePosition Position, bool Quoted)> TaintedHoles()
    {
        var before = new StringBuilder();
        for (var i = 0; i < Parts.Length; i++)
        {
            var part = Parts[i];
            if (part.Text is not null)
            {
                before.Append(part.Text);
            }
            else if (part.Taint is { } taint)
            {
                var text = before.ToString();
                yield return (taint, SqlIdentifierPositions.Classify(text, TextAfter(i)), SqlIdentifierQuoting.Fits(taint.IdentifierQuoting, text));
            }
        }
    }
}

/// <summary>What SQL expects where a hole sits.</summary>
internal enum SqlHolePosition
{
    /// <summary>A value: a parameter can take its place.</summary>
    Value,

    /// <summary>A table, column or sort direction: no parameter can, an allow-list or identifier quoting must.</summary>
    Identifier,

    /// <summary>A whole condition or clause.</summary>
    Fragment,
}

/// <summary>Identifier escaping that neutralises a hole's quotes: doubling the closing quote the SQL opened, or a provider's quote call.</summary>
internal static class SqlIdentifierQuoting
{
    public const string Provider = "provider";

    /// <summary>The closing quote a <c>Replace(close, close + close)</c> escapes, and the opening quote it must follow.</summary>
    private static readonly (string Close, char Open)[] DoubledQuotes =
    {
        ("]", '['),
        ("\"", '"'),
        ("`", '`'),
    };

    /// <summary>The quoting that <c>Replace(oldValue, newValue)</c> applies, or null when it is not identifier escaping.</summary>
    public static string? OfReplace(object? oldValue, object? newValue)
    {
        foreach (var (close, _) in DoubledQuotes)
        {
            if (oldValue as string == close && newValue as string == close + close)
            {
                return close;
            }
        }

        return null;
    }

    public static bool Fits(string? quoting, string textBefore)
    {
        if (quoting is null)
        {
            return false;
        }

        if (quoting == Provider)
        {
            return true;
        }

        foreach (var (close, open) in DoubledQuotes)
        {
            if (close == quoting)
            {
                return textBefore.Length > 0 && textBefore[textBefore.Length - 1] == open;
            }
        }

        return false;
    }
}

/// <summary>
/// Recognises, from the SQL text before a hole, that the hole is not a value: an identifier (table, column, sort
/// direction) or a whole SQL fragment. Neither can become a parameter.
/// </summary>
internal static class SqlIdentifierPositions
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static readonly Regex[] IdentifierPatterns =
    {
        // A keyword that a table or column list follows.
        new(@"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|SELECT|BY)\s*$", Options),

        // Inside identifier quotes, or after a schema qualifier.
        new(@"[\[""`.]$", Options),

        // Anywhere inside an ORDER BY / GROUP BY list: columns and sort directions.
        new(@"\b(?:ORDER|GROUP)\s+BY\b(?:(?!\b(?:LIMIT|OFFSET|FETCH|HAVING|WHERE|UNION)\b)[^'])*$", Options),

        // After a comma in the column list that SELECT opened, before its FROM (SELECT Id, {column} FROM …).
        new(@"\bSELECT\b(?:(?!\bFROM\b)[^'(])*,\s*$", Options),

        // The column list of an INSERT (INSERT INTO Users (Id, {columns}) VALUES …).
        new(@"\bINTO\s+[\w\[\]""`.]*\s*\((?:[^'()]*,)?\s*$", Options),
    };

    private static readonly Regex[] FragmentPatterns =
    {
        // Where a whole condition or clause goes (or the text starts with the hole): SQL, not a value.
        new(@"(?:^\s*|\b(?:WHERE|AND|OR|NOT|HAVING|ON|SET)\s*)$", Options),
    };

    /// <summary>A comparison or assignment right after a hole: the hole is the column it compares or sets (<c>WHERE {key} = @id</c>).</summary>
    private static readonly Regex ColumnComparedAfter = new(@"^\s*(?:=|<>|!=|<=|>=|<|>|\b(?:LIKE|IN|IS|BETWEEN)\b)", Options);

    /// <summary>A parameter's name after its <c>@</c> (<c>VALUES (@{names})</c>); outside string literals only.</summary>
    private static readonly Regex ParameterName = new(@"@$", Options);

    public static SqlHolePosition Classify(string textBefore, string textAfter)
    {
        if (ParameterName.IsMatch(textBefore) && textBefore.Count(c => c == '\'') % 2 == 0)
        {
            return SqlHolePosition.Identifier;
        }

        foreach (var pattern in IdentifierPatterns)
        {
            if (pattern.IsMatch(textBefore))
            {
                return SqlHolePosition.Identifier;
            }
        }

        foreach (var pattern in FragmentPatterns)
        {
            if (pattern.IsMatch(textBefore))
            {
                return ColumnComparedAfter.IsMatch(textAfter) && textBefore.Trim().Length > 0 ? SqlHolePosition.Identifier : SqlHolePosition.Fragment;
            }
        }

        return SqlHolePosition.Value;
    }
}
