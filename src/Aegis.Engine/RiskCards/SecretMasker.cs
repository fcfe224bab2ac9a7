using Aegis.Analyzers.Infrastructure;

namespace Aegis.Engine.RiskCards;

/// <summary>
/// Replaces secrets with <c>[secret kind len=N prefix=abcd…]</c>: the literal values of AEG002 incidents, and any
/// text matching a known token format. Every string the engine writes goes through one of these. The masking itself is
/// the analyzer assembly's <see cref="SecretMasking"/>, so a suppressor in the IDE masks evidence exactly as a card does.
/// </summary>
public sealed class SecretMasker
{
    private readonly SecretMasking masking;

    public SecretMasker(IEnumerable<string> literals)
    {
        masking = new SecretMasking(literals);
    }

    public static SecretMasker None { get; } = new(Array.Empty<string>());

    public IReadOnlyList<string> Literals => masking.Literals;

    public static string MaskValue(string kind, string value) => SecretMasking.MaskValue(kind, value);

    public string Mask(string? text) => masking.Mask(text);

    /// <summary>The kinds of known-format secrets in <paramref name="text"/> (for diff analysis), masked.</summary>
    public IEnumerable<string> Find(string text) => masking.Find(text);
}
