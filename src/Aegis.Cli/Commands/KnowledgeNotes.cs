using Aegis.Engine.Infrastructure;
using Aegis.Engine.Knowledge;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary>What the snapshot-taking verbs (<c>snapshot</c>, <c>watch</c>) tell the knowledge base.</summary>
internal static class KnowledgeNotes
{
    /// <summary>
    /// Counts <c>regressed</c> for each incident of a snapshot that a written repair had removed; returns how many. The
    /// snapshot is already written: a knowledge-base problem is a warning (AEGB005 naming the file), not a lost snapshot.
    /// </summary>
    public static int NoteRegressions(CliContext context, string root, IEnumerable<SnapshotIncident> incidents)
    {
        try
        {
            return KnowledgeBase.NoteSnapshot(root, incidents, DateTimeOffset.UtcNow);
        }
        catch (AegisException exception)
        {
            context.Warn(exception.Code, exception.Message + "; regressions are not counted");
            return 0;
        }
    }
}
