using Aegis.Engine.Server;

namespace Aegis.Cli;

/// <summary>What a build served by the warm server may use besides its project cache, and what it made of it.</summary>
public sealed class ServedBuild
{
    public ServedBuild(PreparedBuilds prepared) => Prepared = prepared;

    /// <summary>The analyses <c>prepare</c> requests started while the compiler ran.</summary>
    public PreparedBuilds Prepared { get; }

    /// <summary>Whether the card used a prepared analysis, or why not (for the task's log line); null: none was prepared.</summary>
    public string? Outcome { get; set; }
}
