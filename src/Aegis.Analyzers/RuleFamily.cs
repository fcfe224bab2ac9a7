namespace Aegis.Analyzers;

/// <summary>The rule families of DESIGN.md; the lower-case name is the middle layer of option keys.</summary>
public enum RuleFamily
{
    Sql,
    Secret,
    Auth,
}

public static class RuleFamilyExtensions
{
    /// <summary>The family segment of <c>aegis.&lt;family&gt;.&lt;option&gt;</c> keys and of Risk Card incidents.</summary>
    public static string OptionSegment(this RuleFamily family) => family switch
    {
        RuleFamily.Sql => "sql",
        RuleFamily.Secret => "secret",
        RuleFamily.Auth => "auth",
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    /// <summary>The upper-case family name used in Risk Cards (DESIGN.md rules table).</summary>
    public static string DisplayName(this RuleFamily family) => family switch
    {
        RuleFamily.Sql => "SQL",
        RuleFamily.Secret => "SECRET",
        RuleFamily.Auth => "AUTH",
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };
}
