using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>An expected diagnostic span in markup: <c>[|…|]</c> (the rule under test) or <c>{|AEG001:…|}</c>.</summary>
public sealed record MarkupSpan(string? Id, TextSpan Span);

/// <summary>Parses <c>[|…|]</c> and <c>{|ID:…|}</c> markup out of test source. Spans may nest.</summary>
public static class TestMarkup
{
    public static (string Text, IReadOnlyList<MarkupSpan> Spans) Parse(string markup)
    {
        var text = new StringBuilder(markup.Length);
        var spans = new List<MarkupSpan>();
        var open = new Stack<(string? Id, int Start, char Closer)>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "[|"))
            {
                open.Push((null, text.Length, ']'));
                i++;
            }
            else if (markup[i] == '{' && Starts(markup, i, "{|") && TryReadId(markup, i + 2, out var id, out var end))
            {
                open.Push((id, text.Length, '}'));
                i = end;
            }
            else if ((Starts(markup, i, "|]") || Starts(markup, i, "|}")) && open.Count > 0 && open.Peek().Closer == markup[i + 1])
            {
                var (spanId, start, _) = open.Pop();
                spans.Add(new MarkupSpan(spanId, TextSpan.FromBounds(start, text.Length)));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new ArgumentException("Unclosed markup span in test source.", nameof(markup));
        }

        return (text.ToString(), spans.OrderBy(s => s.Span.Start).ThenBy(s => s.Span.End).ToArray());
    }

    private static bool Starts(string text, int index, string value)
        => string.CompareOrdinal(text, index, value, 0, value.Length) == 0;

    private static bool TryReadId(string markup, int start, out string id, out int end)
    {
        var colon = markup.IndexOf(':', start);
        id = colon > start ? markup.Substring(start, colon - start) : string.Empty;
        end = colon;
        return colon > start && id.All(char.IsLetterOrDigit);
    }
}
