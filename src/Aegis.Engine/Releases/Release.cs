using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>A release as its transitions make it: the current state and weight are those of the last one.</summary>
public sealed class Release
{
    public const string Schema = "aegis.release/v1";

    public Release(string id, IReadOnlyList<ReleaseTransition> transitions)
    {
        Id = id;
        Transitions = transitions;
        Definition = transitions[0].Definition!;
    }

    public string Id { get; }

    public IReadOnlyList<ReleaseTransition> Transitions { get; }

    public ReleaseDefinition Definition { get; }

    public string Name => Definition.Name;

    public ReleaseTransition Last => Transitions[^1];

    public string State => Last.To;

    public int Weight => Last.Weight;

    public int Sequence => Last.Sequence;

    public bool IsOpen => ReleaseStates.IsOpen(State);

    /// <summary>Whether the flag serves anyone: only while rolling out (canary to full).</summary>
    public bool FlagEnabled => ReleaseStates.Stages.Contains(State);

    public FeatureFlagSetting Flag => new(Name, FlagEnabled, FlagEnabled ? Weight : 0);

    /// <summary>The summary <c>release.json</c> holds and <c>show --json</c> prints; <paramref name="exports"/> maps export to path.</summary>
    public string ToJson(IReadOnlyDictionary<string, string> exports)
    {
        var json = new JsonText();
        WriteTo(json, exports);
        return json.ToString();
    }

    public void WriteTo(JsonText json, IReadOnlyDictionary<string, string> exports)
    {
        json.BeginObject()
            .Property("schema", Schema)
            .Property("id", Id)
            .Property("name", Name)
            .Property("state", State)
            .Property("weight", Weight)
            .Property("open", IsOpen)
            .Property("sequence", Sequence)
            .Property("created_at", Transitions[0].At)
            .Property("updated_at", Last.At)
            .Property("forced", Definition.Forced)
            .Property("force_note", Definition.ForceNote)
            .Name("card");
        Definition.Card.WriteTo(json);
        json.Name("next_actions").BeginArray();
        foreach (var action in ReleaseStates.LegalFrom(State))
        {
            json.String(action);
        }

        json.EndArray().Name("exports").BeginObject();
        foreach (var (export, path) in exports)
        {
            json.Property(export, path);
        }

        json.EndObject().Name("transitions").BeginArray();
        foreach (var transition in Transitions)
        {
            json.BeginObject()
                .Property("sequence", transition.Sequence)
                .Property("action", transition.Action)
                .Property("from", transition.From)
                .Property("to", transition.To)
                .Property("weight", transition.Weight)
                .Property("actor", transition.Actor)
                .Property("reason", transition.Reason)
                .Property("at", transition.At)
                .EndObject();
        }

        json.EndArray().EndObject();
    }
}
