using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.CodeFixes.Infrastructure;

/// <summary>The line ending a document already uses, so inserted code matches it on every machine.</summary>
internal static class DocumentNewLine
{
    /// <summary>The first line break of the text (<c>\r\n</c>, <c>\n</c> or <c>\r</c>), or <c>\n</c> for one-line text.</summary>
    public static string Of(SourceText text)
    {
        foreach (var line in text.Lines)
        {
            var length = line.EndIncludingLineBreak - line.End;
            if (length > 0)
            {
                return text.ToString(new TextSpan(line.End, length));
            }
        }

        return "\n";
    }
}
