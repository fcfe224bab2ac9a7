using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Aegis.Analyzers.Sql;

/// <summary>Where non-constant text comes from, how sure we are that a caller controls it, and the endpoint it arrives by.</summary>
internal sealed class SqlTaint
{
    public SqlTaint(string description, string? qualifier, double confidence, string? route = null)
    {
        Description = description;
        Qualifier = qualifier;
        Confidence = confidence;
        Route = route;
    }

    /// <summary>E.g. <c>parameter 'name'</c>, <c>field '_tablePrefix'</c>.</summary>
    public string Description { get; }

    /// <summary>E.g. <c>request data</c>; null when the description says it all.</summary>
    public string? Qualifier { get; }

    public double Confidence { get; }

    public string? Route { get; }

    /// <summary><c>parameter 'name' (request data)</c>.</summary>
    public string Describe() => Qualifier is null ? Description : Description + " (" + Qualifier + ")";

    /// <summary><c>local 'sql' (parameter 'name', request data)</c>: the sink's own variable first, the origin in parentheses.</summary>
    public SqlTaint Through(string outer)
        => new(outer, Qualifier is null ? Description : Description + ", " + Qualifier, Confidence, Route);
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
    public bool HasTaintInIdentifierPosition()
    {
        var before = new StringBuilder();
        foreach (var part in Parts)
        {
            if (part.Text is not null)
            {
                before.Append(part.Text);
            }
            else if (part.Taint is not null && SqlIdentifierPositions.IsIdentifierPosition(before.ToString()))
            {
                return true;
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

    private static readonly Regex[] Patterns =
    {
        // A keyword that a table or column list follows.
        new(@"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|SELECT|BY)\s*$", Options),

        // Inside identifier quotes, or after a schema qualifier.
        new(@"[\[""`.]$", Options),

        // Anywhere inside an ORDER BY / GROUP BY list: columns and sort directions.
        new(@"\b(?:ORDER|GROUP)\s+BY\b(?:(?!\b(?:LIMIT|OFFSET|FETCH|HAVING|WHERE|UNION)\b)[^'])*$", Options),

        // Where a whole condition or clause goes (or the text starts with the hole): SQL, not a value.
        new(@"(?:^\s*|\b(?:WHERE|AND|OR|NOT|HAVING|ON|SET)\s*)$", Options),
    };

    public static bool IsIdentifierPosition(string textBefore)
    {
        foreach (var pattern in Patterns)
        {
            if (pattern.IsMatch(textBefore))
            {
                return true;
            }
        }

        return false;
    }
}
