namespace Aegis.Analyzers.Tests;

/// <summary>
/// Realistic-looking but fake secrets for AEG002 tests, generated from a fixed seed so no real (or even stable
/// looking) token is ever written into this repository.
/// </summary>
internal static class AEG002FakeSecrets
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Base64 = Alnum + "+/";
    private const string Base64Url = Alnum + "-_";
    private const string Digits = "0123456789";

    public static string Random(int seed, int length, string alphabet = Alnum)
    {
        var random = new System.Random(seed);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>One row per known format: the secret_kind slug and a fake value of that format.</summary>
    public static IEnumerable<(string Kind, string Token)> Formats()
    {
        yield return ("aws-access-key-id", "AKIA" + Random(1, 16, Upper));
        yield return ("aws-access-key-id", "ASIA" + Random(2, 16, Upper));
        yield return ("github-token", "ghp_" + Random(3, 36));
        yield return ("github-token", "gho_" + Random(4, 36));
        yield return ("github-token", "ghu_" + Random(5, 36));
        yield return ("github-token", "ghs_" + Random(6, 36));
        yield return ("github-token", "ghr_" + Random(7, 36));
        yield return ("github-token", "github_pat_" + Random(8, 22) + "_" + Random(9, 59));
        yield return ("stripe-secret-key", "sk_live_" + Random(10, 24));
        yield return ("stripe-restricted-key", "rk_live_" + Random(11, 32));
        yield return ("stripe-test-key", "sk_test_" + Random(12, 24));
        yield return ("stripe-test-key", "rk_test_" + Random(13, 28));
        yield return ("slack-token", "xoxb-" + Random(14, 12, Digits) + "-" + Random(15, 13, Digits) + "-" + Random(16, 24));
        yield return ("slack-token", "xoxp-" + Random(17, 12, Digits) + "-" + Random(18, 12, Digits) + "-" + Random(19, 32));
        yield return ("slack-token", "xoxa-" + Random(20, 10, Digits) + "-" + Random(21, 30));
        yield return ("slack-token", "xoxr-" + Random(22, 10, Digits) + "-" + Random(23, 30));
        yield return ("slack-token", "xoxs-" + Random(24, 10, Digits) + "-" + Random(25, 30));
        yield return ("slack-webhook", "https://hooks.slack.com/services/T" + Random(26, 10, Upper) + "/B" + Random(27, 10, Upper) + "/" + Random(28, 24));
        yield return ("sendgrid-api-key", "SG." + Random(29, 22, Base64Url) + "." + Random(30, 43, Base64Url));
        yield return ("google-api-key", "AIza" + Random(31, 35, Base64Url));
        yield return ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + Random(32, 60, Base64Url) + "." + Random(33, 43, Base64Url));
    }

    /// <summary>A fake 88-character Azure storage account key.</summary>
    public static string AzureStorageKey { get; } = Random(40, 86, Base64) + "==";

    /// <summary>A fake 40-character AWS secret access key.</summary>
    public static string AwsSecretKey { get; } = "Qz" + Random(41, 36, Base64) + "k9";
}
