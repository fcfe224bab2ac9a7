using System.CommandLine;

namespace Aegis.Cli;

/// <summary>
/// The options several verbs share, made once here so each verb (also one added under Commands/) gets the same
/// name, help text and checks: a value out of range is refused by the parser (AEGB010) before any work starts.
/// </summary>
internal static class CommonOptions
{
    /// <summary>The default of <c>verify</c>, <c>propose</c> and the MSBuild front; <c>scan</c> states its own (none).</summary>
    public const string CiDependentSandbox = "repository when CI is set, else file";

    /// <summary><c>--sandbox</c>, whose help names the verb's own default.</summary>
    public static Option<string> Sandbox(string defaultMode = CiDependentSandbox)
        => new("--sandbox") { Description = "none | file | repository (default: " + defaultMode + ")." };

    public static Option<string> FailOn(string defaultValue)
        => new("--fail-on") { Description = "never | blocked | LOW | MEDIUM | HIGH | CRITICAL (default " + defaultValue + ").", DefaultValueFactory = _ => defaultValue };

    public static Option<string[]> VerifyCommand()
        => new("--verify-command") { Description = "A command run in the repository sandbox (repeatable).", AllowMultipleArgumentsPerToken = false };

    /// <summary><c>--verify-timeout</c>: repeatable (one per command, as the MSBuild target writes them), each a whole
    /// number of seconds greater than 0; anything else is refused before any work starts.</summary>
    public static Option<string[]> VerifyTimeout()
    {
        var option = new Option<string[]>("--verify-timeout") { Description = "Seconds before a verify command's process tree is killed: after a --verify-command, that command's; before any, the default (300).", AllowMultipleArgumentsPerToken = false };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (AegisCommandLine.PositiveSeconds(token.Value) is null)
                {
                    result.AddError("--verify-timeout must be a whole number of seconds greater than 0 (got '" + token.Value + "')");
                }
            }
        });
        return option;
    }

    public static Option<string> Output()
        => new("--output") { Description = "Folder for risk-card.json/.md/.html." };

    /// <summary><c>--baseline</c>: the snapshot whose incidents count as existing debt (docs/adopting.md).</summary>
    public static Option<string> Baseline(string defaultText = ".aegis/baseline.json when present")
        => new("--baseline") { Description = "A baseline snapshot (aegis.snapshot/v1): its incidents are 'unchanged', others 'new'; 'none' turns it off (default: " + defaultText + ")." };

    /// <summary><c>--fail-on-new-only[=false]</c>: with a baseline, the gate counts only new incidents (default true).</summary>
    public static Option<bool> FailOnNewOnly()
        => new("--fail-on-new-only") { Description = "With a baseline, --fail-on counts only the incidents it does not hold (default true; --fail-on-new-only false counts all).", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };

    public static Option<string> RepositoryRoot()
        => new("--repository-root") { Description = "Repository root (default: the nearest folder with .git)." };
}
