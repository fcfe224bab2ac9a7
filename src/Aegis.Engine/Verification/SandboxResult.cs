namespace Aegis.Engine.Verification;

/// <summary>What a sandbox run proved: its checks (<c>[name, passed, message]</c>), commands and output.</summary>
public sealed class SandboxResult
{
    public string Mode { get; init; } = SandboxModes.None;

    public List<Check> Checks { get; } = new();

    public List<CommandRecord> Commands { get; } = new();

    /// <summary>A patch broke compilation, the build or the tests (recommendation: rollback).</summary>
    public bool BrokeBuildOrTests { get; set; }

    /// <summary>A patch did not remove its incident or added a new one (recommendation: rollback).</summary>
    public bool PatchIneffective { get; set; }

    public List<string> OutputLines { get; } = new();

    /// <summary>How the repository sandbox got its copy (fresh, or the kept one synced), for the output and the trace.</summary>
    public string? Copy { get; set; }

    /// <summary>What syncing the kept copy did; null for a fresh copy.</summary>
    internal KeptSandbox.SyncReport? KeptSync { get; set; }

    /// <summary>The names of the tests that failed in this run (from the TRX files), for the baseline.</summary>
    public List<string> FailedTests { get; } = new();
}

public sealed record Check(string Name, bool Passed, string Message);

public static class SandboxModes
{
    public const string None = "none";
    public const string File = "file";
    public const string Repository = "repository";

    public static bool IsValid(string mode) => mode is None or File or Repository;

    /// <summary>
    /// Whether <paramref name="mode"/> runs verify commands: only a repository copy has somewhere to run them. A
    /// proposed change under the file sandbox is the exception: its verify commands move it to a repository copy.
    /// </summary>
    public static bool RunsVerifyCommands(string mode, bool proposal) => mode == Repository || (proposal && mode == File);

    /// <summary>
    /// "is not run by the file sandbox (2 commands: a, b)" when <paramref name="mode"/> leaves
    /// <paramref name="commands"/> unrun, else null; the front names the setting the commands came from.
    /// </summary>
    public static string? VerifyCommandsNotRun(string mode, bool proposal, IReadOnlyList<VerifyCommand> commands)
        => commands.Count == 0 || RunsVerifyCommands(mode, proposal)
            ? null
            : "is not run by the " + mode + " sandbox (" + commands.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (commands.Count == 1 ? " command: " : " commands: ") + string.Join(", ", commands.Select(c => c.CommandLine)) + ")";

    /// <summary>Repository in CI (env <c>CI</c> or <c>ContinuousIntegrationBuild</c> true), file otherwise.</summary>
    public static string Default(Func<string, string?> environment) => IsContinuousIntegration(environment) ? Repository : File;

    /// <summary>Whether the repository sandbox keeps its copy by default: locally yes, in CI no (a CI machine is fresh
    /// each time, and a kept copy would only be left behind).</summary>
    public static bool KeepsByDefault(Func<string, string?> environment) => !IsContinuousIntegration(environment);

    private static bool IsContinuousIntegration(Func<string, string?> environment)
        => IsTrue(environment("CI")) || IsTrue(environment("ContinuousIntegrationBuild")) || IsTrue(environment("TF_BUILD")) || IsTrue(environment("GITHUB_ACTIONS"));

    private static bool IsTrue(string? value) => value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");
}

/// <summary>Names of the checks the card lists, so scoring and rendering agree.</summary>
public static class CheckNames
{
    public const string Policy = "policy";
    public const string Syntax = "syntax";
    public const string Incidents = "incidents";
    public const string Patches = "patches";
    public const string Confidence = "confidence";
    public const string SandboxCompile = "sandbox_compile";
    public const string SandboxRescan = "sandbox_rescan";
    public const string SandboxAssertions = "sandbox_assertions";
    public const string SandboxBuild = "sandbox_build";
    public const string SandboxTests = "sandbox_tests";
    public const string SandboxCommands = "sandbox_commands";
    public const string Sandbox = "sandbox";
    public const string FailClosedSecrets = "fail_closed_secrets";
    public const string Tampering = "tampering";
}
