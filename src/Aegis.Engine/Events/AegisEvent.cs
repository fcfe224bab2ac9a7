using System.Text.Json;

namespace Aegis.Engine.Events;

/// <summary>
/// One orchestration event (DESIGN.md, "The control plane"): every signal — a scan request, a push, an AI helper's
/// proposed change, another scanner's alert, a package advisory — becomes one of these before the engine sees it.
/// Built only by <see cref="EventParser"/>, so every field has been checked.
/// </summary>
/// <param name="Id">Unique per event; safe as a file name (<c>[A-Za-z0-9][A-Za-z0-9._-]*</c>, at most 128 characters).</param>
/// <param name="Kind">One of <see cref="EventKinds.All"/>.</param>
/// <param name="Source">Who sent it (<c>cli</c>, <c>inbox</c>, <c>github</c>, a scanner's name…).</param>
/// <param name="ReceivedAt">When the intake took it (the event's own value when it carries one).</param>
/// <param name="Repository">The repository it is about, as the sender names it (informational).</param>
/// <param name="Ref">The git ref (informational).</param>
/// <param name="Files">Repository-relative paths with <c>/</c>, never absolute, never through <c>..</c>.</param>
/// <param name="Payload">The kind's own data (a JSON object; cloned, so it outlives the parsed document).</param>
public sealed record AegisEvent(string Id, string Kind, string Source, DateTimeOffset ReceivedAt, string? Repository, string? Ref, IReadOnlyList<string> Files, JsonElement Payload);

/// <summary>The event kinds the engine routes (<see cref="EventProcessor"/>).</summary>
public static class EventKinds
{
    /// <summary>Look at the repository: every project, incidents and a card.</summary>
    public const string Scan = "scan";

    /// <summary>These files changed: only the projects that own them are scanned.</summary>
    public const string Push = "push";

    /// <summary>An AI helper's change (the <c>propose</c> action): the seatbelt.</summary>
    public const string Propose = "propose";

    /// <summary>A finding from another scanner (SARIF) or a runtime alert on an endpoint.</summary>
    public const string Alert = "alert";

    /// <summary>A vulnerable package version: a containment follow-up (a dependency pin).</summary>
    public const string Advisory = "advisory";

    public static readonly IReadOnlyList<string> All = new[] { Scan, Push, Propose, Alert, Advisory };
}
