namespace Aegis.EndToEnd.Tests;

internal static class MSBuildArguments
{
    /// <summary>
    /// <c>-p:ErrorLog=path,version=2.1</c>: the compiler's SARIF 2.1 log. The comma is escaped (%2C) so MSBuild does not
    /// read it as a property separator.
    /// </summary>
    public static string ErrorLog(string sarifPath) => $"-p:ErrorLog={Escape(sarifPath)}%2Cversion=2.1";

    private static string Escape(string value)
        => value.Replace("%", "%25", StringComparison.Ordinal)
            .Replace(";", "%3B", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);
}
