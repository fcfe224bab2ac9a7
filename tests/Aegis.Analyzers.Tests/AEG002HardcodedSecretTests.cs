using Aegis.Analyzers.Secrets;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Tests;

[Trait("Rule", "AEG002")]
public sealed class AEG002HardcodedSecretTests
{
    public static TheoryData<string, string> TokenFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var (kind, token) in AEG002FakeSecrets.Formats())
        {
            data.Add(kind, token);
        }

        return data;
    }

    private static AnalyzerTest Test(string markup) => AnalyzerTest.For<HardcodedSecretAnalyzer>().WithSource(markup);

    // ---- Known token formats, anywhere ----

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(TokenFormats))]
    public async Task Detect_KnownTokenFormat_InAnyStringLiteral(string kind, string token)
    {
        await Test($$"""
            class C
            {
                void M() { Use([|"{{token}}"|]); }
                static void Use(string value) { }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, kind)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.SecretAbsent)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(TokenFormats))]
    public async Task Detect_KnownTokenFormat_MessageNeverContainsTheSecret(string kind, string token)
    {
        var diagnostics = await Test($$"""
            class C
            {
                private const string Value = [|"{{token}}"|];
            }
            """).ValidateAsync();

        var message = diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(token, message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Substring(4), message, StringComparison.Ordinal);
        Assert.Contains(token.Length + " characters, starts '" + token.Substring(0, 4) + "'", message, StringComparison.Ordinal);
        Assert.All(diagnostics[0].Properties.Values, value => Assert.DoesNotContain(token, value ?? string.Empty, StringComparison.Ordinal));
        Assert.Equal(kind, diagnostics[0].Properties[DiagnosticPropertyNames.SecretKind]);
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_KnownTokenFormat_InsideInterpolatedString()
    {
        var token = "ghp_" + AEG002FakeSecrets.Random(100, 36);
        await Test($$"""
            class C
            {
                string M(string repo) => $"https://{{token}}@github.com/{repo}";
            }
            """.Replace($"https://{token}@github.com/", "[|https://" + token + "@github.com/|]", StringComparison.Ordinal))
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "github-token")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HighSeverity_ForLiveFormats_MediumForTestKeys()
    {
        await Test($$"""
            class C
            {
                private const string Live = [|"sk_live_{{AEG002FakeSecrets.Random(101, 24)}}"|];
                private const string TestKey = [|"sk_test_{{AEG002FakeSecrets.Random(102, 24)}}"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(1, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("RSA ")]
    [InlineData("EC ")]
    [InlineData("OPENSSH ")]
    [InlineData("ENCRYPTED ")]
    [InlineData("")]
    public async Task Detect_PemPrivateKey(string flavour)
    {
        var body = AEG002FakeSecrets.Random(103, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        await Test($$"""
            class C
            {
                private const string Pem = [|"-----BEGIN {{flavour}}PRIVATE KEY-----\n{{body}}\n-----END {{flavour}}PRIVATE KEY-----"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "private-key")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_AwsSecretAccessKey_InAwsNamedMember()
    {
        await Test($$"""
            class C
            {
                private string awsSecretAccessKey = [|"{{AEG002FakeSecrets.AwsSecretKey}}"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "aws-secret-access-key")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_AzureStorageKey_InKeyNamedMember()
    {
        await Test($$"""
            class C
            {
                private string storageAccountKey = [|"{{AEG002FakeSecrets.AzureStorageKey}}"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "azure-storage-key")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ValidateAsync();
    }

    // ---- Secret contexts ----

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Field()
    {
        await Test("""
            class PaymentGateway
            {
                private readonly string _apiKey = [|"q8Zr2LmX4vTn9KpW"|];
            }
            """)
            .ExpectMessage(0, "Hard-coded API key in field '_apiKey' (16 characters, starts 'q8Zr'); read it from configuration or the environment")
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "api-key")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.85")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "PaymentGateway:ApiKey")
            .ExpectProperty(0, DiagnosticPropertyNames.EnvironmentVariable, "PAYMENT_GATEWAY_API_KEY")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PropertyInitializer()
    {
        await Test("""
            public class OAuthSettings
            {
                public string ClientSecret { get; set; } = [|"h7Kq2pLx9VzR4mTw8NcY"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "client-secret")
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "OAuth:ClientSecret")
            .ExpectProperty(0, DiagnosticPropertyNames.EnvironmentVariable, "OAUTH_CLIENT_SECRET")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ExpressionBodiedProperty()
    {
        await Test("""
            public class Sender
            {
                public string WebhookToken => [|"Zt4Wq9Lm2Xp7Kc3R"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "token")
            .ExpectProperty(0, DiagnosticPropertyNames.EnvironmentVariable, "WEBHOOK_TOKEN")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Local_ShortSecretHasNoPrefix()
    {
        await Test("""
            class C
            {
                void M()
                {
                    var password = [|"Tr0ub4dor&3"|];
                    System.Console.WriteLine(password.Length);
                }
            }
            """)
            .ExpectMessage(0, "Hard-coded password in local 'password' (11 characters); read it from configuration or the environment")
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "password")
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "C:Password")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ArgumentForSecretNamedParameter()
    {
        await Test("""
            class C
            {
                void M() { Login("admin", [|"S3cr3t!Pass"|]); }
                void Login(string user, string password) { }
            }
            """)
            .ExpectMessage(0, "Hard-coded password in argument 'password' of Login (11 characters); read it from configuration or the environment")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Assignment()
    {
        await Test("""
            class DbOptions { public string Password { get; set; } = ""; }
            class C
            {
                void M(DbOptions options) { options.Password = [|"Xk9mP2vLq7"|]; }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "password")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.70")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_NetworkCredential()
    {
        await Test("""
            using System.Net;
            class C
            {
                ICredentials M() => new NetworkCredential("svc-backup", [|"Xk9#mP2$vL"|]);
            }
            """)
            .ExpectMessage(0, "Hard-coded password in argument 'password' of NetworkCredential (10 characters); read it from configuration or the environment")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ObjectInitializerOfCredentialType()
    {
        await Test("""
            using System.Net;
            class C
            {
                ICredentials M() => new NetworkCredential { UserName = "svc", Password = [|"Xk9#mP2$vL"|] };
            }
            """)
            .ExpectMessage(0, "Hard-coded password in property 'Password' (10 characters); read it from configuration or the environment")
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("Server=db;Database=orders;User Id=app;Password=Xk9mP2vLq7;", "connection-string-password", "DbPassword")]
    [InlineData("Host=db;Username=app;Pwd=Xk9mP2vLq7", "connection-string-password", "DbPassword")]
    [InlineData("Server=db;Password='Xk9m;P2vLq7'", "connection-string-password", "DbPassword")]
    [InlineData("Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=Zt4Wq9Lm2Xp7Kc3RbH5n", "connection-string-shared-access-key", "DbSharedAccessKey")]
    public async Task Detect_ConnectionString(string connectionString, string kind, string lookupName)
    {
        await Test($$"""
            class OrderRepository
            {
                private string _db = [|"{{connectionString}}"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, kind)
            // The fix takes only the secret out, so the lookup is named after that part, not the whole string.
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "Order:" + lookupName)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConnectionString_AccountKey()
    {
        await Test($$"""
            class C
            {
                void M() { Use([|"DefaultEndpointsProtocol=https;AccountName=orders;AccountKey={{AEG002FakeSecrets.AzureStorageKey}};EndpointSuffix=core.windows.net"|]); }
                static void Use(string value) { }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "azure-storage-key")
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "C:Password")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConnectionString_ReportedOnceThoughItIsAlsoSecretNamed()
    {
        await Test("""
            class C
            {
                private const string DbPassword = "x";
                private string connectionString = [|"Server=db;Password=Xk9mP2vLq7"|];
            }
            """)
            .ExpectMessage(0, "Hard-coded connection string password in field 'connectionString' (10 characters); read it from configuration or the environment")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_BasicAuthentication_ConstantConcatenation()
    {
        await Test("""
            using System.Net.Http;
            class C
            {
                void M(HttpClient client) { client.DefaultRequestHeaders.Add("Authorization", [|"Basic " + "c3ZjOlhrOW1QMnZMcTd3"|]); }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "basic-auth-credentials")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_BasicAuthentication_HeaderValue()
    {
        await Test("""
            using System.Net.Http.Headers;
            class C
            {
                AuthenticationHeaderValue M() => new AuthenticationHeaderValue("Basic", [|"c3ZjOlhrOW1QMnZM"|]);
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "basic-auth-credentials")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_BearerToken_HeaderValue()
    {
        await Test("""
            using System.Net.Http.Headers;
            class C
            {
                AuthenticationHeaderValue M() => new AuthenticationHeaderValue("Bearer", [|"opaQ9tokenZx2Lm7Wq4"|]);
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "bearer-token")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_BearerJwt_ReportedAsTheMoreSpecificJwt()
    {
        var jwt = AEG002FakeSecrets.Formats().Single(f => f.Kind == "jwt").Token;
        await Test($$"""
            using System.Net.Http;
            class C
            {
                void M(HttpClient client) { client.DefaultRequestHeaders.Add("Authorization", [|"Bearer {{jwt}}"|]); }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "jwt")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_BearerLiteral()
    {
        await Test("""
            class C
            {
                private const string Header = [|"Bearer 9f8Kq2Lx7Vz3Rm4T"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "bearer-token")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ByteArrayKey()
    {
        await Test("""
            class TokenIssuer
            {
                private static readonly byte[] SigningKey = [|new byte[] { 0x3A, 0x91, 0x5C, 0x07, 0xE2, 0x4B, 0xD8, 0x16, 0x7F, 0xA0, 0x2D, 0xC9, 0x58, 0x33, 0xB4, 0x6E }|];
            }
            """)
            .ExpectMessage(0, "Hard-coded signing key bytes in field 'SigningKey' (16 bytes); read it from configuration or the environment")
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "signing-key")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ByteArrayKey_FromEncodingGetBytes()
    {
        await Test("""
            using System.Text;
            class TokenIssuer
            {
                private readonly byte[] _key = Encoding.UTF8.GetBytes([|"Zt4Wq9Lm2Xp7Kc3RbH5nVy8J"|]);
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "key")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ByteArrayKey_FromBase64String()
    {
        await Test("""
            using System;
            class Crypto
            {
                private static readonly byte[] EncryptionKey = Convert.FromBase64String([|"q3Lx9VzR4mTw8NcYh7Kq2pA="|]);
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "encryption-key")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConstantConcatenation_ReportedOnce()
    {
        await Test("""
            class C
            {
                private const string Password = [|"Xk9#" + "mP2$vLq" + "Wz4"|];
            }
            """)
            .ExpectMessage(0, "Hard-coded password in field 'Password' (14 characters, starts 'Xk9#'); read it from configuration or the environment")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_FallbackAfterConfigurationLookup()
    {
        await Test("""
            using Microsoft.Extensions.Configuration;
            class MailService(IConfiguration configuration)
            {
                public string SmtpPassword => configuration["Smtp:Password"] ?? [|"Xk9mP2vLq7Wz"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ConfigurationLookup)
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationMember, "configuration")
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "Mail:SmtpPassword")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_WeakKeyName_HighEntropyOnly()
    {
        await Test("""
            class C
            {
                private string webhookKey = [|"a8Kz3Lq9Xv2Mn7Pw4Rt6"|];
                private string lookupKey2 = "orders";
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "high-entropy")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.65")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HeaderValueNamedByItsKey()
    {
        await Test("""
            using System.Net.Http;
            class WeatherClient
            {
                void M(HttpClient client) { client.DefaultRequestHeaders.Add("X-Api-Key", [|"Zt4Wq9Lm2Xp7Kc3RbH5n"|]); }
            }
            """)
            .ExpectMessage(0, "Hard-coded API key in value for 'X-Api-Key' of Add (20 characters, starts 'Zt4W'); read it from configuration or the environment")
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "Weather:XApiKey")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_DictionaryValueNamedByItsKey()
    {
        await Test("""
            using System.Collections.Generic;
            class C
            {
                Dictionary<string, string> settings = new() { ["Smtp:Password"] = [|"Xk9mP2vLq7Wz"|] };
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "password")
            .ValidateAsync();
    }

    // ---- Properties ----

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Properties_ConfigurationLookup_WhenTypeHasIConfiguration()
    {
        await Test("""
            using Microsoft.Extensions.Configuration;
            public class StripeClient
            {
                private readonly IConfiguration _configuration;
                public StripeClient(IConfiguration configuration) => _configuration = configuration;
                public string ApiKey { get; } = [|"Zt4Wq9Lm2Xp7Kc3RbH5n"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.LookupStyle, "configuration")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ConfigurationLookup)
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationMember, "_configuration")
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "Stripe:ApiKey")
            .ExpectProperty(0, DiagnosticPropertyNames.EnvironmentVariable, "STRIPE_API_KEY")
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "api-key")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Properties_EnvironmentLookup_WithoutIConfiguration()
    {
        await Test("""
            public class GitHubService
            {
                public string GitHubToken { get; } = [|"Zt4Wq9Lm2Xp7Kc3RbH5n"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.LookupStyle, "environment")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.EnvironmentLookup)
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationMember, null)
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "GitHub:GitHubToken")
            .ExpectProperty(0, DiagnosticPropertyNames.EnvironmentVariable, "GITHUB_TOKEN")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Properties_NeedsHumanReview_InAttributeArgument()
    {
        await Test("""
            using System;
            class ApiKeyAttribute : Attribute { public ApiKeyAttribute(string apiKey) { } }
            [ApiKey([|"Zt4Wq9Lm2Xp7Kc3RbH5n"|])]
            class C { }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Properties_NeedsHumanReview_InDefaultParameterValue()
    {
        await Test("""
            class C
            {
                void Connect(string password = [|"Xk9mP2vLq7Wz"|]) { }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectMessage(0, "Hard-coded password in default value of parameter 'password' (12 characters, starts 'Xk9m'); read it from configuration or the environment")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_Properties_NeedsHumanReview_InCaseLabel()
    {
        var token = "ghp_" + AEG002FakeSecrets.Random(104, 36);
        await Test($$"""
            class C
            {
                bool M(string header)
                {
                    switch (header)
                    {
                        case [|"{{token}}"|]: return true;
                        default: return false;
                    }
                }
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ValidateAsync();
    }

    // ---- Not findings ----

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<your-api-key>")]
    [InlineData("${API_KEY}")]
    [InlineData("{{secret}}")]
    [InlineData("%SECRET%")]
    [InlineData("$(ApiKey)")]
    [InlineData("changeme")]
    [InlineData("change-me")]
    [InlineData("password")]
    [InlineData("secret")]
    [InlineData("xxxxxxxxxxxxxxxx")]
    [InlineData("****************")]
    [InlineData("your-api-key-here")]
    [InlineData("TODO")]
    [InlineData("REPLACE_ME")]
    [InlineData("dummy")]
    [InlineData("example")]
    [InlineData("placeholder-value")]
    public async Task Safe_Placeholder(string value)
    {
        await Test($$"""
            class C
            {
                private string ApiKey = "{{value}}";
                private string Password = "{{value}}";
                private string ConnectionString = "Server=db;Password={{value}}";
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_ConfigurationLookup()
    {
        await Test("""
            using Microsoft.Extensions.Configuration;
            class C(IConfiguration configuration)
            {
                public string? ApiKey => configuration["Stripe:ApiKey"];
                public string? Password => configuration.GetValue<string>("Db:Password");
                public string? ConnectionString => configuration.GetConnectionString("Default");
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_LookupKeys_AreNamesNotSecrets()
    {
        // Found by the benchmark's generated solution: keys with digits and mixed case look random to an entropy test.
        await Test("""
            using System;
            using System.Collections.Generic;
            using Microsoft.Extensions.Configuration;
            class C(IConfiguration configuration, Dictionary<string, string> cache)
            {
                public Uri Endpoint() => new(configuration["Warehouses:Endpoints:Email"] ?? "https://localhost/warehouses");
                public string? PagerDuty => configuration["PagerDuty573:ApiKey"];
                public int Limit() => configuration.GetValue("Tickets:Limits:Email", 100);
                public bool Cached() => cache.ContainsKey("QuarterlyRevenueReport2024Xq");
                public void Store(string value) => cache["UserProfilesByRegion7Kz"] = value;
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ByteArrayForAKeyParameter_StillCounts()
    {
        await Test("""
            using System.Security.Cryptography;
            class C
            {
                public HMACSHA256 Signer() => new HMACSHA256([|new byte[] { 0x4f, 0x9a, 0x13, 0xc2, 0x77, 0x08, 0xe5, 0x3b, 0xd1, 0x6e, 0x92, 0x2a, 0xb4, 0x5c, 0x0f, 0x81 }|]);
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_EnvironmentLookup()
    {
        await Test("""
            using System;
            class C
            {
                private readonly string? apiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY");
                private readonly string? password = Environment.GetEnvironmentVariable("DB_PASSWORD_SECRET_VALUE");
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_NonStringValueOnSecretNamedMember()
    {
        await Test("""
            class PasswordOptions
            {
                public int MinPasswordLength { get; set; } = 8;
                public bool RequireToken = true;
                public int PasswordExpiryDays = 90;
            }
            """).ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("PasswordResetRoute", "/reset")]
    [InlineData("PasswordPath", "/account/password")]
    [InlineData("TokenEndpoint", "https://login.example.org/oauth2/token")]
    [InlineData("PasswordLabel", "Password:")]
    [InlineData("PasswordPrompt", "Enter your password")]
    [InlineData("Password", "Enter your password")]
    [InlineData("Secret", "Password:")]
    [InlineData("TokenType", "Bearer")]
    [InlineData("AccessTokenName", "access_token")]
    [InlineData("ApiKey", "X-Api-Key")]
    [InlineData("ApiKeyConfigKey", "Stripe:ApiKey")]
    [InlineData("PasswordEnvVar", "DB_PASSWORD")]
    [InlineData("PasswordMismatch", "PasswordMismatch")]
    [InlineData("CsrfToken", "__RequestVerificationToken")]
    public async Task Safe_NonSecretValueOnSecretNamedMember(string name, string value)
    {
        await Test($$"""
            class C
            {
                public const string {{name}} = "{{value}}";
            }
            """).ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("KeyCode")]
    [InlineData("SortKey")]
    [InlineData("PrimaryKey")]
    [InlineData("CacheKey")]
    [InlineData("TokenType")]
    [InlineData("KeyboardLayout")]
    [InlineData("PublicKey")]
    [InlineData("PasswordHash")]
    [InlineData("KeyId")]
    [InlineData("CacheToken")]
    [InlineData("PublicApiKey")]
    [InlineData("CacheMasterKey")]
    public async Task Safe_FalseFriendNames(string name)
    {
        await Test($$"""
            class C
            {
                public string {{name}} = "Zt4Wq9Lm2Xp7Kc3RbH5n";
            }
            """).ValidateAsync();
    }

    // Words that name another kind of key (sort, primary, cache, code) turn only a bare key or token into something else:
    // a cache's password is a password, and a storage account's primary access key is a secret.
    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("CachePassword", "password")]
    [InlineData("RedisCachePassword", "password")]
    [InlineData("PrimaryPassword", "password")]
    [InlineData("CacheClientSecret", "client-secret")]
    [InlineData("PrimaryAccessKey", "access-key")]
    public async Task Detect_KeyFalseFriend_BesideAPasswordOrSecret(string name, string kind)
    {
        await Test($$"""
            class C
            {
                public string {{name}} = [|"Zt4Wq9Lm2Xp7Kc3RbH5n"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, kind)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("awsAccessKeyId", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("awsSecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("stripePublishableKey", "pk_live_51Hq8Zr2LmX4vTn9KpWz3Rb")]
    [InlineData("stripeKey", "pk_test_51Hq8Zr2LmX4vTn9KpWz3Rb")]
    [InlineData("storageKey", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")]
    [InlineData("connectionString", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")]
    [InlineData("connectionString", "UseDevelopmentStorage=true")]
    public async Task Safe_DocumentedPublicLookAlike(string name, string value)
    {
        await Test($$"""
            class C
            {
                private string {{name}} = "{{value}}";
            }
            """).ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("PUBLIC KEY")]
    [InlineData("RSA PUBLIC KEY")]
    [InlineData("CERTIFICATE")]
    public async Task Safe_PemPublicKeyAndCertificate(string label)
    {
        var body = AEG002FakeSecrets.Random(105, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        await Test($$"""
            class C
            {
                private const string Pem = "-----BEGIN {{label}}-----\n{{body}}\n-----END {{label}}-----";
            }
            """).ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("12345678")]
    [InlineData("abcdefghijkl")]
    [InlineData("fake-secret-value-1")]
    [InlineData("dummyPassword42")]
    [InlineData("MyExamplePassword9")]
    [InlineData("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("ghp_000000000000000000000000000000000000")]
    [InlineData("sk_live_aaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Safe_FakeTestData(string value)
    {
        await Test($$"""
            class C
            {
                private string password = "{{value}}";
                private string token = "{{value}}";
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_ShortValueBelowMinimumLength()
    {
        await Test("""
            class C
            {
                private string password = "Xk9#mP2";
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_OrdinaryStringsAndNames()
    {
        await Test("""
            using System.Collections.Generic;
            class C
            {
                private readonly Dictionary<string, string> map = new() { ["key"] = "Zt4Wq9Lm2Xp7Kc3RbH5n" };
                private string message = "Your password has been reset";
                private string greeting = "Zt4Wq9Lm2Xp7Kc3RbH5n";
                private byte[] buffer = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
                private byte[] iv = new byte[] { 0x3A, 0x91, 0x5C, 0x07, 0xE2, 0x4B, 0xD8, 0x16, 0x7F, 0xA0, 0x2D, 0xC9 };
                private byte[] key = new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            }
            """).ValidateAsync();
    }

    // ---- Options ----

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_EntropyThreshold_RaisedAboveTheValue()
    {
        await Test("""
            class C
            {
                private string webhookKey = "a8Kz3Lq9Xv2Mn7Pw4Rt6";
            }
            """)
            .WithEditorConfig("aegis.AEG002.entropy_threshold = 5.0")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_EntropyThreshold_RaisesConfidenceWhenLowered()
    {
        await Test("""
            class C
            {
                private string password = [|"Xk9mP2vLq7"|];
            }
            """)
            .WithEditorConfig("aegis.secret.entropy_threshold = 2.0")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.85")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_AdditionalPlaceholders()
    {
        await Test("""
            class C
            {
                private string password = "CompanyDefault1";
                private string connectionString = "Server=db;Password=LocalDevOnly2";
            }
            """)
            .WithEditorConfig("aegis.AEG002.additional_placeholders = CompanyDefault1|LocalDevOnly2")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_WithoutAdditionalPlaceholders()
    {
        await Test("""
            class C
            {
                private string password = [|"CompanyDefault1"|];
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_MinimumSecretLength_Raised()
    {
        await Test("""
            class C
            {
                private string password = "Xk9mP2vLq7";
            }
            """)
            .WithEditorConfig("aegis.AEG002.minimum_secret_length = 16")
            .ValidateAsync();
    }

    // ---- Robustness ----

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_BrokenCode_DoesNotThrow()
    {
        await Test("""
            class C
            {
                private string password = "Xk9mP2vLq7" +
                void M() { var token = Undefined("ghp_" + ; Login(, ); new NetworkCredential("u", ); }
                byte[] key = new byte[] { 0x3A, x, };
                string ApiKey => 
            }
            """)
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_TopLevelStatements()
    {
        await Test("""
            var apiKey = [|"Zt4Wq9Lm2Xp7Kc3RbH5n"|];
            System.Console.WriteLine(apiKey.Length);
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.ConfigurationKey, "ApiKey")
            .ExpectProperty(0, DiagnosticPropertyNames.EnvironmentVariable, "API_KEY")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_AuthorizationSchemeInAnyCase_InAnUnnamedPlace()
    {
        // The place names nothing ("Header" is no secret name): only the scheme in the text can lead to a finding.
        await Test("""
            class C
            {
                private const string Header = [|"  BEARER 9f8Kq2Lx7Vz3Rm4T"|];
                private const string Other = [|"Authorization: bAsIc dXNlcjpwYXNzd29yZA"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "bearer-token")
            .ExpectProperty(1, DiagnosticPropertyNames.SecretKind, "basic-auth-credentials")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_SchemeWordsInProse_InAnUnnamedPlace()
    {
        await Test("""
            class C
            {
                private const string Header = "the bearer of this basic table";
                private const string Other = "BASIC";
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SecretTermSplitAcrossTwoWords()
    {
        // "client" + "secret", "api" + "key", "signing" + "key": a term made of two adjacent words of the name.
        await Test("""
            class C
            {
                private const string Client_Secret = [|"Zt4Wq9Lm2Xp7Kc3RbH5n"|];
                private const string StripeApiKey = [|"Qx8Vn3Lp6Rt2Wm9KsJ4d"|];
                private const string JwtSigningKey = [|"Hb7Ty2Nc5Pq8Lz3XwM6f"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "client-secret")
            .ExpectProperty(1, DiagnosticPropertyNames.SecretKind, "api-key")
            .ExpectProperty(2, DiagnosticPropertyNames.SecretKind, "signing-key")
            .ValidateAsync();
    }
}
