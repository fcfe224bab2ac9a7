namespace Aegis.Engine.RiskCards;

/// <summary>
/// A coded warning of a step around writing a card that did not stop it (an AI explanation that fell back, a webhook
/// not delivered, the knowledge base or the history index not updated), for the front to print
/// (<c>aegis: warning AEGBnnn: …</c>); already masked.
/// </summary>
public sealed record CardWarning(string Code, string Message);
