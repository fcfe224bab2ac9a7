using Aegis.Analyzers.Authorization;

namespace Aegis.Analyzers.Tests;

/// <summary>The public-by-necessity table: whole words, and ambiguous words only in an authentication context.</summary>
[Trait("Rule", "AEG003")]
public sealed class AEG003PublicEndpointsTests
{
    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("LoginAsync", "/Account/Login", "Account", "login")]
    [InlineData("SignIn", "/signin", "Home", "login")]
    [InlineData("Post", "/api/auth/log-in", "Auth", "login")]
    [InlineData("SignUp", "/api/users", "Users", "registration")]
    [InlineData("Register", "/api/auth/register", "Auth", "registration")]
    [InlineData("Create", "/api/users/register", "Users", "registration")]
    [InlineData("RefreshToken", "/api/tokens/refresh-token", "Tokens", "token refresh")]
    [InlineData("Refresh", "/api/session/refresh", "Session", "token refresh")]
    [InlineData("Exchange", "/connect/token/exchange", "Connect", "token exchange")]
    [InlineData("Issue", "/connect/token", "Connect", "token issuance")]
    [InlineData("ForgotPassword", "/account/forgot-password", "Account", "password recovery")]
    [InlineData("ResetPasswordAsync", "/account/reset-password", "Account", "password recovery")]
    [InlineData("ExternalLoginCallback", "/account/external-login-callback", "Account", "external login callback")]
    [InlineData("OAuthCallback", "/oauth-callback", "Integrations", "external login callback")]
    [InlineData("Callback", "/api/oauth/callback", "OAuth", "external login callback")]
    [InlineData("Google", "/signin-google", "Home", "external login callback")]
    public void PublicByNecessity(string action, string route, string controller, string expected)
        => Assert.Equal(expected, Necessity(action, route, controller));

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("LoginHistory", "/api/users/login-history", "Users")]
    [InlineData("Register", "/api/devices/register", "Devices")]
    [InlineData("Refresh", "/api/cache/refresh", "Cache")]
    [InlineData("Callback", "/api/payments/callback", "Payments")]
    [InlineData("Exchange", "/api/currency/exchange", "Currency")]
    [InlineData("Signing", "/api/documents/signing", "Documents")]
    [InlineData("ResetPasswordPolicy", "/api/admin/reset-password-policy", "Admin")]
    [InlineData("List", "/api/tokens", "Tokens")]
    public void NotPublicByNecessity(string action, string route, string controller)
        => Assert.Null(Necessity(action, route, controller));

    [Theory]
    [InlineData("ExternalLoginCallbackAsync", "external login callback")]
    [InlineData("forgot-password", "forgot password")]
    [InlineData("signin_oidc", "signin oidc")]
    [InlineData("HTTPLogin", "http login")]
    [InlineData("Async", "async")]
    public void Words_SplitIdentifiersAndRouteSegments(string text, string expected)
        => Assert.Equal(expected, string.Join(" ", PublicEndpoints.Words(text)));

    private static string? Necessity(string action, string route, string controller)
    {
        var segments = PublicEndpoints.LiteralSegments(route);
        return PublicEndpoints.NecessityOf(new[] { action, segments.LastOrDefault() }, segments.Take(segments.Count - 1).Prepend(controller));
    }
}
