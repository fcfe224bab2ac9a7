using Aegis.Cli;

namespace Aegis.Reliability.Tests.Infrastructure;

public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The coded error lines (<c>aegis: error AEGBnnn: …</c>) the run printed, on either stream.</summary>
    public IReadOnlyList<string> ErrorLines => (Stdout + "\n" + Stderr).Split('\n').Where(l => l.Contains("aegis: error AEGB", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
}

/// <summary>Runs the aegis command line in process, outside CI, capturing both streams.</summary>
public static class AegisCli
{
    public static async Task<CliRun> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(args, stdout, stderr, _ => null, cancellationToken: cancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);
}
