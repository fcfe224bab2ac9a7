using System.Globalization;
using Aegis.Engine.Verification;

namespace Aegis.Engine.Policy;

/// <summary>
/// Runs every tampering detector over the changed files and lets the policy decide, per kind and per actor (agent or
/// person), whether each finding blocks the change or is scored. A detector that fails on odd content finds nothing
/// rather than failing the run.
/// </summary>
public static class TamperingGate
{
    /// <summary>The actor of a build's or scan's patches: the package's own code fixes, judged as a person's change.</summary>
    public const string CodeFixesActor = "aegis code fixes";

    private static readonly ITamperingDetector[] Detectors =
    {
        new SeverityDetector(),
        new AnalysisSwitchDetector(),
        new SuppressionDetector(),
        new AegisStateDetector(),
        new AllowAnonymousDetector(),
        new TestTamperingDetector(),
        new VerificationRemovedDetector(),
    };

    public static List<TamperingFinding> Judge(IEnumerable<ChangedFile> changes, AegisPolicy policy, string? actor)
    {
        var findings = new List<TamperingFinding>();
        foreach (var change in changes.Where(c => c.Before != c.After))
        {
            var normalized = change with { Path = change.Path.Replace('\\', '/') };
            foreach (var detector in Detectors)
            {
                try
                {
                    findings.AddRange(detector.Detect(normalized));
                }
                catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException or System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    // Odd content is not tampering; the syntax check reports content that does not parse.
                }
            }
        }

        return findings
            .Select(f => f with { Verdict = policy.TamperingActionFor(f.Kind, actor) == TamperingVerdicts.Block ? TamperingVerdicts.Blocked : TamperingVerdicts.Scored })
            .OrderBy(f => f.File, StringComparer.Ordinal)
            .ThenBy(f => f.Line ?? 0)
            .ThenBy(f => f.Kind, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The <c>tampering</c> check, or null when there is nothing to say: it fails when a finding is blocked, naming the
    /// pattern, the file and the actor; it passes and lists what was scored otherwise.
    /// </summary>
    public static Check? Check(IReadOnlyList<TamperingFinding> findings, AegisPolicy policy, string? actor)
    {
        if (findings.Count == 0)
        {
            return null;
        }

        var who = (policy.IsAgent(actor) ? "agent" : "person") + " '" + (string.IsNullOrEmpty(actor) ? "(no actor)" : actor) + "'";
        var blocked = findings.Where(f => f.Verdict == TamperingVerdicts.Blocked).ToList();
        return blocked.Count > 0
            ? new Check(CheckNames.Tampering, false, "blocked for " + who + ": " + string.Join("; ", blocked.Take(3).Select(f => f.Describe())) + More(blocked.Count))
            : new Check(CheckNames.Tampering, true, Count(findings.Count) + " tampering finding(s) scored for " + who + ": " + string.Join("; ", findings.Take(3).Select(f => f.Describe())) + More(findings.Count));
    }

    private static string More(int count) => count > 3 ? "; and " + Count(count - 3) + " more" : "";

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
