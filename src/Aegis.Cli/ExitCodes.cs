namespace Aegis.Cli;

/// <summary>Exit codes of every verb (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The gate failed or the proposed change is blocked (the card is written).</summary>
    public const int GateFailed = 1;

    public const int UsageError = 2;

    public const int InternalError = 3;
}
