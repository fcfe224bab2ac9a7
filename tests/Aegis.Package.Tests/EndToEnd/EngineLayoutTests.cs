using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// The restored package's engine (tools/engine/) run by hand on a consumer's response file, as packed and in two
/// altered copies: one that proves the host loads the ReadyToRun copies on this RID, one that proves another platform
/// gets the IL assemblies (the runtimeTargets moved to a RID this machine is not, and their files removed).
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class EngineLayoutTests(EndToEndEnvironment environment, ITestOutputHelper output)
{
    private string PackedEngine => Path.Combine(environment.PackageFolder, "tools", "engine");

    [RequiresEngineFact]
    public void PackedEngine_WritesACard_WithTheDefaultRid_AndWithTheILFallback()
    {
        // A consumer built once with the packed engine: the target leaves the response file the engine is run with.
        var consumer = environment.NewConsumer("layout").WriteLibrary("Layout");
        var build = environment.Run(consumer.Directory, null, "build", "Layout", "-nologo", "-v:m", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:AegisSandbox=none");
        output.WriteLine(build.ToString());
        Assert.Equal(0, build.ExitCode);
        var rsp = consumer.PathOf("Layout/obj/Debug/net10.0/aegis/aegis.rsp");

        RunsAndWritesACard(PackedEngine, rsp, consumer);

        var copies = Directory.Exists(Path.Combine(PackedEngine, "runtimes"))
            ? Directory.GetFiles(Path.Combine(PackedEngine, "runtimes"), "*.dll", SearchOption.AllDirectories)
            : [];
        if (copies.Length == 0)
        {
            // An IL-only package (no crossgen2 when it was packed): the run above was the IL run.
            return;
        }

        // The IL fallback: the copies' RID is one this machine is not, and their files are gone. A host that wanted
        // them would fail to start the engine ("could not load Aegis.Engine"), so a card means it loaded the IL.
        var fallback = CopyEngine("il-fallback");
        var otherRid = RuntimeInformation.RuntimeIdentifier.StartsWith("osx", StringComparison.Ordinal) ? "linux-riscv64" : "osx-arm64";
        Directory.Delete(Path.Combine(fallback, "runtimes"), recursive: true);
        RetargetRuntimeTargets(Path.Combine(fallback, "Aegis.Cli.deps.json"), otherRid);
        RunsAndWritesACard(fallback, rsp, consumer);

        // On the RID the copies were compiled for, the host must load them: without the root IL twins the engine still runs.
        var rid = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(copies[0])))!);
        if (rid == RuntimeInformation.RuntimeIdentifier)
        {
            var readyToRun = CopyEngine("ready-to-run");
            foreach (var copy in copies)
            {
                File.Delete(Path.Combine(readyToRun, Path.GetFileName(copy)));
            }

            RunsAndWritesACard(readyToRun, rsp, consumer);
        }
    }

    private void RunsAndWritesACard(string engineDirectory, string responseFile, Consumer consumer)
    {
        var card = consumer.PathOf("Layout/bin/Debug/net10.0/aegis/risk-card.json");
        File.Delete(card);

        var run = environment.Run(consumer.Directory, null, Path.Combine(engineDirectory, "Aegis.Cli.dll"), "build", "@" + responseFile);

        output.WriteLine($"{engineDirectory}: {run}");
        Assert.True(run.ExitCode == 0, $"The engine in {engineDirectory} failed: {run}");
        using var json = JsonDocument.Parse(File.ReadAllText(card));
        Assert.Equal("aegis.riskcard/v1", json.RootElement.GetProperty("schema").GetString());
    }

    private string CopyEngine(string name)
    {
        var target = Path.Combine(environment.Root, "engines", name);
        foreach (var file in Directory.GetFiles(PackedEngine, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(PackedEngine, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private static void RetargetRuntimeTargets(string depsFile, string rid)
    {
        var root = JsonNode.Parse(File.ReadAllText(depsFile))!;
        var moved = 0;
        foreach (var (_, library) in root["targets"]!.AsObject().Single().Value!.AsObject())
        {
            if (library?["runtimeTargets"] is not JsonObject targets)
            {
                continue;
            }

            var retargeted = new JsonObject();
            foreach (var (path, asset) in targets.ToArray())
            {
                targets.Remove(path);
                asset!["rid"] = rid;
                retargeted[$"runtimes/{rid}/{path.Split('/', 3)[2]}"] = asset;
                moved++;
            }

            library["runtimeTargets"] = retargeted;
        }

        Assert.True(moved > 0, "The packed deps file lists no runtimeTargets although runtimes/ is packed.");
        File.WriteAllText(depsFile, root.ToJsonString());
    }
}
