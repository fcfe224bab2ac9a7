namespace Aegis.Engine.Agents;

/// <summary>One string replacement as agents' edit tools describe it (Claude Code's Edit and MultiEdit).</summary>
public sealed record TextEdit(string OldString, string NewString, bool ReplaceAll);

/// <summary>Applies an agent's edits to a file's current text, the way its edit tool will, to judge the result.</summary>
public static class TextEdits
{
    /// <summary>The text after every edit in order, or why the edit tool would refuse them (nothing is guessed).</summary>
    public static (string? Text, string? Problem) Apply(string original, IReadOnlyList<TextEdit> edits)
    {
        var text = original;
        for (var index = 0; index < edits.Count; index++)
        {
            var edit = edits[index];
            var which = edits.Count == 1 ? "old_string" : "edits[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "].old_string";
            if (edit.OldString.Length == 0)
            {
                // An empty old_string creates a file: only the whole (empty) text can be replaced.
                if (text.Length != 0)
                {
                    return (null, which + " is empty but the file is not");
                }

                text = edit.NewString;
                continue;
            }

            var first = text.IndexOf(edit.OldString, StringComparison.Ordinal);
            if (first < 0)
            {
                return (null, which + " was not found in the current file");
            }

            if (edit.ReplaceAll)
            {
                text = text.Replace(edit.OldString, edit.NewString, StringComparison.Ordinal);
            }
            else if (text.IndexOf(edit.OldString, first + edit.OldString.Length, StringComparison.Ordinal) >= 0)
            {
                return (null, which + " occurs more than once in the current file and replace_all is not set");
            }
            else
            {
                text = string.Concat(text.AsSpan(0, first), edit.NewString, text.AsSpan(first + edit.OldString.Length));
            }
        }

        return (text, null);
    }
}
