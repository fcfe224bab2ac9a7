using System.Globalization;
using System.Text;
using DiffPlex;
using DiffPlex.Model;

namespace Aegis.Engine.Patching;

/// <summary>Unified diffs (<c>a/</c> and <c>b/</c> headers, three lines of context, <c>\n</c> endings) computed with DiffPlex.</summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string path, string original, string patched)
    {
        var oldLines = SplitLines(original);
        var newLines = SplitLines(patched);
        if (oldLines.Length == 0 || newLines.Length == 0)
        {
            // DiffPlex reads "" as one empty line; a created or emptied file is one whole-file hunk.
            if (oldLines.Length == newLines.Length)
            {
                return "";
            }

            var whole = new StringBuilder();
            whole.Append("--- a/").Append(path).Append('\n').Append("+++ b/").Append(path).Append('\n');
            whole.Append("@@ -").Append(Range(0, oldLines.Length)).Append(" +").Append(Range(0, newLines.Length)).Append(" @@\n");
            foreach (var line in oldLines)
            {
                whole.Append('-').Append(line).Append('\n');
            }

            foreach (var line in newLines)
            {
                whole.Append('+').Append(line).Append('\n');
            }

            return whole.ToString();
        }

        var result = new Differ().CreateLineDiffs(string.Join("\n", oldLines), string.Join("\n", newLines), ignoreWhitespace: false);
        if (result.DiffBlocks.Count == 0)
        {
            return "";
        }

        var builder = new StringBuilder();
        builder.Append("--- a/").Append(path).Append('\n');
        builder.Append("+++ b/").Append(path).Append('\n');
        foreach (var hunk in Hunks(result.DiffBlocks, oldLines.Length, newLines.Length))
        {
            AppendHunk(builder, hunk, oldLines, newLines);
        }

        return builder.ToString();
    }

    public static string[] SplitLines(string text)
    {
        var normalized = text.Replace("\r\n", "\n").Replace('\r', '\n');
        if (normalized.EndsWith('\n'))
        {
            normalized = normalized[..^1];
        }

        return normalized.Length == 0 ? Array.Empty<string>() : normalized.Split('\n');
    }

    private static List<List<DiffBlock>> Hunks(IList<DiffBlock> blocks, int oldCount, int newCount)
    {
        var hunks = new List<List<DiffBlock>>();
        foreach (var block in blocks)
        {
            if (hunks.Count > 0)
            {
                var previous = hunks[^1][^1];
                var gap = block.DeleteStartA - (previous.DeleteStartA + previous.DeleteCountA);
                if (gap <= 2 * Context)
                {
                    hunks[^1].Add(block);
                    continue;
                }
            }

            hunks.Add(new List<DiffBlock> { block });
        }

        return hunks;
    }

    private static void AppendHunk(StringBuilder builder, List<DiffBlock> hunk, string[] oldLines, string[] newLines)
    {
        var first = hunk[0];
        var last = hunk[^1];
        var oldStart = Math.Max(0, first.DeleteStartA - Context);
        var newStart = Math.Max(0, first.InsertStartB - (first.DeleteStartA - oldStart));
        var oldEnd = Math.Min(oldLines.Length, last.DeleteStartA + last.DeleteCountA + Context);
        var newEnd = Math.Min(newLines.Length, last.InsertStartB + last.InsertCountB + (oldEnd - (last.DeleteStartA + last.DeleteCountA)));
        var body = new StringBuilder();
        var oldIndex = oldStart;
        foreach (var block in hunk)
        {
            for (; oldIndex < block.DeleteStartA; oldIndex++)
            {
                body.Append(' ').Append(oldLines[oldIndex]).Append('\n');
            }

            for (var i = 0; i < block.DeleteCountA; i++)
            {
                body.Append('-').Append(oldLines[block.DeleteStartA + i]).Append('\n');
            }

            for (var i = 0; i < block.InsertCountB; i++)
            {
                body.Append('+').Append(newLines[block.InsertStartB + i]).Append('\n');
            }

            oldIndex = block.DeleteStartA + block.DeleteCountA;
        }

        for (; oldIndex < oldEnd; oldIndex++)
        {
            body.Append(' ').Append(oldLines[oldIndex]).Append('\n');
        }

        builder.Append("@@ -").Append(Range(oldStart, oldEnd - oldStart)).Append(" +").Append(Range(newStart, newEnd - newStart)).Append(" @@\n");
        builder.Append(body);
    }

    private static string Range(int start, int count)
        => count == 0
            ? start.ToString(CultureInfo.InvariantCulture) + ",0"
            : (start + 1).ToString(CultureInfo.InvariantCulture) + "," + count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Applies a unified diff to <paramref name="original"/>; null when a hunk's context does not match.</summary>
    public static string? Apply(string original, string diff)
    {
        var lines = SplitLines(original).ToList();
        var patch = SplitLines(diff);
        var offset = 0;
        for (var i = 0; i < patch.Length; i++)
        {
            var header = patch[i];
            if (!header.StartsWith("@@ ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = System.Text.RegularExpressions.Regex.Match(header, @"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@");
            if (!match.Success)
            {
                return null;
            }

            var oldStart = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var oldCount = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 1;
            var position = (oldCount == 0 ? oldStart : oldStart - 1) + offset;
            var removed = new List<string>();
            var added = new List<string>();
            var j = i + 1;
            for (; j < patch.Length && !patch[j].StartsWith("@@ ", StringComparison.Ordinal) && !patch[j].StartsWith("--- ", StringComparison.Ordinal); j++)
            {
                var line = patch[j];
                if (line.StartsWith('\\'))
                {
                    continue;
                }

                var kind = line.Length == 0 ? ' ' : line[0];
                var content = line.Length == 0 ? "" : line[1..];
                if (kind is ' ' or '-')
                {
                    removed.Add(content);
                }

                if (kind is ' ' or '+')
                {
                    added.Add(content);
                }
            }

            if (position < 0 || position + removed.Count > lines.Count || !lines.Skip(position).Take(removed.Count).SequenceEqual(removed, StringComparer.Ordinal))
            {
                return null;
            }

            lines.RemoveRange(position, removed.Count);
            lines.InsertRange(position, added);
            offset += added.Count - removed.Count;
            i = j - 1;
        }

        return string.Join("\n", lines) + (lines.Count > 0 ? "\n" : "");
    }
}
