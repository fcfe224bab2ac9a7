namespace Aegis.Engine.Snapshots;

/// <summary>A new incident a person took into the baseline (<c>aegis baseline update --accept-new --by --why</c>).</summary>
public sealed record AcceptedIncident(string Fingerprint, string By, string Why, string At);
