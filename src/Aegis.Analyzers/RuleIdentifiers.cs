namespace Aegis.Analyzers;

/// <summary>The only place a rule ID is typed. IDs are never reused: deprecate, don't renumber.</summary>
public static class RuleIdentifiers
{
    public const string NonConstantSql = "AEG001";
    public const string HardcodedSecret = "AEG002";
    public const string MissingAuthorization = "AEG003";
}
