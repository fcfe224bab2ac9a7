using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Aegis.Sample.Tests.Holes;

/// <summary>
/// The secrets the fixed sample reads from the environment, set for this whole test process before any test runs.
/// The names are the ones the AEG002 fix writes (docs/rules/AEG002.md: the member's words in UPPER_SNAKE, prefixed
/// with the type's stem when the member name is generic). The values are deliberately not secret-shaped.
/// </summary>
internal static class HoleEnvironment
{
    public const string StripeSecretKeyVariable = "STRIPE_PAYMENT_SECRET_KEY";
    public const string SigningKeyVariable = "REPORT_DOWNLOAD_TOKENS_SIGNING_KEY";
    public const string WarehousePasswordVariable = "WAREHOUSE_PASSWORD";
    public const string GitHubTokenVariable = "GITHUB_TOKEN";

    public const string StripeSecretKey = "stripe-key-from-the-environment";
    public const string SigningKey = "signing-key-from-the-environment";
    public const string WarehousePassword = "warehouse-password-from-the-environment";
    public const string GitHubToken = "github-token-from-the-environment";

    // The fixed app keeps the Stripe key and the signing key in static readonly fields, read once when their
    // type initializes; a module initializer is the only place guaranteed to run before any test touches them.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly: the environment must be set before the app's static fields initialize.")]
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable(StripeSecretKeyVariable, StripeSecretKey);
        Environment.SetEnvironmentVariable(SigningKeyVariable, SigningKey);
        Environment.SetEnvironmentVariable(WarehousePasswordVariable, WarehousePassword);
        Environment.SetEnvironmentVariable(GitHubTokenVariable, GitHubToken);
    }
}
