using System.Globalization;
using System.Security;
using System.Text;

namespace Aegis.Engine.Containment;

/// <summary>Makes untrusted text (routes, package names, messages from a card) safe inside generated configuration.</summary>
public static class ConfigText
{
    /// <summary>One line for a <c>#</c> comment: control characters (a newline would end the comment) as <c>\xHH</c>.</summary>
    public static string OneLine(string text)
    {
        var line = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                line.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                line.Append(c);
            }
        }

        return line.ToString();
    }

    /// <summary>Text for an XML attribute or comment body: escaped, one line, and never <c>--</c> (which ends an XML comment).</summary>
    public static string Xml(string text) => SecurityElement.Escape(OneLine(text)).Replace("--", "-&#45;", StringComparison.Ordinal);

    /// <summary>A name made of <c>[a-z0-9-]</c> (flags, rule tags, file names).</summary>
    public static string Identifier(string text)
    {
        var name = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        return name.ToString().Trim('-');
    }
}
