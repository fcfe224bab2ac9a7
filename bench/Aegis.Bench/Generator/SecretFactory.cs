using System.Text;

namespace Aegis.Bench.Generator;

/// <summary>
/// Fake credentials in the shapes AEG002 knows. Prefixes are assembled from pieces so that this source
/// file itself never contains a token a secret scanner would stop at; the values are random, never real.
/// </summary>
internal sealed class SecretFactory(Rng rng)
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const string Alnum = Upper + Lower + Digits;
    private const string Base32 = Upper + "234567";
    private const string Base64Url = Alnum + "-_";

    // Characters that are safe inside a regular C# string literal and an interpolation-free context.
    private const string PasswordChars = Alnum + "!#%*+-=?@^_~";

    public string Password() => rng.Chars(Upper, 1) + rng.Chars(PasswordChars, rng.Between(13, 20)) + rng.Chars(Digits, 2);

    public string AwsAccessKey() => "AK" + "IA" + rng.Chars(Base32, 16);

    public string GitHubToken() => "gh" + "p_" + rng.Chars(Alnum, 36);

    public string StripeKey() => "sk" + "_live_" + rng.Chars(Alnum, 24);

    public string SlackToken() => "xo" + "xb-" + rng.Chars(Digits, 11) + "-" + rng.Chars(Digits, 12) + "-" + rng.Chars(Alnum, 24);

    public string GoogleApiKey() => "AI" + "za" + rng.Chars(Base64Url, 35);

    public string Jwt()
    {
        var header = Base64UrlEncode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        var payload = Base64UrlEncode("{\"sub\":\"" + rng.Chars(Digits, 8) + "\",\"name\":\"svc-" + rng.Chars(Lower, 6) + "\",\"iat\":1700000000}");
        return header + "." + payload + "." + rng.Chars(Base64Url, 43);
    }

    /// <summary>A token in one of the known formats, chosen at random.</summary>
    public (string Kind, string Value) KnownToken()
    {
        return rng.Next(6) switch
        {
            0 => ("AwsAccessKey", AwsAccessKey()),
            1 => ("GitHubToken", GitHubToken()),
            2 => ("StripeKey", StripeKey()),
            3 => ("SlackToken", SlackToken()),
            4 => ("GoogleApiKey", GoogleApiKey()),
            _ => ("Jwt", Jwt()),
        };
    }

    private static string Base64UrlEncode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
