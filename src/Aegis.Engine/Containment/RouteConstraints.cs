namespace Aegis.Engine.Containment;

/// <summary>
/// ASP.NET Core route constraints as patterns. A constraint missing here (or taking arguments, such as
/// <c>min(1)</c> or <c>regex(…)</c>) matches any segment: a containment rule may then cover a little more than
/// the route, never less.
/// </summary>
public static class RouteConstraints
{
    public const string AnySegment = "[^/]+";

    /// <summary>Constraint name → the pattern of a value it accepts (the regex is matched case-insensitively).</summary>
    private static readonly IReadOnlyDictionary<string, string> Patterns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["int"] = "-?[0-9]+",
        ["long"] = "-?[0-9]+",
        ["bool"] = "(?:true|false)",
        ["alpha"] = "[a-z]+",
        ["guid"] = AnySegment,
        ["decimal"] = AnySegment,
        ["double"] = AnySegment,
        ["float"] = AnySegment,
        ["datetime"] = AnySegment,
    };

    /// <summary>The pattern of the first constraint the table knows, else any segment.</summary>
    public static string PatternFor(IReadOnlyList<string> constraints)
    {
        foreach (var constraint in constraints)
        {
            if (Patterns.TryGetValue(constraint, out var pattern))
            {
                return pattern;
            }
        }

        return AnySegment;
    }

    /// <summary>True for the argument-free constraints every ASP.NET Core app (and so YARP) resolves by name.</summary>
    public static bool IsPortable(string constraint) => Patterns.ContainsKey(constraint);
}
