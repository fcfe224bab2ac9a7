using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Aegis.Sample.Security;

public sealed class StaffKeyOptions : AuthenticationSchemeOptions
{
    /// <summary>The shared key staff tools send; from configuration ("Auth:StaffKey"). Empty disables staff access.</summary>
    public string? StaffKey { get; set; }
}

/// <summary>Back-office tools authenticate with a shared key in a header; a match signs the caller in as staff.</summary>
public sealed class StaffKeyAuthenticationHandler(IOptionsMonitor<StaffKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<StaffKeyOptions>(options, logger, encoder)
{
    public const string SchemeName = "StaffKey";

    public const string HeaderName = "X-Staff-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var presented) || string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = Options.StaffKey;
        if (string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented.ToString()), Encoding.UTF8.GetBytes(expected)))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid staff key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "staff"), new Claim(ClaimTypes.Role, "Staff")],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
