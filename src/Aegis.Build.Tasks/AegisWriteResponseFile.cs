using System.Globalization;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Aegis.Build.Tasks;

/// <summary>
/// Writes the engine's response file (one argument per line, as ENGINE-CONTRACT.md fixes it) and rewrites it only
/// when its content changed, so its timestamp can be an input of the Risk Card target: changing
/// <c>AegisSandbox</c>, <c>AegisFailOn</c> or a verify command re-runs the engine, an unchanged build does not.
/// </summary>
public sealed class AegisWriteResponseFile : Microsoft.Build.Utilities.Task
{
    private static readonly string[] SandboxModes = ["none", "file", "repository"];
    private static readonly string[] GateWords = ["never", "blocked"];
    private static readonly string[] RiskLevels = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
    private static readonly string[] Booleans = ["true", "false"];

    /// <summary>The response file to write (<c>obj/…/aegis/aegis.rsp</c>).</summary>
    [Required]
    public string ResponseFile { get; set; } = "";

    /// <summary>The compile-inputs file the target wrote (<c>obj/…/aegis/compile-inputs.txt</c>).</summary>
    [Required]
    public string CompileInputsFile { get; set; } = "";

    /// <summary>The folder the engine writes <c>risk-card.json</c>, <c>.md</c> and <c>.html</c> to.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The project's folder: the last fallback for the repository root.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>The solution's folder (<c>$(SolutionDir)</c>), when the build came from a solution.</summary>
    public string? SolutionDirectory { get; set; }

    /// <summary>
    /// <c>$(AegisRepositoryRoot)</c>: when set, used as is. Otherwise the nearest folder above the project that holds
    /// <c>.git</c> (a folder, or a file in worktrees and submodules), else the solution folder, else the project folder.
    /// </summary>
    public string? RepositoryRoot { get; set; }

    /// <summary><c>$(AegisSandbox)</c>: <c>none</c>, <c>file</c> or <c>repository</c> (case-insensitive).</summary>
    [Required]
    public string Sandbox { get; set; } = "";

    /// <summary><c>$(AegisFailOn)</c>: <c>never</c>, <c>blocked</c> or a risk level (<c>LOW</c> … <c>CRITICAL</c>), case-insensitive.</summary>
    [Required]
    public string FailOn { get; set; } = "";

    /// <summary>
    /// <c>$(AegisBaseline)</c>: the baseline snapshot the props resolved (the nearest <c>.aegis/baseline.json</c> above
    /// the project, or the property's own value), relative to the project; <c>none</c> turns the baseline off. Empty:
    /// no baseline. The engine never looks for one itself in a build, so the analyzers and the card agree.
    /// </summary>
    public string? Baseline { get; set; }

    /// <summary>
    /// <c>$(AegisFailOnNewOnly)</c>: <c>true</c> (the default) or <c>false</c>, case-insensitive. With a baseline, the
    /// gate (<c>AegisFailOn</c>) counts only the incidents the baseline does not hold; without one it changes nothing.
    /// </summary>
    public string? FailOnNewOnly { get; set; }

    /// <summary>
    /// <c>$(AegisSandboxKeep)</c>: <c>true</c> or <c>false</c>, case-insensitive; empty: the engine's default (keep the
    /// repository sandbox's copy locally, not in CI). The targets set <c>false</c> in a CI build.
    /// </summary>
    public string? SandboxKeep { get; set; }

    /// <summary>
    /// <c>@(AegisVerifyCommand)</c>: one command line each, taken from the <c>Command</c> metadata when present,
    /// else from the item itself; optional <c>Timeout</c> metadata in seconds (a positive integer, default 300).
    /// </summary>
    public ITaskItem[] VerifyCommands { get; set; } = [];

    /// <summary>
    /// <c>$(ErrorLog)</c>, the compiler's SARIF log: a path, optionally followed by <c>,version=…</c>; relative to the
    /// project, as the compiler reads it. When set, the engine gives Aegis's rules in it their code-scanning properties.
    /// </summary>
    public string? ErrorLog { get; set; }

    /// <summary>The project being built (<c>$(MSBuildProjectFullPath)</c>): where an invalid setting is reported.</summary>
    public string? ProjectFile { get; set; }

    private string? Location => string.IsNullOrEmpty(ProjectFile) ? null : ProjectFile;

    /// <summary>The repository root that went into the response file.</summary>
    [Output]
    public string? RepositoryRootUsed { get; private set; }

    internal const int DefaultVerifyTimeoutSeconds = 300;

    /// <inheritdoc/>
    public override bool Execute()
    {
        var lines = BuildLines();
        if (lines is null)
        {
            return false;
        }

        WriteIfChanged(lines);
        return !Log.HasLoggedErrors;
    }

    internal List<string>? BuildLines()
    {
        var sandbox = Normalize(Sandbox, SandboxModes, "AegisSandbox", "none, file or repository");
        var failOn = Normalize(FailOn, GateWords, null, null) ?? Normalize(FailOn, RiskLevels, "AegisFailOn", "never, blocked, LOW, MEDIUM, HIGH or CRITICAL");
        var newOnly = string.IsNullOrWhiteSpace(FailOnNewOnly) ? "true" : Normalize(FailOnNewOnly!, Booleans, "AegisFailOnNewOnly", "true or false");
        var keep = string.IsNullOrWhiteSpace(SandboxKeep) ? "" : Normalize(SandboxKeep!, Booleans, "AegisSandboxKeep", "true or false");
        if (sandbox is null || failOn is null || newOnly is null || keep is null)
        {
            return null;
        }

        RepositoryRootUsed = ResolveRepositoryRoot();
        var lines = new List<string>
        {
            "--inputs", Path.GetFullPath(CompileInputsFile),
            "--output", EnsureTrailingSeparator(Path.GetFullPath(OutputDirectory)),
            "--repository-root", RepositoryRootUsed,
            "--sandbox", sandbox,
            "--fail-on", failOn,
        };

        foreach (var item in VerifyCommands)
        {
            var command = item.GetMetadata("Command");
            if (string.IsNullOrWhiteSpace(command))
            {
                command = item.ItemSpec;
            }

            // One argument per line is the response file's only quoting rule, so a command must stay on one line.
            if (string.IsNullOrWhiteSpace(command) || command.IndexOf('\n') >= 0 || command.IndexOf('\r') >= 0)
            {
                Log.LogError(null, AegisErrorCodes.InvalidVerifyCommand, null, Location, 0, 0, 0, 0,
                    "AegisVerifyCommand '{0}' must be a non-empty command on one line.", item.ItemSpec);
                continue;
            }

            var timeoutText = item.GetMetadata("Timeout");
            var timeout = DefaultVerifyTimeoutSeconds;
            if (!string.IsNullOrWhiteSpace(timeoutText)
                && (!int.TryParse(timeoutText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out timeout) || timeout <= 0))
            {
                Log.LogError(null, AegisErrorCodes.InvalidVerifyCommand, null, Location, 0, 0, 0, 0,
                    "AegisVerifyCommand '{0}' has Timeout '{1}'; it must be a whole number of seconds greater than 0.", command.Trim(), timeoutText);
                continue;
            }

            lines.Add("--verify-command");
            lines.Add(command.Trim());
            lines.Add("--verify-timeout");
            lines.Add(timeout.ToString(CultureInfo.InvariantCulture));
        }

        // Only what differs from the engine's defaults, so a project without a baseline keeps the response file it had.
        var baseline = Baseline?.Trim();
        if (!string.IsNullOrEmpty(baseline))
        {
            lines.Add("--baseline");
            lines.Add(string.Equals(baseline, "none", StringComparison.OrdinalIgnoreCase) ? "none" : Path.GetFullPath(Path.Combine(ProjectDirectory, baseline)));
        }

        if (newOnly == "false")
        {
            lines.Add("--fail-on-new-only");
            lines.Add("false");
        }

        if (keep.Length > 0)
        {
            lines.Add("--keep-sandbox");
            lines.Add(keep);
        }

        // The path alone: the compiler's option may carry ",version=2.1".
        var errorLog = ErrorLog?.Split(',')[0].Trim();
        if (!string.IsNullOrEmpty(errorLog))
        {
            lines.Add("--error-log");
            lines.Add(Path.GetFullPath(Path.Combine(ProjectDirectory, errorLog)));
        }

        return Log.HasLoggedErrors ? null : lines;
    }

    private string? Normalize(string value, string[] allowed, string? property, string? expected)
    {
        foreach (var candidate in allowed)
        {
            if (string.Equals(value?.Trim(), candidate, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        if (property is not null)
        {
            Log.LogError(null, AegisErrorCodes.InvalidVerifyCommand, null, Location, 0, 0, 0, 0,
                "{0} is '{1}'; expected {2}.", property, value, expected);
        }

        return null;
    }

    private string ResolveRepositoryRoot()
    {
        if (!string.IsNullOrWhiteSpace(RepositoryRoot))
        {
            return TrimTrailingSeparator(Path.GetFullPath(RepositoryRoot));
        }

        var projectDirectory = Path.GetFullPath(ProjectDirectory);
        for (var directory = projectDirectory; !string.IsNullOrEmpty(directory); directory = Path.GetDirectoryName(directory))
        {
            var git = Path.Combine(directory, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return TrimTrailingSeparator(directory);
            }
        }

        // $(SolutionDir) is "*Undefined*" when a project is built on its own from an IDE.
        if (!string.IsNullOrWhiteSpace(SolutionDirectory) && SolutionDirectory != "*Undefined*")
        {
            return TrimTrailingSeparator(Path.GetFullPath(SolutionDirectory));
        }

        return TrimTrailingSeparator(projectDirectory);
    }

    private void WriteIfChanged(List<string> lines)
    {
        var builder = new StringBuilder();
        foreach (var line in lines)
        {
            builder.Append(line).Append('\n');
        }

        var content = builder.ToString();
        try
        {
            var path = Path.GetFullPath(ResponseFile);
            if (File.Exists(path) && File.ReadAllText(path, Encoding.UTF8) == content)
            {
                Log.LogMessage(MessageImportance.Low, "Aegis: response file '{0}' is unchanged.", path);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogError(null, AegisErrorCodes.OutputNotWritable, null, Location, 0, 0, 0, 0,
                "Cannot write the Aegis response file '{0}': {1}", ResponseFile, e.Message);
        }
    }

    private static string EnsureTrailingSeparator(string path)
        => path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("\\", StringComparison.Ordinal) ? path : path + Path.DirectorySeparatorChar;

    private static string TrimTrailingSeparator(string path)
    {
        var trimmed = path.TrimEnd('/', '\\');
        // Keep a root ("/" or "C:\") whole.
        return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? path : trimmed;
    }
}
