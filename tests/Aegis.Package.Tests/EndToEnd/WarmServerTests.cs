using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// The warm engine server through the packed package and a real <c>dotnet build</c>: the card it writes is the one-shot
/// engine's, a CI build starts none, an idle one exits, and one that cannot be reached costs nothing but a low-importance
/// message. Every test has its own <c>AEGIS_SERVER_DIR</c> and kills what it started.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class WarmServerTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private const string FromServer = "the Risk Card came from the warm engine server";
    private const string NotUsed = "the warm engine server was not used";
    private const string Preparing = "the warm engine server is preparing the Risk Card while the compiler runs";
    private const string PreparedUsed = "; prepared while the compiler ran).";
    private const string PreparedNotUsed = "; prepared analysis not used: the compilation changed since).";

    [RequiresEngineFact]
    public void ServerCard_AfterAnEdit_IsTheOneShotCard_ByteForByte()
    {
        var servers = ServerDirectory("equal");
        var consumer = environment.NewConsumer("warm-equal").WriteLibrary("Warm");
        try
        {
            var server = Variables(servers, useServer: "true");
            Succeeds(Build(consumer, server), FromServer);

            // An edit: the warm server parses only this file again; the one-shot engine then runs on the same tree.
            // The card was prepared while the compiler ran, from compile inputs written before CoreCompile: the
            // one-shot engine's inputs, written after Build, are the same bytes.
            File.AppendAllText(consumer.PathOf("Warm/Settings.cs"), "// edited\n");
            var warm = Succeeds(Build(consumer, server), Preparing);
            Assert.Contains(PreparedUsed, warm.Output, StringComparison.Ordinal);
            var warmCard = CardFiles(consumer);
            var warmInputs = File.ReadAllText(consumer.PathOf("Warm/obj/Debug/net10.0/aegis/compile-inputs.txt"));
            File.Delete(consumer.PathOf("Warm/obj/Debug/net10.0/aegis/compile-inputs.txt"));
            File.Delete(consumer.PathOf("Warm/obj/Debug/net10.0/aegis/risk-card.stamp"));
            var oneShot = Build(consumer, Variables(servers, useServer: "false"));
            Assert.DoesNotContain(FromServer, Succeeds(oneShot).Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Preparing, oneShot.Output, StringComparison.Ordinal);
            var oneShotCard = CardFiles(consumer);
            Assert.Equal(File.ReadAllText(consumer.PathOf("Warm/obj/Debug/net10.0/aegis/compile-inputs.txt")), warmInputs);
            Assert.Contains("analysislevel_", warmInputs, StringComparison.Ordinal);

            Assert.Contains("AEG002", oneShotCard["risk-card.json"], StringComparison.Ordinal);
            foreach (var (name, text) in oneShotCard)
            {
                Assert.Equal(text, warmCard[name]);
            }

            Assert.Equal(CardLines(oneShot), CardLines(warm));
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    [RequiresEngineFact]
    public void SourceEditedAfterThePrepare_TheCardIsTheEditedSources_AndTheOneShotCard()
    {
        var servers = ServerDirectory("edited");
        var consumer = environment.NewConsumer("warm-edited").WriteLibrary("Edited");
        // Between the prepare (before CoreCompile) and the run (after Build): a second secret in Settings.cs, as an
        // editor saving while the compiler runs would leave it.
        consumer.WriteFile("Edited/Settings.edited.txt", """
            namespace Edited;

            public class Settings
            {
                private string connectionString = "Server=db;Password=Xk9mP2vLq7";
                private string replica = "Server=replica;Password=Qw8nR3tYz5";

                public string Get() => connectionString + replica;
            }
            """);
        consumer.WriteFile("Directory.Build.targets", """
            <Project>
              <Target Name="EditWhileTheCompilerRuns" AfterTargets="CoreCompile" Condition="'$(EditWhileTheCompilerRuns)' == 'true'">
                <Copy SourceFiles="$(MSBuildProjectDirectory)/Settings.edited.txt" DestinationFiles="$(MSBuildProjectDirectory)/Settings.cs" />
              </Target>
            </Project>
            """);
        try
        {
            var server = Variables(servers, useServer: "true");
            var edited = Succeeds(Build(consumer, server, "-p:EditWhileTheCompilerRuns=true"), Preparing);
            Assert.Contains(PreparedNotUsed, edited.Output, StringComparison.Ordinal);
            var servedCard = CardFiles(consumer);
            Assert.Equal(2, Regex.Matches(servedCard["risk-card.json"], "\"rule\":\\s*\"AEG002\"").Count);

            File.Delete(consumer.PathOf("Edited/obj/Debug/net10.0/aegis/risk-card.stamp"));
            var oneShot = Succeeds(Build(consumer, Variables(servers, useServer: "false")));
            var oneShotCard = CardFiles(consumer);
            foreach (var (name, text) in oneShotCard)
            {
                Assert.Equal(text, servedCard[name]);
            }

            Assert.Equal(CardLines(oneShot), CardLines(edited));
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    [RequiresEngineFact]
    public void FailedCompile_WritesNoCard_ThoughTheServerPreparedOne()
    {
        var servers = ServerDirectory("broken");
        var consumer = environment.NewConsumer("warm-broken").WriteLibrary("Broken").WriteFile("Broken/Broken.cs", "namespace Broken;\n\npublic class Broken { int }\n");
        try
        {
            var broken = Build(consumer, Variables(servers, useServer: "true"));
            Assert.NotEqual(0, broken.ExitCode);
            Assert.Contains(Preparing, broken.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(FromServer, broken.Output, StringComparison.Ordinal);

            // The preparation finishes in the server after the build gave up: it still writes nothing.
            Thread.Sleep(TimeSpan.FromSeconds(5));
            Assert.False(Directory.Exists(consumer.PathOf("Broken/bin/Debug/net10.0/aegis")), "a build whose compile failed has a card");
            Assert.False(Directory.Exists(consumer.PathOf("Broken/.aegis")), "a build whose compile failed wrote history");
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    [RequiresEngineFact]
    public void CiBuild_StartsNoServer_AndALocalBuildDoes()
    {
        var servers = ServerDirectory("ci");
        var consumer = environment.NewConsumer("warm-ci").WriteLibrary("Ci");
        try
        {
            // AegisUseServer left to the package's default ("" here undoes the test runner's false).
            var ci = Succeeds(Build(consumer, new Dictionary<string, string?>(Variables(servers, useServer: "")) { ["CI"] = "true" }));
            Assert.DoesNotContain(FromServer, ci.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Preparing, ci.Output, StringComparison.Ordinal);
            Assert.Empty(WarmServers.Pids(servers));
            Assert.False(WarmServers.AnyProcessServing(servers), "a CI build left a server process behind");

            File.AppendAllText(consumer.PathOf("Ci/Settings.cs"), "// edited\n");
            Assert.Contains(PreparedUsed, Succeeds(Build(consumer, Variables(servers, useServer: "")), Preparing).Output, StringComparison.Ordinal);
            Assert.True(WarmServers.AnyProcessServing(servers), "a local build did not start the server");

            // AegisServerPrepare=false: the server, but only after Build.
            File.AppendAllText(consumer.PathOf("Ci/Settings.cs"), "// edited again\n");
            var afterBuild = Succeeds(Build(consumer, Variables(servers, useServer: ""), "-p:AegisServerPrepare=false"), FromServer);
            Assert.DoesNotContain(Preparing, afterBuild.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("; prepared", afterBuild.Output, StringComparison.Ordinal);
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    [RequiresEngineFact]
    public void IdleServer_ExitsAfterAegisServerIdleTimeout()
    {
        var servers = ServerDirectory("idle");
        var consumer = environment.NewConsumer("warm-idle").WriteLibrary("Idle");
        try
        {
            Succeeds(Build(consumer, Variables(servers, useServer: "true"), "-p:AegisServerIdleTimeout=2"), FromServer);
            var pid = Assert.Single(WarmServers.Pids(servers));

            var waited = Stopwatch.StartNew();
            while (WarmServers.IsAlive(pid) && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(200);
            }

            output.WriteLine($"server {pid} gone after {waited.Elapsed.TotalSeconds:F1} s");
            Assert.False(WarmServers.IsAlive(pid), "the server outlived its idle timeout of 2 s by a minute");
            Assert.Empty(Directory.GetFiles(servers, "*.sock"));
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    [RequiresEngineFact]
    public void UnreachableServer_GarbageSocket_FallsBackToTheOneShotEngine_WithTheSameCard()
    {
        var servers = ServerDirectory("garbage");
        var consumer = environment.NewConsumer("warm-garbage").WriteLibrary("Garbage");
        try
        {
            // Learn the pipe's name from a real server, then leave garbage in its place and hold its lock, as a hung
            // server would: nothing answers and no new server can start.
            Succeeds(Build(consumer, Variables(servers, useServer: "true")), FromServer);
            var expected = CardFiles(consumer);
            WarmServers.StopAll(servers);
            var name = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(servers, "*.lock")));
            File.Delete(Path.Combine(servers, name + ".sock")); // the killed server's socket
            File.WriteAllText(Path.Combine(servers, name + ".sock"), "not a socket");
            using var heldLock = new FileStream(Path.Combine(servers, name + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

            File.Delete(consumer.PathOf("Garbage/obj/Debug/net10.0/aegis/risk-card.stamp"));
            var fallback = Succeeds(Build(consumer, Variables(servers, useServer: "true")), NotUsed);

            // The prepare before CoreCompile met the same garbage: a low-importance message, and the card after Build.
            Assert.Contains("the warm engine server was not reached to prepare the Risk Card", fallback.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(FromServer, fallback.Output, StringComparison.Ordinal);
            Assert.Single(CardLines(fallback));
            var actual = CardFiles(consumer);
            foreach (var (file, text) in expected)
            {
                Assert.Equal(text, actual[file]);
            }
        }
        finally
        {
            WarmServers.StopAll(servers);
        }
    }

    /// <summary>A fresh, short folder for this test's servers (a Unix socket path must stay under 108 bytes).</summary>
    private string ServerDirectory(string name)
    {
        var directory = Path.Combine(environment.Root, "srv-" + name);
        Assert.True(directory.Length < 80, "the server folder's path is too long for a socket: " + directory);
        return directory;
    }

    private static Dictionary<string, string?> Variables(string servers, string useServer)
        => new() { ["AEGIS_SERVER_DIR"] = servers, ["AegisUseServer"] = useServer };

    /// <summary>A detailed build (the task's low-importance messages say whether the server answered).</summary>
    private DotNet.RunResult Build(Consumer consumer, IReadOnlyDictionary<string, string?> variables, params string[] properties)
        => environment.Run(consumer.Directory, variables,
            ["build", Directory.GetDirectories(consumer.Directory).Select(Path.GetFileName).Single(d => d != "bin" && d != "obj")!, "-nologo", "-v:d", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:AegisSandbox=file", "-p:AegisFailOn=never", .. properties]);

    private DotNet.RunResult Succeeds(DotNet.RunResult result, string? mustSay = null)
    {
        Assert.True(result.ExitCode == 0, "The build failed: " + Tail(result.Output));
        if (mustSay is not null)
        {
            Assert.True(result.Output.Contains(mustSay, StringComparison.Ordinal), "The build log does not say '" + mustSay + "': " + Tail(result.Output));
        }

        output.WriteLine($"build: {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(60));

    private static string[] CardLines(DotNet.RunResult result)
        => result.Output.Split('\n').Where(l => l.Contains("Aegis Risk Card: ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();

    /// <summary>The card's three files, each with its own ts, request_id and measured durations blanked.</summary>
    private static Dictionary<string, string> CardFiles(Consumer consumer)
    {
        var folder = Directory.GetDirectories(consumer.Directory).Select(d => Path.Combine(d, "bin", "Debug", "net10.0", "aegis")).Single(Directory.Exists);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "risk-card.json")));
        var ts = card.RootElement.GetProperty("ts").GetRawText();
        var id = card.RootElement.GetProperty("request_id").GetString()!;
        return new[] { "risk-card.json", "risk-card.md", "risk-card.html" }.ToDictionary(
            name => name,
            name => Durations().Replace(File.ReadAllText(Path.Combine(folder, name)).Replace(id, "<request_id>", StringComparison.Ordinal).Replace(ts, "<ts>", StringComparison.Ordinal), "${name}<ms>"));
    }

    // The JSON's "duration_ms": 73, and the "73 ms" cells of the Markdown and HTML sandbox tables: measured, like ts.
    [GeneratedRegex(@"(?<name>""duration_ms"":\s*)\d+|\d+(?= ms(?: \||</td>))")]
    private static partial Regex Durations();
}
