// A stand-in for tools/engine/Aegis.Cli.dll that speaks the engine's side of ENGINE-CONTRACT.md, so the end-to-end
// tests exercise the package's MSBuild target and task whether or not the real engine is in the package.
// Built by the tests into a temp folder and passed to consumer builds with -p:AegisEngineAssemblyFile=….
// FAKE_AEGIS_MODE: allow (default) | block | warn | crash.
using System.Text;

if (args.Length != 2 || args[0] != "build" || !args[1].StartsWith('@'))
{
    Console.WriteLine("aegis: error AEGB003: usage: build @<response file>");
    return 2;
}

var lines = File.ReadAllLines(args[1].Substring(1));
var options = new Dictionary<string, List<string>>();
for (var i = 0; i + 1 < lines.Length; i += 2)
{
    if (!options.TryGetValue(lines[i], out var values))
    {
        options[lines[i]] = values = [];
    }

    values.Add(lines[i + 1]);
}

string One(string name) => options.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : throw new InvalidOperationException("missing " + name);

var inputs = One("--inputs");
var inputLines = File.ReadAllLines(inputs);
if (!inputLines.Any(l => l.StartsWith("project=", StringComparison.Ordinal)) || !inputLines.Any(l => l.StartsWith("source=", StringComparison.Ordinal)))
{
    Console.WriteLine("aegis: error AEGB003: bad compile inputs " + inputs);
    return 2;
}

File.AppendAllText(Path.Combine(Path.GetDirectoryName(inputs)!, "fake-engine-runs.txt"), "run\n");

var mode = Environment.GetEnvironmentVariable("FAKE_AEGIS_MODE") ?? "allow";
if (mode == "crash")
{
    Console.Error.WriteLine("Unhandled exception. System.InvalidOperationException: fake crash");
    return 3;
}

var output = One("--output");
Directory.CreateDirectory(output);
var blocked = mode == "block";
var status = blocked ? "blocked" : "allow";
var risk = blocked ? 72 : 10;
var card = Path.Combine(output, "risk-card.json");
File.WriteAllText(card,
    "{\"schema\":\"aegis.riskcard/v1\",\"status\":\"" + status + "\",\"risk_score\":" + risk
    + ",\"fake\":true,\"sandbox\":{\"mode\":\"" + One("--sandbox") + "\"}}\n",
    new UTF8Encoding(false));
File.WriteAllText(Path.Combine(output, "risk-card.md"), "# Risk Card (fake)\n");
var html = Path.Combine(output, "risk-card.html");
File.WriteAllText(html, "<p>Risk Card (fake)</p>\n");

// The engine's summary line names the HTML card and both verdicts; it is also written beside the card, which an
// up-to-date build logs again. The blocked line carries ';', '%' and '$(' to prove MSBuild repeats it verbatim.
var summary = html + ": " + (blocked
    ? "Blocked (risk 72 HIGH): 1 incident in the code (top: AEG001 SQL built from non-constant text reaches a SQL sink in Data/Orders.cs:9). "
        + "Patches: rollback, do not apply (1 of 1 incident fixed in 1 file, failed; sandbox_tests: 1 of 3 failed at 100% $(Configuration))"
    : "Allowed (risk 10 LOW): no incidents in the code. Patches: none needed");
File.WriteAllText(Path.Combine(output, "risk-card.summary.txt"), summary + "\n", new UTF8Encoding(false));

Console.WriteLine("aegis: fake engine: sandbox=" + One("--sandbox") + " fail-on=" + One("--fail-on"));
if (mode == "warn")
{
    Console.WriteLine("aegis: warning AEGB007: fake sandbox warning");
}

Console.WriteLine("aegis: card " + summary);
if (blocked && One("--fail-on") != "never")
{
    Console.WriteLine($"aegis: error AEGB004: Risk Card blocked (risk {risk}, HIGH); see {card}");
    return 1;
}

return 0;
