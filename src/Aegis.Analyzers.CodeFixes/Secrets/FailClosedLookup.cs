using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.CodeFixes.Secrets;

/// <summary>
/// The lookup text that takes a secret's place. It fails closed: a missing value throws an
/// <c>InvalidOperationException</c> naming the key where it is read. An empty or default fallback would be accepted by
/// the code that checks or signs with the secret (an empty <c>X-Api-Key</c> header equals an empty key; HMAC takes an
/// empty key), so a missing setting would open the door the constant kept shut.
/// </summary>
internal static class FailClosedLookup
{
    /// <param name="environment">How <c>System.Environment</c> is written at the spot.</param>
    /// <param name="exception">How <c>System.InvalidOperationException</c> is written at the spot.</param>
    public static string Environment(string environment, string exception, string variable)
        => environment + ".GetEnvironmentVariable(" + Literal(variable) + ")" + Throw(exception, "Environment variable '" + variable + "' is not set.");

    /// <param name="nullable">The member is declared <c>IConfiguration?</c>: read it with <c>?[</c>.</param>
    public static string Configuration(string member, bool nullable, string exception, string key)
        => member + (nullable ? "?[" : "[") + Literal(key) + "]" + Throw(exception, "Configuration value '" + key + "' is not set.");

    private static string Throw(string exception, string message) => " ?? throw new " + exception + "(" + Literal(message) + ")";

    private static string Literal(string text) => SyntaxFactory.Literal(text).Text;
}
