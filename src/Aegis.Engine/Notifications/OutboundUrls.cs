using System.Net;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Notifications;

/// <summary>
/// The rule every outbound URL of the policy follows: absolute <c>https</c>, or plain <c>http</c> to a loopback host
/// (a local relay or test receiver), or plain <c>http</c> anywhere only with <c>allow_http: true</c>; never credentials
/// in the URL. Printed URLs show only scheme, host and port, since webhook paths often carry a token.
/// </summary>
public static class OutboundUrls
{
    /// <summary>Reads <paramref name="text"/> as an outbound URL, or throws AEGB005 (not a URL) / AEGB087 (refused).</summary>
    internal static Uri Parse(string? text, bool allowHttp, string field, string policyPath)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {policyPath}: '{field}' must be an absolute http(s) URL; fix or delete it (it is not overwritten)");
        }

        if (url.UserInfo.Length > 0)
        {
            throw new AegisException(ErrorCodes.OutboundPolicyRefused, $"{policyPath}: '{field}' carries credentials in the URL; use secret_env or api_key_env instead");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !allowHttp && !IsLoopback(url))
        {
            throw new AegisException(ErrorCodes.OutboundPolicyRefused, $"{policyPath}: '{field}' is plain http to {url.Host}, which is not loopback; use https, or set allow_http: true next to it");
        }

        return url;
    }

    public static bool IsLoopback(Uri url)
        => url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary><c>https://hooks.example.com:443/…</c>: what warnings and failure records show of a URL.</summary>
    public static string Display(Uri url)
        => url.Scheme + "://" + url.Authority + (url.AbsolutePath.Length > 1 || url.Query.Length > 0 ? "/…" : "/");
}
