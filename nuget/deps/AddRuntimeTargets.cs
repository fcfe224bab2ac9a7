// Adds ReadyToRun copies to a published app's deps.json as runtimeTargets, so the host loads the copy on that RID and
// the IL assembly everywhere else. Run by nuget/Aegis.Analyzers.Package.csproj (a file-based app: MSBuild's inline
// tasks cannot reference System.Text.Json on every MSBuild).
//   dotnet run --file AddRuntimeTargets.cs -- <deps.json> <rid> <target framework folder> <file name>...
// Every library whose runtime assemblies are all among the file names gets, for each of them,
//   "runtimes/<rid>/lib/<tfm>/<file>": { "rid": "<rid>", "assetType": "runtime", assemblyVersion, fileVersion }
// A library that already has RID-specific assets is left alone. Exit code 1, with the reason, when nothing matched.
#:property PublishAot=false

using System.Text.Json;
using System.Text.Json.Nodes;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: AddRuntimeTargets.cs <deps.json> <rid> <tfm folder> <file name>...");
    return 2;
}

var (depsFile, rid, framework) = (args[0], args[1], args[2]);
var compiled = new HashSet<string>(args[3..], StringComparer.OrdinalIgnoreCase);
var root = JsonNode.Parse(File.ReadAllText(depsFile))!;
var targetName = (string)root["runtimeTarget"]!["name"]!;
var changed = 0;
foreach (var (_, library) in root["targets"]![targetName]!.AsObject())
{
    if (library?["runtime"] is not JsonObject runtime || runtime.Count == 0 || library["runtimeTargets"] is not null
        || !runtime.All(asset => compiled.Contains(Path.GetFileName(asset.Key))))
    {
        continue;
    }

    var targets = new JsonObject();
    foreach (var (path, versions) in runtime)
    {
        var entry = new JsonObject { ["rid"] = rid, ["assetType"] = "runtime" };
        foreach (var name in new[] { "assemblyVersion", "fileVersion" })
        {
            if (versions?[name] is JsonNode value)
            {
                entry[name] = (string?)value;
            }
        }

        targets[$"runtimes/{rid}/lib/{framework}/{Path.GetFileName(path)}"] = entry;
    }

    library["runtimeTargets"] = targets;
    changed++;
}

if (changed == 0)
{
    Console.Error.WriteLine($"AddRuntimeTargets: no library of {depsFile} has all its runtime assemblies among the compiled ones.");
    return 1;
}

File.WriteAllText(depsFile, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"AddRuntimeTargets: {changed} libraries of {depsFile} have {rid} runtimeTargets.");
return 0;
