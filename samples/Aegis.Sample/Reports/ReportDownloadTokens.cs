using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Aegis.Sample.Reports;

/// <summary>Short-lived signed links (HS256 JWTs) so a report can be downloaded without the staff key.</summary>
public sealed class ReportDownloadTokens(TimeProvider clock)
{
    private const string SigningKey = "wwVvy4zPvb6qq4CjGKGrmCxjp5w8G1cPG3KLy2S4S1W8hSy9"; // planted: AEG002

    private sealed record Header(string alg, string typ);

    private sealed record Claims(string rpt, long exp);

    public string Issue(string report, TimeSpan lifetime)
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Header("HS256", "JWT")));
        var claims = Encode(JsonSerializer.SerializeToUtf8Bytes(new Claims(report, clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds())));
        return header + "." + claims + "." + Sign(header + "." + claims);
    }

    public bool TryValidate(string token, out string report)
    {
        report = "";
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2])))
        {
            return false;
        }

        var claims = JsonSerializer.Deserialize<Claims>(WebEncoders.Base64UrlDecode(parts[1]));
        if (claims is null || claims.exp < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        report = claims.rpt;
        return true;
    }

    private static string Sign(string content)
        => Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(content)));

    private static string Encode(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}
