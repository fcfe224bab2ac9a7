using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;

namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>Small projects written to a temp folder with a compile-inputs.txt, compiled against this test host's assemblies.</summary>
public static class TestProjects
{
    /// <summary>The analyzers under test: the real ones, plus stand-ins for rules not merged yet on this branch.</summary>
    public static AnalyzerCatalog Catalog { get; } = AnalyzerCatalog.Default.With(new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new StandInMissingAuthorizationAnalyzer(), new StandInHardcodedSecretAnalyzer() });

    /// <summary>Three authorized controllers and one without authorization (src/Shop/Controllers/OrdersController.cs).</summary>
    public static CompileInputs WriteControllerProject(TempDirectory directory, string? openController = null)
    {
        var files = new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            ["src/Shop/Controllers/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
            ["src/Shop/Controllers/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
            ["src/Shop/Controllers/OrdersController.cs"] = openController ?? ShopSources.OpenController,
        };
        return WriteProject(directory, "src/Shop/Shop.csproj", files);
    }

    public static CompileInputs WriteProject(TempDirectory directory, string projectRelative, IReadOnlyDictionary<string, string> files, string? editorConfig = null)
    {
        var project = directory.Write(projectRelative, "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        var inputs = new CompileInputs { ProjectPath = project, AssemblyName = System.IO.Path.GetFileNameWithoutExtension(project), Nullable = "enable" };
        foreach (var (relative, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            inputs.Sources.Add(directory.Write(relative, text));
        }

        inputs.References.AddRange(ShopSources.References);
        if (editorConfig is not null)
        {
            inputs.AnalyzerConfigs.Add(directory.Write(".editorconfig", editorConfig));
        }

        inputs.Defines.Add("DEBUG");
        var inputsPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(project)!, "obj", "aegis", "compile-inputs.txt");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(inputsPath)!);
        File.WriteAllText(inputsPath, inputs.Write());
        return inputs;
    }

    /// <summary>
    /// A project as its last build left it: the compile inputs in <c>obj/Debug/net10.0/aegis/</c> (where the build target
    /// writes them) and newer than every source and <c>obj/project.assets.json</c>, so the engine reuses them instead of
    /// asking MSBuild. <paramref name="packages"/> are extra references (see <see cref="PackageStubs"/>).
    /// </summary>
    public static CompileInputs WriteBuiltProject(TempDirectory directory, string projectRelative, IReadOnlyDictionary<string, string> files, IEnumerable<string>? packages = null)
    {
        var inputs = WriteProject(directory, projectRelative, files);
        inputs.References.AddRange(packages ?? Array.Empty<string>());
        var obj = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(inputs.ProjectPath)!, "obj");
        File.WriteAllText(System.IO.Path.Combine(obj, "project.assets.json"), "{}\n");
        var built = System.IO.Path.Combine(obj, "Debug", "net10.0", "aegis", "compile-inputs.txt");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(built)!);
        File.WriteAllText(built, inputs.Write());
        File.SetLastWriteTimeUtc(built, DateTime.UtcNow.AddMinutes(1));
        return inputs;
    }

    public static string InputsPath(CompileInputs inputs)
        => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(inputs.ProjectPath)!, "obj", "aegis", "compile-inputs.txt");

    public static EngineOptions Options(string root, string sandbox = "file")
        => new() { RepositoryRoot = root, Sandbox = sandbox, Catalog = Catalog, Clock = () => DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };
}
