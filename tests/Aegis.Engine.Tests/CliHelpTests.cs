using System.CommandLine;
using Aegis.Cli;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// The help names the command <c>aegis</c>, whatever the process runs from: the tool and the package's engine run as
/// <c>dotnet Aegis.Cli.dll</c>, these tests as testhost, and System.CommandLine names the root after the executable.
/// </summary>
public sealed class CliHelpTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "  aegis [command] [options]")]
    [InlineData(new[] { "-h" }, "  aegis [command] [options]")]
    [InlineData(new[] { "scan", "--help" }, "  aegis scan [<target>] [options]")]
    [InlineData(new[] { "propose", "-?" }, "  aegis propose [options]")]
    public async Task Help_UsageNamesTheCommandAegis(string[] args, string usage)
    {
        var stdout = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(args, stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        var lines = stdout.ToString().Replace("\r\n", "\n").Split('\n');
        Assert.Equal(usage, lines[Array.IndexOf(lines, "Usage:") + 1]);
        Assert.DoesNotContain(RootCommand.ExecutableName + " ", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_IsPrintedAsItIs()
    {
        var stdout = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(["--version"], stdout, new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.ToString());
        Assert.DoesNotContain("aegis", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NameUsage_RenamesTheCommandOnlyWhereAUsageLineStartsWithIt()
    {
        const string Help = "Description:\n  Aegis.Cli scans\n\nUsage:\n  Aegis.Cli scan [options]\n  Aegis.CliX\n  see Aegis.Cli\n\nOptions:\n  Aegis.Cli\n";

        Assert.Equal(
            "Description:\n  Aegis.Cli scans\n\nUsage:\n  aegis scan [options]\n  Aegis.CliX\n  see Aegis.Cli\n\nOptions:\n  Aegis.Cli\n",
            AegisCommandLine.NameUsage(Help, "Aegis.Cli"));
    }
}
