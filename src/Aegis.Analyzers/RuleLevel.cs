namespace Aegis.Analyzers;

/// <summary>
/// How loud a rule is by default. A level, not a raw severity, so each choice is documented once.
/// </summary>
public enum RuleLevel
{
    /// <summary>A warning in the build and a squiggle in the editor.</summary>
    BuildWarning,

    /// <summary>A suggestion in the editor only; not shown in the build.</summary>
    IdeSuggestion,

    /// <summary>Off unless enabled in .editorconfig.</summary>
    Disabled,
}
