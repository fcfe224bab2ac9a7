using Aegis.Engine.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Engine.Compilation;

/// <summary>The compiler's own inputs for one project, as the MSBuild target writes them (ENGINE-CONTRACT.md).</summary>
public sealed class CompileInputs
{
    public string ProjectPath { get; set; } = "";

    public string AssemblyName { get; set; } = "";

    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    public string? LangVersion { get; set; }

    public string? Nullable { get; set; }

    public bool AllowUnsafe { get; set; }

    public List<string> Defines { get; } = new();

    public List<string> Sources { get; } = new();

    public List<string> References { get; } = new();

    public List<string> AnalyzerConfigs { get; } = new();

    public List<string> AdditionalFiles { get; } = new();

    /// <summary>Parses <c>compile-inputs.txt</c>; throws AEGB003 naming the file and line when it is unusable.</summary>
    public static CompileInputs Parse(string text, string sourceName)
    {
        var inputs = new CompileInputs();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new AegisException(ErrorCodes.BadCompileInputs, $"{sourceName}({lineNumber}): expected key=value, found '{line}'");
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            switch (key)
            {
                case "project": inputs.ProjectPath = value; break;
                case "assembly": inputs.AssemblyName = value; break;
                case "outputkind": inputs.OutputKind = ParseOutputKind(value); break;
                case "langversion": inputs.LangVersion = Empty(value); break;
                case "nullable": inputs.Nullable = Empty(value); break;
                case "allowunsafe": inputs.AllowUnsafe = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase); break;
                case "define": AddSymbols(inputs.Defines, value); break;
                case "source": AddPath(inputs.Sources, value); break;
                case "reference": AddPath(inputs.References, value); break;
                case "analyzerconfig": AddPath(inputs.AnalyzerConfigs, value); break;
                case "additionalfile": AddPath(inputs.AdditionalFiles, value); break;
                default: break; // Newer targets may add keys; older engines ignore them.
            }
        }

        if (inputs.ProjectPath.Length == 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, $"{sourceName}: no 'project=' line");
        }

        if (inputs.Sources.Count == 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, $"{sourceName}: no 'source=' lines");
        }

        if (inputs.AssemblyName.Length == 0)
        {
            inputs.AssemblyName = Path.GetFileNameWithoutExtension(inputs.ProjectPath);
        }

        return inputs;
    }

    public static CompileInputs Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, $"compile inputs file not found: {path}");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The same format, for the scan verb and tests.</summary>
    public string Write()
    {
        var lines = new List<string>
        {
            "project=" + ProjectPath,
            "assembly=" + AssemblyName,
            "outputkind=" + (OutputKind switch { OutputKind.ConsoleApplication => "Exe", OutputKind.WindowsApplication => "WinExe", _ => "Library" }),
            "langversion=" + LangVersion,
            "nullable=" + Nullable,
            "allowunsafe=" + (AllowUnsafe ? "true" : "false"),
        };
        lines.AddRange(Defines.Select(d => "define=" + d));
        lines.AddRange(Sources.Select(s => "source=" + s));
        lines.AddRange(References.Select(r => "reference=" + r));
        lines.AddRange(AnalyzerConfigs.Select(a => "analyzerconfig=" + a));
        lines.AddRange(AdditionalFiles.Select(a => "additionalfile=" + a));
        return string.Join("\n", lines) + "\n";
    }

    internal static OutputKind ParseOutputKind(string value) => value.ToLowerInvariant() switch
    {
        "exe" => OutputKind.ConsoleApplication,
        "winexe" => OutputKind.WindowsApplication,
        "module" => OutputKind.NetModule,
        _ => OutputKind.DynamicallyLinkedLibrary,
    };

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    private static void AddSymbols(List<string> target, string value)
    {
        foreach (var symbol in value.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!target.Contains(symbol, StringComparer.Ordinal))
            {
                target.Add(symbol);
            }
        }
    }

    private static void AddPath(List<string> target, string value)
    {
        if (value.Length > 0 && !target.Contains(value, StringComparer.Ordinal))
        {
            target.Add(value);
        }
    }
}
