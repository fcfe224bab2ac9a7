namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// The <c>aegis</c> CLI to start as a process: the CLI project's own build output (artifacts/bin/Aegis.Cli/&lt;configuration&gt;/),
/// not the copy in a test's folder. That copy's deps.json names the app-local System.Text.Json and
/// System.Text.Encodings.Web 10 the CLI ships for .NET 8 hosts, which a net10.0 test's build leaves out (its runtime has
/// them), so a process started from it fails to load them. Linked into Aegis.Reliability.Tests.
/// </summary>
public static class CliUnderTest
{
    public static string Path { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(
        AppContext.BaseDirectory, "..", "..", "Aegis.Cli", new DirectoryInfo(AppContext.BaseDirectory).Name, "Aegis.Cli.dll"));
}
