namespace Aegis.Engine.Releases;

/// <summary>The states of a release and the verbs that move it, as data: one row per legal move.</summary>
public static class ReleaseStates
{
    public const string Candidate = "candidate";
    public const string Approved = "approved";
    public const string Canary = "canary";
    public const string Staged = "staged";
    public const string Broad = "broad";
    public const string Full = "full";
    public const string Rejected = "rejected";
    public const string RolledBack = "rolled_back";

    public const string Create = "create";
    public const string Approve = "approve";
    public const string Advance = "advance";
    public const string Reject = "reject";
    public const string Rollback = "rollback";

    /// <summary>States a release can still leave; <c>rejected</c> and <c>rolled_back</c> are final.</summary>
    public static readonly IReadOnlyList<string> Open = new[] { Candidate, Approved, Canary, Staged, Broad, Full };

    /// <summary>The rollout stages in order; each has a weight in the policy.</summary>
    public static readonly IReadOnlyList<string> Stages = new[] { Canary, Staged, Broad, Full };

    public static readonly IReadOnlyList<string> Actions = new[] { Create, Approve, Advance, Reject, Rollback };

    /// <summary>(action, from, to): every legal move. <c>create</c> starts from nothing.</summary>
    private static readonly (string Action, string? From, string To)[] Moves = BuildMoves();

    public static bool IsOpen(string state) => Open.Contains(state);

    /// <summary>The state <paramref name="action"/> leads to from <paramref name="from"/>, or null when the move is illegal.</summary>
    public static string? Target(string action, string? from)
        => Moves.Where(m => m.Action == action && m.From == from).Select(m => m.To).FirstOrDefault();

    /// <summary>The actions legal from <paramref name="state"/>, in the order <see cref="Actions"/> lists them.</summary>
    public static IReadOnlyList<string> LegalFrom(string state)
        => Actions.Where(a => Target(a, state) is not null).ToList();

    private static (string, string?, string)[] BuildMoves()
    {
        var moves = new List<(string, string?, string)>
        {
            (Create, null, Candidate),
            (Approve, Candidate, Approved),
            (Advance, Approved, Canary),
            (Advance, Canary, Staged),
            (Advance, Staged, Broad),
            (Advance, Broad, Full),
        };
        foreach (var open in Open)
        {
            moves.Add((Reject, open, Rejected));
            moves.Add((Rollback, open, RolledBack));
        }

        return moves.ToArray();
    }
}
