using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// A temp git repository holding a copy of samples/Aegis.Sample and samples/Aegis.Sample.Tests with the samples'
/// Directory.*.props/targets, switched to the packed Aegis.Analyzers: the shape of a user's repository that added the
/// package. Git gives the repository sandbox its root (and its file list: tracked plus new, not-ignored files).
/// </summary>
public sealed partial class SampleRepository
{
    public const string SampleProject = "Aegis.Sample/Aegis.Sample.csproj";

    private static readonly string[] CopiedFiles = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "Aegis.Sample.sln"];

    private static readonly string[] CopiedDirectories = ["Aegis.Sample", "Aegis.Sample.Tests"];

    private static readonly string[] SkippedDirectories = ["bin", "obj", "TestResults", ".vs", ".idea"];

    private static readonly string[] SkippedExtensions = [".db", ".sarif", ".binlog", ".user"];

    private readonly EndToEndEnvironment environment;

    private SampleRepository(EndToEndEnvironment environment, string root)
    {
        this.environment = environment;
        Root = root;
    }

    public string Root { get; }

    public string CardDirectory => PathOf("Aegis.Sample/bin/Debug/net10.0/aegis");

    public string CardJson => Path.Combine(CardDirectory, "risk-card.json");

    public static string SamplesSource { get; } = FindSamples();

    public static SampleRepository Create(EndToEndEnvironment environment, string name)
    {
        var root = Directory.CreateDirectory(Path.Combine(environment.Root, name)).FullName;
        foreach (var file in CopiedFiles)
        {
            File.Copy(Path.Combine(SamplesSource, file), Path.Combine(root, file));
        }

        foreach (var directory in CopiedDirectories)
        {
            CopyDirectory(Path.Combine(SamplesSource, directory), Path.Combine(root, directory));
        }

        var repository = new SampleRepository(environment, root);

        // The samples switch from the analyzer sources to the package on AegisPackageVersion (see
        // samples/Directory.Packages.props and Aegis.Sample.csproj). It is set in the copy's Directory.Build.props, not
        // only as -p: on the command line, because the repository sandbox's own `dotnet build`/`dotnet test` of its
        // copy do not get our global properties: without it they would look for ../../src/Aegis.Analyzers.
        var props = File.ReadAllText(Path.Combine(root, "Directory.Build.props"));
        File.WriteAllText(
            Path.Combine(root, "Directory.Build.props"),
            props.Replace("</Project>", $"  <PropertyGroup>\n    <AegisPackageVersion>{PackageUnderTest.Version}</AegisPackageVersion>\n  </PropertyGroup>\n</Project>", StringComparison.Ordinal));

        // The local feed and the private packages folder, with absolute paths: the sandbox copy lives elsewhere in /tmp.
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{environment.Packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="aegis-local" value="{environment.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(root, ".gitignore"), "bin/\nobj/\n*.db\nTestResults/\n");
        repository.Commit("The sample, with Aegis.Analyzers from the package");
        return repository;
    }

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public void WriteFile(string relativePath, string content)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.Replace("\r\n", "\n"), new UTF8Encoding(false));
    }

    public void Commit(string message)
    {
        Git("add", "-A");
        Git("-c", "user.name=Aegis Tests", "-c", "user.email=tests@aegis.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "-m", message);
    }

    /// <summary><c>dotnet build</c> of the sample app, the way the package tests build consumers.</summary>
    public DotNet.RunResult Build(params string[] properties)
        => environment.Run(Root, null,
            ["build", SampleProject, "-nologo", "-v:n", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. properties]);

    /// <summary>The planted secrets of the sample's sources: each string literal of a <c>// planted: AEG002</c> line
    /// (the Password= value for a connection string), at least 12 characters long (so not "Bearer").</summary>
    public IReadOnlyList<string> PlantedSecrets()
    {
        var secrets = new List<string>();
        foreach (var file in SourceFiles())
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Contains("// planted: AEG002", StringComparison.Ordinal)))
            {
                foreach (Match literal in StringLiteral().Matches(line))
                {
                    var value = literal.Groups["text"].Value;
                    var password = PasswordValue().Match(value);
                    secrets.Add(password.Success ? password.Groups["value"].Value : value);
                }
            }
        }

        return secrets.Where(s => s.Length >= 12).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>(file relative to the repository, line, rule) of every <c>// planted: AEG00N</c> marker.</summary>
    public IReadOnlyList<(string File, int Line, string Rule)> PlantedFindings()
    {
        var findings = new List<(string, int, string)>();
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var index = 0; index < lines.Length; index++)
            {
                foreach (Match marker in PlantedMarker().Matches(lines[index]))
                {
                    findings.Add((Path.GetRelativePath(Root, file).Replace('\\', '/'), index + 1, marker.Groups["rule"].Value));
                }
            }
        }

        return findings.Order().ToArray();
    }

    /// <summary>SHA-256 of every file's relative path and bytes (ordinal order), everything but bin/ and obj/ and the
    /// paths <paramref name="except"/> names; .git included.</summary>
    public string TreeHash(IReadOnlySet<string>? except = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var relative in TreeFiles().Where(f => except is null || !except.Contains(f)))
        {
            var bytes = File.ReadAllBytes(PathOf(relative));
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n" + bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Every file of the repository but bin/ and obj/ folders, relative with '/', in ordinal order.</summary>
    public IReadOnlyList<string> TreeFiles()
        => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').SkipLast(1).Any(segment => segment is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private IEnumerable<string> SourceFiles()
        => Directory.EnumerateFiles(PathOf("Aegis.Sample"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Root, f).Replace('\\', '/').Split('/').Any(s => s is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private void Git(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (!Directory.Exists(PathOf(".git")))
        {
            using var init = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["init", "-q", "-b", "main", Root]) { UseShellExecute = false })!;
            init.WaitForExit();
            Assert.Equal(0, init.ExitCode);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "git " + string.Join(' ', arguments) + " did not finish");
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)} failed: {stdout.Result}{stderr}");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            if (!SkippedExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            if (!SkippedDirectories.Contains(Path.GetFileName(directory), StringComparer.OrdinalIgnoreCase))
            {
                CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
            }
        }
    }

    private static string FindSamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aegis.Analyzers.sln")))
            {
                return Path.Combine(directory.FullName, "samples");
            }
        }

        throw new DirectoryNotFoundException("No Aegis.Analyzers.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("\"(?<text>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?:Password|Pwd)=(?<value>[^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordValue();

    [GeneratedRegex(@"//\s*planted:\s*(?<rule>AEG\d{3})\b")]
    private static partial Regex PlantedMarker();
}
