using System.Security.Cryptography;
using Aegis.Engine.Compilation;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Reliability.Tests.Infrastructure;

/// <summary>A small project in a temp repository with its compile-inputs.txt, as the MSBuild target writes it.</summary>
public static class SmallProject
{
    /// <summary>Three authorized controllers and one open one: AEG003 reports the open one (the convention) and offers a fix.</summary>
    public static Dictionary<string, string> ControllerFiles() => new()
    {
        ["src/Shop/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
        ["src/Shop/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
        ["src/Shop/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
        ["src/Shop/OrdersController.cs"] = ShopSources.OpenController,
    };

    /// <summary>Writes the project and returns the path of its compile-inputs.txt.</summary>
    public static string Write(TempDirectory directory, IReadOnlyDictionary<string, string> files, string projectXml = "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n", IEnumerable<string>? additionalFiles = null, IEnumerable<string>? analyzerConfigs = null)
    {
        var project = directory.Write("src/Shop/Shop.csproj", projectXml);
        var inputs = new CompileInputs { ProjectPath = project, AssemblyName = "Shop", Nullable = "enable" };
        foreach (var (relative, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            inputs.Sources.Add(directory.Write(relative, text));
        }

        inputs.References.AddRange(ShopSources.References);
        inputs.AdditionalFiles.AddRange(additionalFiles ?? Array.Empty<string>());
        inputs.AnalyzerConfigs.AddRange(analyzerConfigs ?? Array.Empty<string>());
        inputs.Defines.Add("DEBUG");
        var inputsPath = Path.Combine(directory.Path, "src", "Shop", "obj", "aegis", "compile-inputs.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(inputsPath)!);
        File.WriteAllText(inputsPath, inputs.Write());
        return inputsPath;
    }

    /// <summary>SHA-256 of every file under the folder (relative path → hash), skipping the given top folders.</summary>
    public static SortedDictionary<string, string> HashTree(string root, params string[] skip)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (skip.Any(s => relative.StartsWith(s, StringComparison.Ordinal)))
            {
                continue;
            }

            hashes[relative] = Hash(file);
        }

        return hashes;
    }

    public static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
}
