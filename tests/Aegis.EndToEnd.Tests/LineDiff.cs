using System.Text;

namespace Aegis.EndToEnd.Tests;

/// <summary>A minimal line diff (longest common subsequence) for the per-file summary of what a fix changed.</summary>
internal static class LineDiff
{
    public static (int Added, int Removed, string Text) Compare(byte[] before, byte[] after)
    {
        var oldLines = Lines(before);
        var newLines = Lines(after);

        // common[i, j] = length of the longest common subsequence of oldLines[i..] and newLines[j..].
        var common = new int[oldLines.Length + 1, newLines.Length + 1];
        for (var i = oldLines.Length - 1; i >= 0; i--)
        {
            for (var j = newLines.Length - 1; j >= 0; j--)
            {
                common[i, j] = oldLines[i] == newLines[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var text = new StringBuilder();
        int added = 0, removed = 0, oldIndex = 0, newIndex = 0;
        while (oldIndex < oldLines.Length || newIndex < newLines.Length)
        {
            if (oldIndex < oldLines.Length && newIndex < newLines.Length && oldLines[oldIndex] == newLines[newIndex])
            {
                oldIndex++;
                newIndex++;
            }
            else if (oldIndex < oldLines.Length && (newIndex == newLines.Length || common[oldIndex + 1, newIndex] >= common[oldIndex, newIndex + 1]))
            {
                text.Append($"  -{oldIndex + 1,4}: ").Append(oldLines[oldIndex].Trim()).Append('\n');
                removed++;
                oldIndex++;
            }
            else
            {
                text.Append($"  +{newIndex + 1,4}: ").Append(newLines[newIndex].Trim()).Append('\n');
                added++;
                newIndex++;
            }
        }

        return (added, removed, text.ToString());
    }

    private static string[] Lines(byte[] bytes) => Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
