using Aegis.Engine.Events;
using Aegis.Engine.Infrastructure;

namespace Aegis.Events.Tests;

/// <summary>The event model: each kind read with its defaults, each kind of bad input refused with its one code.</summary>
public sealed class EventParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private static readonly System.Text.Json.JsonDocument Schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniSchema.RepositoryRoot(), "docs", "event.schema.json")));

    [Theory]
    [InlineData("""{"id":"s1","kind":"scan"}""", "scan")]
    [InlineData("""{"id":"s2","kind":"scan","payload":{"target":"src/App"}}""", "scan")]
    [InlineData("""{"id":"p1","kind":"push","files":["src/A/Repo.cs"],"ref":"refs/heads/main"}""", "push")]
    [InlineData("""{"id":"pr1","kind":"propose","payload":{"file":"src/A.cs","content":"class A {}","intent":"add A"}}""", "propose")]
    [InlineData("""{"id":"pr2","kind":"propose","payload":{"action":{"file":"src/A.cs","patch":"--- a\n+++ b\n","intent":"x"}}}""", "propose")]
    [InlineData("""{"id":"a1","kind":"alert","payload":{"endpoint":"GET /api/orders/42","message":"sqli"}}""", "alert")]
    [InlineData("""{"id":"a2","kind":"alert","payload":{"sarif":{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[]}]}}}""", "alert")]
    [InlineData("""{"id":"v1","kind":"advisory","payload":{"package":"Newtonsoft.Json","vulnerable_range":"<13.0.1","fixed_version":"13.0.1"}}""", "advisory")]
    public void Detect_EachKind_IsRead(string json, string kind)
    {
        var parsed = EventParser.Parse(json, "e.json", "cli", () => Now);
        Assert.Empty(MiniSchema.Validate(Schema.RootElement, System.Text.Json.JsonDocument.Parse(json).RootElement));

        Assert.Equal(kind, parsed.Kind);
        Assert.Equal("cli", parsed.Source);
        Assert.Equal(Now, parsed.ReceivedAt);
    }

    [Fact]
    public void Safe_Defaults_AnIdIsGenerated_TheEventsOwnTimeAndSourceKept()
    {
        var generated = EventParser.Parse("""{"kind":"scan"}""", clock: () => Now);
        Assert.Matches("^evt_[0-9a-f]{32}$", generated.Id);
        Assert.Empty(generated.Files);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, generated.Payload.ValueKind);

        var own = EventParser.Parse("""{"id":"x","kind":"scan","source":"github","received_at":"2025-05-01T10:00:00Z","repository":"acme/shop","ref":"refs/heads/main"}""", clock: () => Now);
        Assert.Equal(new DateTimeOffset(2025, 5, 1, 10, 0, 0, TimeSpan.Zero), own.ReceivedAt);
        Assert.Equal("github", own.Source);
        Assert.Equal("acme/shop", own.Repository);
        Assert.Equal("refs/heads/main", own.Ref);
    }

    [Fact]
    public void Push_WithoutFiles_TakesTheFilesAGitHubPushPayloadsCommitsTouch()
    {
        var parsed = EventParser.Parse("""
            {"kind":"push","source":"github","payload":{"ref":"refs/heads/main","commits":[
              {"added":["src/A/New.cs"],"modified":["src/A/Repo.cs"],"removed":[]},
              {"added":[],"modified":["src/A/Repo.cs","./README.md"],"removed":["src/B/Old.cs"]}]}}
            """);

        Assert.Equal(new[] { "src/A/New.cs", "src/A/Repo.cs", "README.md", "src/B/Old.cs" }, parsed.Files);
    }

    [Theory]
    [InlineData("{ not json", "AEGB075", false)]
    [InlineData("[]", "AEGB075", false)]
    [InlineData("\"scan\"", "AEGB075", false)]
    [InlineData("""{"id":"x"}""", "AEGB076", true)]
    [InlineData("""{"kind":"deploy"}""", "AEGB076", true)]
    [InlineData("""{"kind":"scan","id":"../../etc/passwd"}""", "AEGB076", true)]
    [InlineData("""{"kind":"scan","id":"has space"}""", "AEGB076", true)]
    [InlineData("""{"kind":"scan","received_at":"yesterday"}""", "AEGB076", false)]
    [InlineData("""{"kind":"scan","paylod":{}}""", "AEGB076", true)]
    [InlineData("""{"kind":"scan","payload":[1]}""", "AEGB076", true)]
    [InlineData("""{"kind":"push","files":"src/A.cs"}""", "AEGB076", true)]
    [InlineData("""{"kind":"push","files":["/etc/passwd"]}""", "AEGB076", true)]
    [InlineData("""{"kind":"push","files":["src/../../outside.cs"]}""", "AEGB076", true)]
    [InlineData("""{"kind":"push","files":["C:\\Windows\\x.cs"]}""", "AEGB076", true)]
    [InlineData("""{"kind":"push","files":[]}""", "AEGB077", false)]
    [InlineData("""{"kind":"scan","payload":{"target":"../elsewhere"}}""", "AEGB077", false)]
    [InlineData("""{"kind":"propose","payload":{"file":"src/A.cs","intent":"nothing"}}""", "AEGB077", false)]
    [InlineData("""{"kind":"propose","payload":{}}""", "AEGB077", false)]
    [InlineData("""{"kind":"alert","payload":{"message":"no place"}}""", "AEGB077", false)]
    [InlineData("""{"kind":"alert","payload":{"sarif":{"runs":"none"}}}""", "AEGB077", true)]
    [InlineData("""{"kind":"alert","payload":{"endpoint":"GET /x","severity":"URGENT"}}""", "AEGB077", true)]
    [InlineData("""{"kind":"advisory","payload":{"package":"Newtonsoft.Json","vulnerable_range":"<13.0.1"}}""", "AEGB077", false)]
    [InlineData("""{"kind":"advisory","payload":{"package":"Bad\"Id","fixed_version":"1.0.0"}}""", "AEGB077", true)]
    [InlineData("""{"kind":"advisory","payload":{"package":1,"fixed_version":"1.0.0"}}""", "AEGB077", true)]
    public void Malformed_OneCodedError_NamingWhereItCameFrom(string json, string code, bool schemaRefusesItToo)
    {
        // The documented schema refuses what the parser refuses, bar what it cannot say (text that is not an object,
        // a time's format, a push's files, what each kind requires of its payload).
        if (schemaRefusesItToo)
        {
            Assert.NotEmpty(MiniSchema.Validate(Schema.RootElement, System.Text.Json.JsonDocument.Parse(json).RootElement));
        }

        var error = Assert.Throws<AegisException>(() => EventParser.Parse(json, "inbox/events/bad.json"));

        Assert.Equal(code, error.Code);
        Assert.StartsWith("inbox/events/bad.json: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_TooLarge_RefusedBeforeParsing()
    {
        var huge = "{\"kind\":\"scan\",\"payload\":{\"x\":\"" + new string('a', EventParser.MaxEventBytes) + "\"}}";
        Assert.Equal(ErrorCodes.EventMalformed, Assert.Throws<AegisException>(() => EventParser.Parse(huge)).Code);
    }

    [Fact]
    public void Queue_EachElementOnItsOwn_ABadOneDoesNotHideTheRest()
    {
        var queue = EventParser.ParseQueue("""[{"id":"a","kind":"scan"}, {"kind":"nope"}, 3, {"id":"b","kind":"scan"}]""", "queue.json");

        Assert.Equal(new[] { "queue.json[0]", "queue.json[1]", "queue.json[2]", "queue.json[3]" }, queue.Select(q => q.Origin));
        Assert.Equal((null, null), (queue[1].Id, queue[1].Kind));
        Assert.Equal("a", queue[0].Event!.Id);
        Assert.Equal(ErrorCodes.EventInvalid, queue[1].Error!.Code);
        Assert.Equal(ErrorCodes.EventMalformed, queue[2].Error!.Code);
        Assert.Equal("b", queue[3].Event!.Id);
        Assert.Equal(ErrorCodes.EventMalformed, Assert.Throws<AegisException>(() => EventParser.ParseQueue("""{"kind":"scan"}""", "queue.json")).Code);
    }

    [Fact]
    public void Result_RoundTrips_ThroughItsJson()
    {
        var e = EventParser.Parse("""{"id":"a1","kind":"alert","source":"waf","files":["src/A.cs"],"payload":{"endpoint":"GET /x"}}""", clock: () => Now);
        var result = new EventResult("res_1", "a1", "alert", EventStatuses.Processed, "/r/card.json", "req_1", "blocked", "needs_human_review", null, "Blocked.", null, "a.json", Now)
        {
            Event = EventSummary.Of(e),
            Correlated = new[] { "abc" },
        };

        var back = EventResult.Parse(result.ToJson());

        Assert.Equal(result.ToJson(), back.ToJson());
        Assert.Equal(new[] { "src/A.cs" }, back.Event!.Files);
    }
}
