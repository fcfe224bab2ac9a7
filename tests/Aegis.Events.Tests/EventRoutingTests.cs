using System.Text.Json;
using Aegis.Cli;
using Aegis.Engine.Containment;
using Aegis.Engine.Events;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Events.Tests;

/// <summary>Each kind reaches the engine path it names: push only the owning projects, propose the seatbelt, alert a
/// correlated card, advisory the containment planner (the plan <c>aegis contain --event</c> writes).</summary>
public sealed class EventRoutingTests
{
    private const string SqlRepository = """
        using System.Data.Common;

        public sealed class Repository
        {
            public void Find(DbConnection connection, string name)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT * FROM Users WHERE Name = '" + name + "'";
                command.ExecuteNonQuery();
            }
        }
        """;

    private const string CleanCode = "public sealed class Clean { public int Two() => 2; }\n";

    private static EventProcessor Processor(TempDirectory directory, List<(string, string)>? warnings = null)
        => new(new EventProcessorOptions
        {
            RepositoryRoot = directory.Path,
            Catalog = TestProjects.Catalog,
            Environment = _ => null,
            Warn = (code, message) => warnings?.Add((code, message)),
        });

    private static TempDirectory TwoProjects()
    {
        var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, ".git"));
        TestProjects.WriteBuiltProject(directory, "src/A/A.csproj", new Dictionary<string, string> { ["src/A/Repository.cs"] = SqlRepository });
        TestProjects.WriteBuiltProject(directory, "src/B/B.csproj", new Dictionary<string, string> { ["src/B/Clean.cs"] = CleanCode });
        return directory;
    }

    [Fact]
    public async Task Push_ScansOnlyTheProjectThatOwnsTheChangedFile()
    {
        using var directory = TwoProjects();

        var result = await Processor(directory).ProcessTextAsync("""{"id":"push-a","kind":"push","ref":"refs/heads/main","files":["src/A/Repository.cs","README.md"]}""", "push.json", "cli", default);

        Assert.Equal(EventStatuses.Processed, result.Status);
        Assert.Equal(new[] { "src/A/A.csproj" }, result.Projects);
        using var card = JsonDocument.Parse(File.ReadAllText(result.CardPath!));
        Assert.Equal("push", card.RootElement.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal("push-a", card.RootElement.GetProperty("action").GetProperty("event").GetString());
        Assert.Contains(card.RootElement.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("rule").GetString() == "AEG001");
        Assert.Equal(Path.Combine(directory.Path, ".aegis", "events", "push-a", "risk-card.json"), result.CardPath);
        Assert.Single(RiskHistory.List(directory.Path));
    }

    [Fact]
    public async Task Push_Safe_TheCleanProjectAlone_AndNothingForFilesNoProjectCompiles()
    {
        using var directory = TwoProjects();

        var clean = await Processor(directory).ProcessTextAsync("""{"id":"push-b","kind":"push","files":["src/B/Clean.cs"]}""", null, "cli", default);
        var docs = await Processor(directory).ProcessTextAsync("""{"id":"push-docs","kind":"push","files":["README.md","docs/x.md"]}""", null, "cli", default);

        Assert.Equal(new[] { "src/B/B.csproj" }, clean.Projects);
        using (var card = JsonDocument.Parse(File.ReadAllText(clean.CardPath!)))
        {
            Assert.Equal(0, card.RootElement.GetProperty("incidents").GetArrayLength());
            Assert.Equal("allow", card.RootElement.GetProperty("status").GetString());
        }

        Assert.Equal(EventStatuses.Skipped, docs.Status);
        Assert.Null(docs.CardPath);
        Assert.Contains("none of the changed files is C# source", docs.Message, StringComparison.Ordinal);
        Assert.Single(RiskHistory.List(directory.Path));
    }

    [Fact]
    public async Task Propose_TakesTheSeatbeltsPath_SameVerdictAsAegisPropose()
    {
        using var directory = new TempDirectory();
        var action = """{"file":".git/config","content":"[core]\n","intent":"cleanup"}""";
        var proposed = directory.Write("action.json", action);
        var exit = await AegisCommandLine.RunAsync(new[] { "propose", "--action", proposed, "--repository-root", directory.Path, "--sandbox", "none", "--json" }, new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog);

        var result = await Processor(directory).ProcessTextAsync("{\"id\":\"pr-1\",\"kind\":\"propose\",\"source\":\"agent\",\"payload\":" + action + "}", null, "cli", default);

        using var direct = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, ".aegis", "propose", "risk-card.json")));
        using var viaEvent = JsonDocument.Parse(File.ReadAllText(result.CardPath!));
        Assert.Equal(1, exit);
        Assert.Equal(direct.RootElement.GetProperty("status").GetString(), result.CardStatus);
        Assert.Equal("blocked", result.CardStatus);
        Assert.Equal(Checks(direct), Checks(viaEvent));
        Assert.Equal("propose", viaEvent.RootElement.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal("pr-1", viaEvent.RootElement.GetProperty("action").GetProperty("event").GetString());
        Assert.Equal("agent", viaEvent.RootElement.GetProperty("action").GetProperty("source").GetString());

        static List<string> Checks(JsonDocument card) => card.RootElement.GetProperty("checks").EnumerateArray().Where(c => !c[1].GetBoolean()).Select(c => c[0].GetString()!).Where(c => c != "sandbox").ToList();
    }

    [Fact]
    public async Task Alert_SarifOnAFileAegisFlagged_IsCorrelated_AndBlocksWithACard()
    {
        using var directory = TwoProjects();
        await Processor(directory).ProcessTextAsync("""{"id":"scan-1","kind":"scan"}""", null, "cli", default);
        var own = OwnIncidents(directory).Single(i => i.Rule == "AEG001");

        var result = await Processor(directory).ProcessTextAsync(Sarif("al-1", "src/A/Repository.cs", 8), null, "cli", default);

        Assert.Equal(EventStatuses.Processed, result.Status);
        Assert.Equal(new[] { own.Fingerprint }, result.Correlated);
        Assert.Equal("blocked", result.CardStatus);
        Assert.Equal("needs_human_review", result.Recommendation);
        using var card = JsonDocument.Parse(File.ReadAllText(result.CardPath!));
        var incident = card.RootElement.GetProperty("incidents").EnumerateArray().Single();
        Assert.Equal("semgrep/csharp.sqli", incident.GetProperty("rule").GetString());
        Assert.Equal("src/A/Repository.cs", incident.GetProperty("file").GetString());
        Assert.Equal("HIGH", incident.GetProperty("severity").GetString());
        var correlation = card.RootElement.GetProperty("checks").EnumerateArray().Single(c => c[0].GetString() == "correlation");
        Assert.Contains("AEG001 src/A/Repository.cs", correlation[2].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_abcdefghij", File.ReadAllText(result.CardPath!), StringComparison.Ordinal);
        Assert.Contains("[secret github-token", incident.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_Safe_AnotherFile_IsNotCorrelated()
    {
        using var directory = TwoProjects();
        await Processor(directory).ProcessTextAsync("""{"id":"scan-1","kind":"scan"}""", null, "cli", default);

        var result = await Processor(directory).ProcessTextAsync(Sarif("al-2", "src/B/Clean.cs", 1), null, "cli", default);

        Assert.Empty(result.Correlated);
        using var card = JsonDocument.Parse(File.ReadAllText(result.CardPath!));
        var correlation = card.RootElement.GetProperty("checks").EnumerateArray().Single(c => c[0].GetString() == "correlation");
        Assert.True(correlation[1].GetBoolean());
    }

    [Theory]
    [InlineData("GET /api/orders/42", true)]
    [InlineData("/api/orders/42", true)]
    [InlineData("GET /API/Orders/7?x=1", true)]
    [InlineData("DELETE /api/orders/42", false)]
    [InlineData("GET /api/orders/abc", false)]
    [InlineData("GET /api/customers/42", false)]
    public async Task Alert_RuntimeAlertOnAConcretePath_MeetsTheRouteAegisFlagged(string endpoint, bool correlated)
    {
        using var directory = new TempDirectory();
        // A card Aegis recorded earlier: AEG001 on GET /api/orders/{id:int}.
        var earlier = new RiskCard
        {
            Ts = 1_700_000_000,
            RequestId = "req_earlier",
            Incidents = new()
            {
                new Aegis.Engine.Analysis.Incident { Rule = "AEG001", Family = "SQL", Severity = "HIGH", File = "src/Orders.cs", Line = 9, Endpoint = "GET /api/orders/{id:int}", Fingerprint = "f00d" },
            },
        };
        RiskScorer.Score(earlier);
        RiskHistory.Record(directory.Path, earlier, RiskCardJson.Write(earlier, SecretMasker.None));

        var result = await Processor(directory).ProcessTextAsync("{\"id\":\"rt-1\",\"kind\":\"alert\",\"source\":\"waf\",\"payload\":{\"endpoint\":\"" + endpoint + "\",\"message\":\"SQL injection attempt\"}}", null, "cli", default);

        Assert.Equal(correlated ? new[] { "f00d" } : Array.Empty<string>(), result.Correlated);
        Assert.Equal("blocked", result.CardStatus);
    }

    [Fact]
    public async Task Alert_SarifWithoutResults_IsSkipped_NoCard()
    {
        using var directory = new TempDirectory();

        var result = await Processor(directory).ProcessTextAsync("""{"id":"empty","kind":"alert","payload":{"sarif":{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}}}""", null, "cli", default);

        Assert.Equal(EventStatuses.Skipped, result.Status);
        Assert.Empty(RiskHistory.List(directory.Path));
    }

    [Fact]
    public async Task Advisory_IsThePlanAegisContainWrites_ADependencyPin()
    {
        using var directory = new TempDirectory();
        directory.Write("Directory.Packages.props", "<Project><ItemGroup><PackageVersion Include=\"Newtonsoft.Json\" Version=\"12.0.1\" /></ItemGroup></Project>\n");
        const string Advisory = """{"id":"GHSA-5crp","kind":"advisory","source":"github-advisories","payload":{"package":"Newtonsoft.Json","vulnerable_range":"<13.0.1","fixed_version":"13.0.1"}}""";
        var eventFile = directory.Write("advisory.json", Advisory);

        var result = await Processor(directory).ProcessTextAsync(Advisory, eventFile, "cli", default);
        var contained = await AegisCommandLine.RunAsync(new[] { "contain", "--event", eventFile, "--repository-root", directory.Path, "--output", Path.Combine(directory.Path, "by-contain") }, new StringWriter(), new StringWriter(), _ => null, TestProjects.Catalog);

        Assert.Equal(0, contained);
        Assert.Equal(EventStatuses.Processed, result.Status);
        Assert.NotNull(result.PlanPath);
        var planDirectory = Path.GetDirectoryName(result.PlanPath)!;
        Assert.Equal(File.ReadAllText(Path.Combine(directory.Path, "by-contain", "plan.json")), File.ReadAllText(result.PlanPath!));
        var pins = Directory.GetFiles(planDirectory, "*.props", SearchOption.AllDirectories);
        Assert.Contains("Version=\"13.0.1\"", File.ReadAllText(Assert.Single(pins)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_AndEngineFailures_AreResultsWithOneCode_NeverExceptions()
    {
        using var directory = new TempDirectory();
        var processor = Processor(directory);

        var bad = await processor.ProcessTextAsync("""{"kind":"push","files":["../x.cs"]}""", "bad.json", "cli", default);
        var noProjects = await processor.ProcessTextAsync("""{"id":"scan-empty","kind":"scan"}""", null, "cli", default);

        Assert.Equal((EventStatuses.Failed, "AEGB076"), (bad.Status, bad.Error!.Code));
        Assert.Contains("bad.json", bad.Error.Message, StringComparison.Ordinal);
        Assert.Null(bad.EventId);
        Assert.Equal((EventStatuses.Failed, ErrorCodes.BadCompileInputs), (noProjects.Status, noProjects.Error!.Code));
        Assert.Equal("scan-empty", noProjects.EventId);
        // Both recorded: the event's own id names its result; input without one, the result's id.
        Assert.True(File.Exists(EventResults.PathFor(directory.Path, "scan-empty")));
        Assert.True(File.Exists(EventResults.PathFor(directory.Path, bad.Id)));
    }

    [Fact]
    public async Task ProcessEventQueue_ABadElementInTheMiddle_TheRestProcessedInOrder()
    {
        using var directory = new TempDirectory();
        var queue = directory.Write("queue.json", """
            [
              {"id":"q-1","kind":"alert","payload":{"endpoint":"GET /a","message":"one"}},
              {"id":"q-2","kind":"alert","payload":{"nothing":"here"}},
              {"id":"q-3","kind":"alert","payload":{"endpoint":"GET /c","message":"three"}}
            ]
            """);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "process-event-queue", queue, "--repository-root", directory.Path, "--json" }, stdout, stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(1, exit);
        using var output = JsonDocument.Parse(stdout.ToString());
        var results = output.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(new[] { "q-1", "q-2", "q-3" }, results.Select(r => r.GetProperty("event_id").GetString()));
        Assert.Equal(new[] { "processed", "failed", "processed" }, results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("AEGB077", results[1].GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("queue.json[1]", results[1].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, stderr.ToString().Split('\n').Count(l => l.StartsWith("aegis: error AEGB077: ", StringComparison.Ordinal)));
        Assert.Equal(2, RiskHistory.List(directory.Path).Count);
        Assert.Equal(3, Directory.GetFiles(EventResults.DirectoryFor(directory.Path)).Length);
    }

    [Fact]
    public async Task ProcessEvent_BadFile_ExitCode2_AndTheCodedErrorLine()
    {
        using var directory = new TempDirectory();
        var bad = directory.Write("event.json", "{\"kind\": \"scan\", ");
        var stderr = new StringWriter();

        var exit = await AegisCommandLine.RunAsync(new[] { "process-event", bad, "--repository-root", directory.Path }, new StringWriter(), stderr, _ => null, TestProjects.Catalog);

        Assert.Equal(2, exit);
        Assert.StartsWith("aegis: error AEGB075: " + bad + ": not JSON", stderr.ToString(), StringComparison.Ordinal);
    }

    private static string Sarif(string id, string file, int line) => """
        {"id":"ID","kind":"alert","source":"semgrep","payload":{"sarif":{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},
          "results":[{"ruleId":"csharp.sqli","level":"error","message":{"text":"SQL built from input; token ghp_abcdefghijklmnopqrstuvwxyz0123456789 seen"},
          "locations":[{"physicalLocation":{"artifactLocation":{"uri":"FILE"},"region":{"startLine":LINE}}}]}]}]}}}
        """.Replace("ID", id, StringComparison.Ordinal).Replace("FILE", file, StringComparison.Ordinal).Replace("LINE", line.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static IReadOnlyList<CardIncident> OwnIncidents(TempDirectory directory)
        => RiskHistory.List(directory.Path).SelectMany(r => ContainmentCard.Load(r).Incidents).ToList();
}
