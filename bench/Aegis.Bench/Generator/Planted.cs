namespace Aegis.Bench.Generator;

/// <summary>What the generator wrote on purpose: findings per rule and the safe look-alikes next to them.</summary>
internal sealed class Planted
{
    /// <summary>AEG001: non-constant SQL reaching a sink (one per sink call).</summary>
    public int Sql { get; set; }

    /// <summary>AEG002: hard-coded secrets (one per literal).</summary>
    public int Secrets { get; set; }

    /// <summary>AEG003: controllers without authorization in a repository whose convention requires it.</summary>
    public int UnauthorizedControllers { get; set; }

    /// <summary>AEG003: the actions of those controllers (an analyzer may report per action instead of per class).</summary>
    public int UnauthorizedActions { get; set; }

    /// <summary>AEG003: minimal-API endpoints mapped without <c>RequireAuthorization</c>.</summary>
    public int UnauthorizedMinimalEndpoints { get; set; }

    public int SafeSqlLookAlikes { get; set; }

    public int SafeSecretLookAlikes { get; set; }

    public int SafeEndpoints { get; set; }
}
