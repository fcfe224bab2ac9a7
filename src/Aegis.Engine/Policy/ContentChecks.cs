using System.Text.Json;
using System.Xml;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Engine.Policy;

/// <summary>The proposed content must at least parse: C#, JSON, XML project files, YAML (a basic check).</summary>
public static class ContentChecks
{
    /// <summary>Null when the content parses, else why not.</summary>
    public static string? Check(string path, string content)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".cs":
                var errors = CSharpSyntaxTree.ParseText(content, new CSharpParseOptions(LanguageVersion.Preview)).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                return errors.Count == 0 ? null : "C# syntax error: " + errors[0].ToString();
            case ".json":
                try
                {
                    using var _ = JsonDocument.Parse(content, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                    return null;
                }
                catch (JsonException exception)
                {
                    return "JSON error: " + exception.Message;
                }

            case ".csproj" or ".props" or ".targets" or ".xml" or ".config" or ".slnx" or ".resx" or ".nuspec":
                try
                {
                    var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
                    using var reader = XmlReader.Create(new StringReader(content), settings);
                    while (reader.Read())
                    {
                    }

                    return null;
                }
                catch (XmlException exception)
                {
                    return "XML error: " + exception.Message;
                }

            case ".yml" or ".yaml":
                return CheckYaml(content);
            default:
                return null;
        }
    }

    /// <summary>Basic YAML: no tabs in indentation, balanced quotes/brackets per line, keys end with ':'.</summary>
    private static string? CheckYaml(string content)
    {
        var number = 0;
        foreach (var raw in content.Replace("\r\n", "\n").Split('\n'))
        {
            number++;
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed is "---" or "...")
            {
                continue;
            }

            if (line[..(line.Length - trimmed.Length)].Contains('\t'))
            {
                return "YAML error (line " + number + "): tab in indentation";
            }

            var doubleQuotes = trimmed.Count(c => c == '"') - CountEscaped(trimmed);
            if (doubleQuotes % 2 != 0 && !trimmed.EndsWith('|') && !trimmed.EndsWith('>'))
            {
                return "YAML error (line " + number + "): unbalanced quotes";
            }

            if (trimmed.Count(c => c == '[') != trimmed.Count(c => c == ']') || trimmed.Count(c => c == '{') != trimmed.Count(c => c == '}'))
            {
                if (!trimmed.Contains('"') && !trimmed.Contains('\''))
                {
                    return "YAML error (line " + number + "): unbalanced brackets";
                }
            }
        }

        return null;
    }

    private static int CountEscaped(string text)
    {
        var count = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '"' && text[i - 1] == '\\')
            {
                count++;
            }
        }

        return count;
    }
}
