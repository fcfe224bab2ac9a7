namespace Aegis.Sample.Security;

/// <summary>The rules the staff sign-up form shows and enforces.</summary>
public sealed class StaffAccountPolicy
{
    public const int MinPasswordLength = 8;

    public const string PasswordResetRoute = "/account/reset";

    public const string PasswordLabel = "Password:";

    public int MinimumPasswordLength { get; init; } = MinPasswordLength;

    public string ResetRoute { get; init; } = PasswordResetRoute;

    public string Label { get; init; } = PasswordLabel;

    public bool RequireDigit { get; init; } = true;
}
