using Aegis.Cli;

namespace Aegis.Containment.Tests.Infrastructure;

/// <summary>Runs <c>aegis</c> in process, as the engine tests do.</summary>
public static class AegisCli
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AegisCommandLine.RunAsync(args, stdout, stderr, _ => null);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
