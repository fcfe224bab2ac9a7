using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// A user who has never seen the project follows the README's Install section word for word: the analyzer package
/// and the aegis tool from a folder feed holding what this build packed. Everything lives in one temp folder: its own
/// HOME, NuGet cache and tool folders, and a NuGet.config that clears every source, so the feed named on the README's
/// command lines is the only place a package can come from and nothing outside the folder is read or written.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class FreshConsumerInstallTests(ITestOutputHelper output) : IDisposable
{
    private const string Usage = "Usage:\n  aegis [command] [options]";

    private readonly string _root = Directory.CreateTempSubdirectory("aegis-install-").FullName;

    private string Feed => Path.Combine(_root, "feed");

    private string Home => Path.Combine(_root, "home");

    private string Packages => Path.Combine(_root, "packages");

    private string Project => Path.Combine(_root, "consumer");

    [Fact]
    public void ReadmeInstall_AnalyzerPackageAndTool_FromAFolderFeed_HelpSaysAegis()
    {
        var commands = ReadmeInstallCommands();
        Assert.Equal(
            [
                "dotnet add package Aegis.Analyzers --source <folder>",
                "dotnet new tool-manifest",
                "dotnet tool install Aegis.Cli --add-source <folder>",
                "dotnet aegis --help",
            ],
            commands);
        PrepareFolder();

        foreach (var command in commands)
        {
            var result = Run(Project, command.Replace("<folder>", Feed, StringComparison.Ordinal));
            Assert.True(result.ExitCode == 0, command + ": " + result);
        }

        // The last README command's output, and the same through 'dotnet tool run'.
        Assert.Contains(Usage, Run(Project, "dotnet aegis --help").Output, StringComparison.Ordinal);
        // dotnet reads a --help after "tool run aegis" as its own; "--" hands it to the tool.
        var toolRun = Run(Project, "dotnet tool run aegis -- --help");
        Assert.Contains(Usage, toolRun.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Aegis.Cli [command]", toolRun.Output, StringComparison.Ordinal);
        // The manifest (the SDK 10 template writes it in the folder itself, older ones in .config/) records the command.
        var manifest = Directory.GetFiles(Project, "dotnet-tools.json", SearchOption.AllDirectories).Single();
        Assert.Contains("\"aegis\"", File.ReadAllText(manifest), StringComparison.Ordinal);

        // The package works as installed: its analyzers report the planted secret and its engine writes the card.
        var build = Run(Project, "dotnet build -nologo -tl:off -nodeReuse:false -p:UseSharedCompilation=false -p:AegisSandbox=none");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("AEG002", build.WarningCodes);
        Assert.Contains("Aegis Risk Card: ", build.Output, StringComparison.Ordinal);

        // The engine inside the analyzer package is the same CLI: same help, same version.
        var engine = Path.Combine(Packages, "aegis.analyzers", PackageUnderTest.Version, "tools", "engine", "Aegis.Cli.dll");
        var engineHelp = DotNet.Run(Project, Isolated(), "exec", engine, "--help");
        Assert.Contains(Usage, engineHelp.Output, StringComparison.Ordinal);
        Assert.Equal(Run(Project, "dotnet aegis --version").Output, DotNet.Run(Project, Isolated(), "exec", engine, "--version").Output);

        // Nothing was installed outside the temp folder: the tool and the packages are in its own cache.
        Assert.True(Directory.Exists(Path.Combine(Packages, "aegis.cli")));
        Assert.True(Directory.Exists(Path.Combine(Packages, "aegis.analyzers")));
    }

    [Fact]
    public void ReadmeInstall_GlobalTool_FromAFolderFeed_HelpSaysAegis()
    {
        var readme = ReadmeInstallSection();
        var install = GlobalInstall().Match(readme);
        Assert.True(install.Success, "The README's Install section names no global install.");
        Assert.Contains("`aegis --help`", readme, StringComparison.Ordinal);
        PrepareFolder();

        var result = Run(Project, install.Groups["command"].Value.Replace("<folder>", Feed, StringComparison.Ordinal));
        Assert.True(result.ExitCode == 0, result.ToString());

        // The shim lands in the isolated HOME's tool folder; it finds the runtime through DOTNET_ROOT as a user's would.
        var shim = Path.Combine(Home, ".dotnet", "tools", OperatingSystem.IsWindows() ? "aegis.exe" : "aegis");
        Assert.True(File.Exists(shim), "no shim at " + shim + "\n" + result);
        var help = Process(shim, "--help");
        Assert.Contains(Usage, help, StringComparison.Ordinal);
    }

    private void PrepareFolder()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Project);
        File.Copy(PackageUnderTest.Path, Path.Combine(Feed, Path.GetFileName(PackageUnderTest.Path)));
        File.Copy(ToolUnderTest.Path, Path.Combine(Feed, Path.GetFileName(ToolUnderTest.Path)));
        // No source at all but the ones the commands name; and MSBuild looks no further up than the temp folder.
        Write(Path.Combine(_root, "NuGet.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        Write(Path.Combine(_root, "Directory.Build.props"), "<Project />\n");
        Write(Path.Combine(_root, "Directory.Build.targets"), "<Project />\n");
        Write(Path.Combine(Project, "Consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            </Project>
            """);
        Write(Path.Combine(Project, "Settings.cs"), """
            namespace Consumer;

            public class Settings
            {
                private string connectionString = "Server=db;Password=Xk9mP2vLq7";

                public string Get() => connectionString;
            }
            """);
    }

    private Dictionary<string, string?> Isolated() => new()
    {
        ["HOME"] = Home,
        ["DOTNET_CLI_HOME"] = Home,
        ["NUGET_PACKAGES"] = Packages,
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/ is where this runtime lives.
        ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
    };

    private DotNet.RunResult Run(string directory, string commandLine)
    {
        var words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("dotnet", words[0]);
        var result = DotNet.Run(directory, Isolated(), words[1..]);
        output.WriteLine("$ " + commandLine + "\n" + result);
        return result;
    }

    private string Process(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Project };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Isolated())
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), file + " did not finish");
        output.WriteLine("$ " + file + " " + string.Join(' ', arguments) + "\n" + stdout.Result + stderr);
        Assert.True(process.ExitCode == 0, file + " exited " + process.ExitCode + ": " + stderr);
        return stdout.Result.Replace("\r\n", "\n");
    }

    private static void Write(string path, string content) => File.WriteAllText(path, content.Replace("\r\n", "\n"), new UTF8Encoding(false));

    /// <summary>The README's "## Install" section.</summary>
    private static string ReadmeInstallSection()
    {
        var readme = File.ReadAllText(PackageLayoutTests.RepositoryFile("README.md")).Replace("\r\n", "\n");
        var start = readme.IndexOf("\n## Install\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Install' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    /// <summary>The dotnet command lines of the Install section's shell blocks, in order, but the pack this build did.</summary>
    private static string[] ReadmeInstallCommands()
        => ShellBlock().Matches(ReadmeInstallSection())
            .SelectMany(block => block.Groups["body"].Value.Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("dotnet ", StringComparison.Ordinal) && !line.StartsWith("dotnet pack ", StringComparison.Ordinal))
            .ToArray();

    [GeneratedRegex(@"```sh\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"`(?<command>dotnet tool install --global Aegis\.Cli[^`]*)`")]
    private static partial Regex GlobalInstall();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp folder behind.
        }
    }
}
