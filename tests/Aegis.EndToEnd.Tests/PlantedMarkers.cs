using System.Text.RegularExpressions;

namespace Aegis.EndToEnd.Tests;

/// <summary>
/// The findings the sample is expected to produce: one <c>// planted: AEG00N</c> marker per diagnostic,
/// at the end of the line where the diagnostic's span starts.
/// </summary>
internal static partial class PlantedMarkers
{
    [GeneratedRegex(@"//\s*planted:\s*(?<rule>AEG\d{3})\b")]
    private static partial Regex Marker();

    public static List<Finding> Scan(string projectDirectory, string relativeTo)
    {
        var findings = new List<Finding>();
        foreach (var file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(relativeTo, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var index = 0; index < lines.Length; index++)
            {
                foreach (Match match in Marker().Matches(lines[index]))
                {
                    findings.Add(new Finding(relative, index + 1, match.Groups["rule"].Value));
                }
            }
        }

        findings.Sort();
        return findings;
    }
}
