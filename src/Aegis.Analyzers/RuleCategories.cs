namespace Aegis.Analyzers;

/// <summary>One category per family, product-prefixed so category-wide settings cannot collide.</summary>
public static class RuleCategories
{
    public const string Sql = "Aegis.Security.Sql";
    public const string Secrets = "Aegis.Security.Secrets";
    public const string Authorization = "Aegis.Security.Authorization";
}
