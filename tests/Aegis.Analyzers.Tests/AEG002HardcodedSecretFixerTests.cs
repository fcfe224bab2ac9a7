using System.Collections.Immutable;
using System.Text;
using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.CodeFixes.Secrets;
using Aegis.Analyzers.Secrets;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests;

[Trait("Rule", "AEG002")]
[Trait("Category", "Fix")]
public sealed class AEG002HardcodedSecretFixerTests
{
    private static readonly string ApiKey = AEG002FakeSecrets.Random(201, 24);
    private static readonly string Password = AEG002FakeSecrets.Random(202, 16);
    private static readonly string Token = "ghp_" + AEG002FakeSecrets.Random(203, 36);
    private static readonly string Other = AEG002FakeSecrets.Random(204, 20);

    private static AnalyzerTest Test(string source)
        => AnalyzerTest.For<HardcodedSecretAnalyzer>().WithCodeFix<HardcodedSecretCodeFixProvider>().WithSource(source);

    /// <summary>The expected text, after checking that none of the test's secrets survive in it.</summary>
    private static string Clean(string expected)
    {
        foreach (var secret in new[] { ApiKey, Password, Token, Other })
        {
            Assert.DoesNotContain(secret, expected, StringComparison.Ordinal);
        }

        return expected;
    }

    // ---- Environment lookup ----

    [Fact]
    public async Task Fix_Environment_Field_AddsUsingSystem()
    {
        await Test($$"""
                namespace Shop;

                class PaymentGateway
                {
                    private readonly string _apiKey = [|"{{ApiKey}}"|];
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.EnvironmentLookup)
            .ExpectFix(Clean("""
                using System;

                namespace Shop;

                class PaymentGateway
                {
                    private readonly string _apiKey = Environment.GetEnvironmentVariable("PAYMENT_GATEWAY_API_KEY") ?? throw new InvalidOperationException("Environment variable 'PAYMENT_GATEWAY_API_KEY' is not set.");
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_ConstField_BecomesStaticReadonly()
    {
        await Test($$"""
                using System.Net.Http;
                using System.Net.Http.Headers;

                public sealed class StripeClient(HttpClient http)
                {
                    private const string SecretKey = [|"sk_live_{{ApiKey}}"|]; // comment stays

                    public HttpRequestMessage Request()
                    {
                        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.stripe.com/v1/refunds");
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
                        _ = http;
                        return request;
                    }
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using System.Net.Http;
                using System.Net.Http.Headers;

                public sealed class StripeClient(HttpClient http)
                {
                    private static readonly string SecretKey = Environment.GetEnvironmentVariable("STRIPE_SECRET_KEY") ?? throw new InvalidOperationException("Environment variable 'STRIPE_SECRET_KEY' is not set."); // comment stays

                    public HttpRequestMessage Request()
                    {
                        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.stripe.com/v1/refunds");
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
                        _ = http;
                        return request;
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_Property_And_ExpressionBodiedProperty()
    {
        await Test($$"""
                using System;

                public class OAuthSettings
                {
                    public string ClientSecret { get; set; } = [|"{{ApiKey}}"|];

                    public string WebhookToken => [|"{{Other}}"|];
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.EnvironmentLookup)
            .ExpectFix(Clean("""
                using System;

                public class OAuthSettings
                {
                    public string ClientSecret { get; set; } = Environment.GetEnvironmentVariable("OAUTH_CLIENT_SECRET") ?? throw new InvalidOperationException("Environment variable 'OAUTH_CLIENT_SECRET' is not set.");

                    public string WebhookToken => Environment.GetEnvironmentVariable("WEBHOOK_TOKEN") ?? throw new InvalidOperationException("Environment variable 'WEBHOOK_TOKEN' is not set.");
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_Local_And_ConstLocal()
    {
        await Test($$"""
                using System;

                class Mailer
                {
                    string M()
                    {
                        var smtpPassword = [|"{{Password}}"|];
                        const string apiToken = [|"{{Other}}"|];
                        return smtpPassword + apiToken;
                    }
                }
                """)
            .ExpectFix(Clean("""
                using System;

                class Mailer
                {
                    string M()
                    {
                        var smtpPassword = Environment.GetEnvironmentVariable("SMTP_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'SMTP_PASSWORD' is not set.");
                        string apiToken = Environment.GetEnvironmentVariable("MAILER_API_TOKEN") ?? throw new InvalidOperationException("Environment variable 'MAILER_API_TOKEN' is not set.");
                        return smtpPassword + apiToken;
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_NetworkCredentialArgument()
    {
        await Test($$"""
                using System.Net;

                class MailSender
                {
                    NetworkCredential Credential() => new NetworkCredential("mailer", [|"{{Password}}"|]);
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using System.Net;

                class MailSender
                {
                    NetworkCredential Credential() => new NetworkCredential("mailer", Environment.GetEnvironmentVariable("MAIL_SENDER_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'MAIL_SENDER_PASSWORD' is not set."));
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_BearerHeaderArgument_InConstructor()
    {
        await Test($$"""
                using System.Net.Http;
                using System.Net.Http.Headers;

                public sealed class IssueReporter
                {
                    private readonly HttpClient _http;

                    public IssueReporter(HttpClient http)
                    {
                        _http = http;
                        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", [|"{{Token}}"|]); // planted
                    }
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using System.Net.Http;
                using System.Net.Http.Headers;

                public sealed class IssueReporter
                {
                    private readonly HttpClient _http;

                    public IssueReporter(HttpClient http)
                    {
                        _http = http;
                        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? throw new InvalidOperationException("Environment variable 'GITHUB_TOKEN' is not set.")); // planted
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_AuthorizationHeaderValue_KeepsTheScheme()
    {
        await Test($$"""
                using System;
                using System.Net.Http;

                class Api
                {
                    void Configure(HttpClient client) => client.DefaultRequestHeaders.Add("Authorization", [|"Bearer {{Other}}"|]);
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using System.Net.Http;

                class Api
                {
                    void Configure(HttpClient client) => client.DefaultRequestHeaders.Add("Authorization", "Bearer " + (Environment.GetEnvironmentVariable("AUTHORIZATION") ?? throw new InvalidOperationException("Environment variable 'AUTHORIZATION' is not set.")));
                }
                """))
            .ValidateAsync();
    }

    // ---- Connection strings: only the secret moves ----

    public static TheoryData<string, string> ConnectionStrings() => new()
    {
        {
            "\"Server=db;User Id=app;Password=" + Password + ";Encrypt=true\"",
            "\"Server=db;User Id=app;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? throw new InvalidOperationException(\"Environment variable 'REPORTING_DB_PASSWORD' is not set.\")) + \";Encrypt=true\""
        },
        {
            "@\"Server=.\\SQLEXPRESS;Password=" + Password + ";Encrypt=true\"",
            "@\"Server=.\\SQLEXPRESS;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? throw new InvalidOperationException(\"Environment variable 'REPORTING_DB_PASSWORD' is not set.\")) + @\";Encrypt=true\""
        },
        {
            "\"Server=.\\\\SQLEXPRESS;\\tUser Id=app;Password=" + Password + "\"",
            "\"Server=.\\\\SQLEXPRESS;\\tUser Id=app;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? throw new InvalidOperationException(\"Environment variable 'REPORTING_DB_PASSWORD' is not set.\"))"
        },
        {
            "\"Server=db;\" +\n            \"Password='" + Password + "';\" + Suffix",
            "\"Server=db;\" +\n            \"Password='\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? throw new InvalidOperationException(\"Environment variable 'REPORTING_DB_PASSWORD' is not set.\")) + \"';\" + Suffix"
        },
        {
            // Raw literals cannot be cut like that: the pieces become regular literals with the same value.
            "\"\"\"Server=db;Password=" + Password + ";Encrypt=true\"\"\"",
            "\"Server=db;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? throw new InvalidOperationException(\"Environment variable 'REPORTING_DB_PASSWORD' is not set.\")) + \";Encrypt=true\""
        },
    };

    [Theory]
    [MemberData(nameof(ConnectionStrings))]
    public async Task Fix_Environment_ConnectionString_KeepsTheRestByteIdentical(string literal, string fixedExpression)
    {
        await Test($$"""
                using System;

                class ReportingDb
                {
                    private const string Suffix = "Encrypt=true";

                    public string Connect() => Open([|{{literal}}|]);

                    private static string Open(string connectionString) => connectionString;
                }
                """)
            .ExpectFix(Clean($$"""
                using System;

                class ReportingDb
                {
                    private const string Suffix = "Encrypt=true";

                    public string Connect() => Open({{fixedExpression}});

                    private static string Open(string connectionString) => connectionString;
                }
                """))
            // The fix splices `"Password='" + (…) + "';"` into a `+` chain as one operand: the text is right (string
            // concatenation is associative) but the tree is not the one the text parses to, which the framework reports.
            .WithCodeActionValidation(literal.Contains(" +", StringComparison.Ordinal) ? CodeActionValidationMode.None : CodeActionValidationMode.SemanticStructure)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_ConnectionStringProperty_LikeTheSample()
    {
        await Test($$"""
                namespace Aegis.Sample.Reports;

                public sealed class ReportingOptions
                {
                    public string WarehouseConnectionString { get; set; } = [|"Server=reporting-db.internal;Database=ShopReports;User Id=report_writer;Password={{Password}};"|]; // planted: AEG002

                    public int ExportHour { get; set; } = 2;
                }
                """)
            .WithWebImplicitUsings()
            .ExpectFix(Clean("""
                namespace Aegis.Sample.Reports;

                public sealed class ReportingOptions
                {
                    public string WarehouseConnectionString { get; set; } = "Server=reporting-db.internal;Database=ShopReports;User Id=report_writer;Password=" + (Environment.GetEnvironmentVariable("WAREHOUSE_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'WAREHOUSE_PASSWORD' is not set.")) + ";"; // planted: AEG002

                    public int ExportHour { get; set; } = 2;
                }
                """))
            .ValidateAsync();
    }

    // ---- Byte-array keys ----

    [Fact]
    public async Task Fix_Environment_EncodedKey_KeepsTheConversion()
    {
        await Test($$"""
                using System.Security.Cryptography;
                using System.Text;

                public sealed class DownloadTokens
                {
                    private const string SigningKey = [|"{{ApiKey}}"|];

                    public static byte[] Sign(string content) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(content));

                    public static byte[] Verify(string content) => HMACSHA256.HashData(Encoding.UTF8.GetBytes([|"{{Other}}"|]), Encoding.UTF8.GetBytes(content));
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using System.Security.Cryptography;
                using System.Text;

                public sealed class DownloadTokens
                {
                    private static readonly string SigningKey = Environment.GetEnvironmentVariable("DOWNLOAD_TOKENS_SIGNING_KEY") ?? throw new InvalidOperationException("Environment variable 'DOWNLOAD_TOKENS_SIGNING_KEY' is not set.");

                    public static byte[] Sign(string content) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(content));

                    public static byte[] Verify(string content) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("DOWNLOAD_TOKENS_KEY") ?? throw new InvalidOperationException("Environment variable 'DOWNLOAD_TOKENS_KEY' is not set.")), Encoding.UTF8.GetBytes(content));
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_ByteArrayKey_ReadsBase64()
    {
        await Test("""
                class Signer
                {
                    private static readonly byte[] SigningKey = [|new byte[] { 0x1f, 0x8b, 0x3c, 0x77, 0x02, 0xe4, 0x9a, 0x51, 0x6d, 0xc0, 0x3e, 0x11, 0x84, 0x5f, 0x2a, 0xb9 }|];
                }
                """)
            .ExpectFix("""
                using System;

                class Signer
                {
                    private static readonly byte[] SigningKey = Convert.FromBase64String(Environment.GetEnvironmentVariable("SIGNER_SIGNING_KEY") ?? throw new InvalidOperationException("Environment variable 'SIGNER_SIGNING_KEY' is not set."));
                }
                """)
            .ValidateAsync();
    }

    // ---- Configuration lookup ----

    [Fact]
    public async Task Fix_Configuration_FieldMember_InMethod()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    public string Header() => Use([|"{{ApiKey}}"|]);

                    private static string Use(string apiKey) => apiKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    public string Header() => Use(_configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set."));

                    private static string Use(string apiKey) => apiKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_PropertyMember_FieldBecomesExpressionBodiedProperty()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    public StripeClient(IConfiguration configuration) => Configuration = configuration;

                    private IConfiguration Configuration { get; }

                    /// <summary>The key.</summary>
                    private readonly string _apiKey = [|"{{ApiKey}}"|];

                    public string Key() => _apiKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    public StripeClient(IConfiguration configuration) => Configuration = configuration;

                    private IConfiguration Configuration { get; }

                    /// <summary>The key.</summary>
                    private string _apiKey => Configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set.");

                    public string Key() => _apiKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_ConstField_BecomesExpressionBodiedProperty()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    private const string SecretKey = [|"sk_live_{{ApiKey}}"|];

                    public string Key() => SecretKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    private string SecretKey => _configuration["Stripe:SecretKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:SecretKey' is not set.");

                    public string Key() => SecretKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_PrimaryConstructorParameter_InInitializers()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = [|"{{ApiKey}}"|];

                    private const string SecretKey = [|"sk_live_{{Other}}"|];

                    public string Key() => _apiKey + SecretKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set.");

                    private readonly string SecretKey = configuration["Stripe:SecretKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:SecretKey' is not set.");

                    public string Key() => _apiKey + SecretKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_CapturedPrimaryConstructorParameter_InMethod()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    public string Region() => configuration["Stripe:Region"] ?? "eu";

                    public string Key() => Use([|"{{ApiKey}}"|]);

                    private static string Use(string apiKey) => apiKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    public string Region() => configuration["Stripe:Region"] ?? "eu";

                    public string Key() => Use(configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set."));

                    private static string Use(string apiKey) => apiKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_Configuration_PrimaryParameterIsNeverBothCapturedAndUsedInAnInitializer()
    {
        // The first fix reads the parameter in an initializer; capturing it for the second would be CS9124, so the
        // configuration fix leaves the second secret alone, and FixAll (which applies each finding's recommended
        // variants in order, as dotnet format does) reads it from the environment instead.
        var expected = $$"""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set.");

                    public string Webhook() => Use([|"{{Other}}"|]);

                    private static string Use(string webhookSecret) => webhookSecret;
                }
                """;
        Assert.DoesNotContain(ApiKey, expected, StringComparison.Ordinal);

        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = [|"{{ApiKey}}"|];

                    public string Webhook() => Use([|"{{Other}}"|]);

                    private static string Use(string webhookSecret) => webhookSecret;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(expected)
            .ExpectBatchFix("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set.");

                    public string Webhook() => Use(Environment.GetEnvironmentVariable("WEBHOOK_SECRET") ?? throw new InvalidOperationException("Environment variable 'WEBHOOK_SECRET' is not set."));

                    private static string Use(string webhookSecret) => webhookSecret;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_NullableMember_UsesConditionalAccess()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    public IConfiguration? Configuration { get; set; }

                    public string Key() => Use([|"{{ApiKey}}"|]);

                    private static string Use(string apiKey) => apiKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    public IConfiguration? Configuration { get; set; }

                    public string Key() => Use(Configuration?["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set."));

                    private static string Use(string apiKey) => apiKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_EnvironmentVariantStillOffered()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = [|"{{ApiKey}}"|];

                    public IConfiguration Configuration => configuration;

                    public string Key() => _apiKey;
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.EnvironmentLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STRIPE_API_KEY' is not set.");

                    public IConfiguration Configuration => configuration;

                    public string Key() => _apiKey;
                }
                """))
            // FixAll applies the recommended variant (configuration here), whichever key it is asked with.
            .ExpectBatchFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private string _apiKey => Configuration["Stripe:ApiKey"] ?? throw new InvalidOperationException("Configuration value 'Stripe:ApiKey' is not set.");

                    public IConfiguration Configuration => configuration;

                    public string Key() => _apiKey;
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Offered_ConfigurationFirstWhenUsable_EnvironmentOnlyOtherwise()
    {
        Assert.Equal(
            new[] { EquivalenceKeys.ConfigurationLookup, EquivalenceKeys.EnvironmentLookup },
            await OfferedKeysAsync($$"""
                using Microsoft.Extensions.Configuration;
                public class StripeClient(IConfiguration configuration)
                {
                    public string Key() => configuration["A"] + Use("{{ApiKey}}");
                    private static string Use(string apiKey) => apiKey;
                }
                """));

        // A static method cannot read the instance's configuration.
        Assert.Equal(
            new[] { EquivalenceKeys.EnvironmentLookup },
            await OfferedKeysAsync($$"""
                using Microsoft.Extensions.Configuration;
                public class StripeClient(IConfiguration configuration)
                {
                    public IConfiguration Configuration => configuration;
                    public static string Key() => Use("{{ApiKey}}");
                    private static string Use(string apiKey) => apiKey;
                }
                """));

        // The field is written elsewhere, so it cannot become a get-only property; the initializer cannot read _configuration.
        Assert.Equal(
            new[] { EquivalenceKeys.EnvironmentLookup },
            await OfferedKeysAsync($$"""
                using Microsoft.Extensions.Configuration;
                public class StripeClient
                {
                    private readonly IConfiguration _configuration;
                    private string _apiKey = "{{ApiKey}}";
                    public StripeClient(IConfiguration configuration) => _configuration = configuration;
                    public void Rotate(string key) => _apiKey = key;
                    public string Key() => _apiKey + _configuration["A"];
                }
                """));

        // A primary-constructor parameter already captured cannot also initialize a field (CS9124).
        Assert.Equal(
            new[] { EquivalenceKeys.EnvironmentLookup },
            await OfferedKeysAsync($$"""
                using Microsoft.Extensions.Configuration;
                public class StripeClient(IConfiguration configuration)
                {
                    private string _apiKey = "{{ApiKey}}";
                    public void Rotate(string key) => _apiKey = key + configuration["A"];
                }
                """));
    }

    // ---- No fix ----

    [Fact]
    public async Task NoFix_AttributeArgument()
    {
        await Test($$"""
                using System;

                [AttributeUsage(AttributeTargets.Class)]
                sealed class ClientAttribute(string apiKey) : Attribute { public string ApiKey { get; } = apiKey; }

                [Client([|"{{ApiKey}}"|])]
                class Target { }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_DefaultParameterValue()
    {
        await Test($$"""
                class Client
                {
                    public string Connect(string apiKey = [|"{{ApiKey}}"|]) => apiKey;
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    public static TheoryData<string> ConstantOnlyUses() => new()
    {
        "[System.ComponentModel.Description(ApiKey)] class Described { }",
        "class Switched { string M(string s) { switch (s) { case ApiKey: return \"k\"; default: return s; } } }",
        "class Matched { bool M(string s) => s is ApiKey; }",
        "class Defaulted { string M(string s = ApiKey) => s; }",
        "class Derived { const string Prefixed = \"k-\" + ApiKey; }",
    };

    [Theory]
    [MemberData(nameof(ConstantOnlyUses))]
    public async Task NoFix_ConstUsedWhereAConstantIsRequired(string use)
    {
        await Test($$"""
                static class Keys
                {
                    public const string ApiKey = [|"{{ApiKey}}"|];
                }
                """)
            .WithSource("using static Keys;\n" + use)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_SecretInAnInterpolatedConstant()
    {
        await Test($$"""
                class ReportingDb
                {
                    private const string Host = "db";

                    public string Connect() => [|$"Server={Host};Password={{Password}};"|];
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Environment_AnotherEnvironmentTypeInScope_FullyQualifies()
    {
        await Test($$"""
                namespace Shop
                {
                    class Environment { }

                    class Mailer
                    {
                        string Password() => Use([|"{{Password}}"|]);

                        static string Use(string password) => password;
                    }
                }
                """)
            .ExpectFix(Clean("""
                using System;

                namespace Shop
                {
                    class Environment { }

                    class Mailer
                    {
                        string Password() => Use(global::System.Environment.GetEnvironmentVariable("MAILER_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'MAILER_PASSWORD' is not set."));

                        static string Use(string password) => password;
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ConstReadByAnEarlierStaticInitializer()
    {
        await Test($$"""
                class Client
                {
                    private static readonly string Header = "k-" + ApiKey;

                    private const string ApiKey = [|"{{ApiKey}}"|];

                    public string Get() => Header;
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ConstLocalInCaseLabel()
    {
        await Test($$"""
                class Client
                {
                    string M(string s)
                    {
                        const string apiKey = [|"{{ApiKey}}"|];
                        switch (s) { case apiKey: return "ok"; default: return s; }
                    }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    // ---- Line endings and FixAll ----

    [Fact]
    public async Task Fix_Crlf_PreservesLineEndings()
    {
        await Test($$"""
                // Header comment.
                namespace Shop
                {
                    using System.Net;

                    class MailSender
                    {
                        private const string SmtpPassword = [|"{{Password}}"|];

                        NetworkCredential Credential() => new NetworkCredential("mailer", SmtpPassword);
                    }
                }
                """)
            .WithLineEnding("\r\n")
            .ExpectFix(Clean("""
                // Header comment.
                namespace Shop
                {
                    using System;
                    using System.Net;

                    class MailSender
                    {
                        private static readonly string SmtpPassword = Environment.GetEnvironmentVariable("SMTP_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'SMTP_PASSWORD' is not set.");

                        NetworkCredential Credential() => new NetworkCredential("mailer", SmtpPassword);
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_SeveralSecretsInOneClass_OneUsing()
    {
        await Test($$"""
                using System.Net;
                using System.Text;

                class Integrations
                {
                    private const string StripeApiKey = [|"{{ApiKey}}"|];
                    private readonly string _githubToken = [|"{{Token}}"|];

                    NetworkCredential Mail() => new NetworkCredential("mailer", [|"{{Password}}"|]);

                    byte[] Key() => Encoding.UTF8.GetBytes(StripeApiKey + _githubToken);

                    string Db() => [|"Server=db;Password={{Other}};Encrypt=true"|];
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.EnvironmentLookup)
            .ExpectFix(Clean("""
                using System;
                using System.Net;
                using System.Text;

                class Integrations
                {
                    private static readonly string StripeApiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STRIPE_API_KEY' is not set.");
                    private readonly string _githubToken = Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? throw new InvalidOperationException("Environment variable 'GITHUB_TOKEN' is not set.");

                    NetworkCredential Mail() => new NetworkCredential("mailer", Environment.GetEnvironmentVariable("INTEGRATIONS_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'INTEGRATIONS_PASSWORD' is not set."));

                    byte[] Key() => Encoding.UTF8.GetBytes(StripeApiKey + _githubToken);

                    string Db() => "Server=db;Password=" + (Environment.GetEnvironmentVariable("INTEGRATIONS_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'INTEGRATIONS_PASSWORD' is not set.")) + ";Encrypt=true";
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_ProjectScope_TwoDocuments()
    {
        await Test($$"""
                class First { private const string ApiKey = [|"{{ApiKey}}"|]; public string Get() => ApiKey; }
                """)
            .WithSource($$"""
                using System;

                class Second { private readonly string _password = [|"{{Password}}"|]; }
                """)
            .WithEquivalenceKey(EquivalenceKeys.EnvironmentLookup)
            .ExpectFix(Clean("""
                using System;

                class First { private static readonly string ApiKey = Environment.GetEnvironmentVariable("FIRST_API_KEY") ?? throw new InvalidOperationException("Environment variable 'FIRST_API_KEY' is not set."); public string Get() => ApiKey; }
                """))
            .ExpectFix(
                Clean("""
                using System;

                class Second { private readonly string _password = Environment.GetEnvironmentVariable("SECOND_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'SECOND_PASSWORD' is not set."); }
                """),
                index: 1)
            .ExpectBatchFix(
                Clean("""
                using System;

                class First { private static readonly string ApiKey = Environment.GetEnvironmentVariable("FIRST_API_KEY") ?? throw new InvalidOperationException("Environment variable 'FIRST_API_KEY' is not set."); public string Get() => ApiKey; }
                """),
                scope: FixAllScope.Project)
            .ExpectBatchFix(
                Clean("""
                using System;

                class Second { private readonly string _password = Environment.GetEnvironmentVariable("SECOND_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'SECOND_PASSWORD' is not set."); }
                """),
                index: 1,
                scope: FixAllScope.Project)
            .ValidateAsync();
    }

    // ---- The sample's planted cases (samples/Aegis.Sample), with the web SDK's implicit usings ----

    [Fact]
    public async Task Sample_StripePaymentClient_ConstBecomesStaticReadonly_NoUsingNeeded()
    {
        await Test($$"""
                using System.Net.Http.Headers;

                namespace Aegis.Sample.Payments;

                public sealed class StripePaymentClient(HttpClient http)
                {
                    private const string SecretKey = [|"sk_live_{{ApiKey}}"|]; // planted: AEG002

                    public async Task<bool> RefundAsync(CancellationToken cancellationToken)
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.stripe.com/v1/refunds");
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
                        using var response = await http.SendAsync(request, cancellationToken);
                        return response.IsSuccessStatusCode;
                    }
                }
                """)
            .WithWebImplicitUsings()
            .ExpectFix(Clean("""
                using System.Net.Http.Headers;

                namespace Aegis.Sample.Payments;

                public sealed class StripePaymentClient(HttpClient http)
                {
                    private static readonly string SecretKey = Environment.GetEnvironmentVariable("STRIPE_PAYMENT_SECRET_KEY") ?? throw new InvalidOperationException("Environment variable 'STRIPE_PAYMENT_SECRET_KEY' is not set."); // planted: AEG002

                    public async Task<bool> RefundAsync(CancellationToken cancellationToken)
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.stripe.com/v1/refunds");
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
                        using var response = await http.SendAsync(request, cancellationToken);
                        return response.IsSuccessStatusCode;
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Sample_ReportDownloadTokens_SigningKeyFromTheEnvironment()
    {
        await Test($$"""
                using System.Security.Cryptography;
                using System.Text;

                namespace Aegis.Sample.Reports;

                public sealed class ReportDownloadTokens(TimeProvider clock)
                {
                    private const string SigningKey = [|"{{ApiKey}}"|]; // planted: AEG002

                    public long Now() => clock.GetUtcNow().ToUnixTimeSeconds();

                    private static byte[] Sign(string content)
                        => HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(content));
                }
                """)
            .WithWebImplicitUsings()
            .ExpectFix(Clean("""
                using System.Security.Cryptography;
                using System.Text;

                namespace Aegis.Sample.Reports;

                public sealed class ReportDownloadTokens(TimeProvider clock)
                {
                    private static readonly string SigningKey = Environment.GetEnvironmentVariable("REPORT_DOWNLOAD_TOKENS_SIGNING_KEY") ?? throw new InvalidOperationException("Environment variable 'REPORT_DOWNLOAD_TOKENS_SIGNING_KEY' is not set."); // planted: AEG002

                    public long Now() => clock.GetUtcNow().ToUnixTimeSeconds();

                    private static byte[] Sign(string content)
                        => HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(content));
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Sample_GitHubIssueReporter_BearerArgument()
    {
        await Test($$"""
                using System.Net.Http.Headers;

                namespace Aegis.Sample.Support;

                public sealed class GitHubIssueReporter
                {
                    private readonly HttpClient _http;

                    public GitHubIssueReporter(HttpClient http)
                    {
                        _http = http;
                        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", [|"{{Token}}"|]); // planted: AEG002
                    }
                }
                """)
            .WithWebImplicitUsings()
            .ExpectFix(Clean("""
                using System.Net.Http.Headers;

                namespace Aegis.Sample.Support;

                public sealed class GitHubIssueReporter
                {
                    private readonly HttpClient _http;

                    public GitHubIssueReporter(HttpClient http)
                    {
                        _http = http;
                        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? throw new InvalidOperationException("Environment variable 'GITHUB_TOKEN' is not set.")); // planted: AEG002
                    }
                }
                """))
            .ValidateAsync();
    }

    // ---- Fail closed: a missing value throws, naming the key; never an empty or default secret ----

    /// <summary>
    /// An inbound key compared with a request header: with an empty fallback, a missing variable would make an empty
    /// header match. The fixed field throws when it initializes, naming the variable.
    /// </summary>
    [Fact]
    public async Task Fix_Environment_InboundKey_ThrowsNamingTheVariable()
    {
        await Test($$"""
                public sealed class StaffKeyCheck
                {
                    private const string StaffApiKey = [|"{{ApiKey}}"|];

                    public bool Accepts(string header) => header == StaffApiKey;
                }
                """)
            .ExpectFix(Clean("""
                using System;

                public sealed class StaffKeyCheck
                {
                    private static readonly string StaffApiKey = Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STAFF_API_KEY' is not set.");

                    public bool Accepts(string header) => header == StaffApiKey;
                }
                """))
            .ValidateAsync();
    }

    /// <summary>
    /// The constant is the fallback of a configuration read: the fix reads that same key (ASP.NET Core maps the
    /// variable <c>Auth__StaffApiKey</c> to <c>Auth:StaffApiKey</c>), not an invented <c>STAFF_API_KEY</c> nobody sets.
    /// </summary>
    [Fact]
    public async Task Fix_Environment_ReusesTheConfigurationKeyTheCodeAlreadyReads()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public static class StaffAuth
                {
                    private const string StaffApiKey = [|"{{ApiKey}}"|];

                    public static bool Accepts(IConfiguration configuration, string header) => header == (configuration["Auth:StaffApiKey"] ?? StaffApiKey);
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public static class StaffAuth
                {
                    private static readonly string StaffApiKey = Environment.GetEnvironmentVariable("Auth__StaffApiKey") ?? throw new InvalidOperationException("Environment variable 'Auth__StaffApiKey' is not set.");

                    public static bool Accepts(IConfiguration configuration, string header) => header == (configuration["Auth:StaffApiKey"] ?? StaffApiKey);
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Configuration_ReusesTheKeyOfTheLookupItIsTheFallbackOf()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    public string Key() => _configuration["Payments:StripeSecret"] ?? [|"sk_live_{{ApiKey}}"|];
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.ConfigurationLookup)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    public string Key() => _configuration["Payments:StripeSecret"] ?? (_configuration["Payments:StripeSecret"] ?? throw new InvalidOperationException("Configuration value 'Payments:StripeSecret' is not set."));
                }
                """))
            .ValidateAsync();
    }

    /// <summary>The environment variable the code already reads for the value is reused as it is.</summary>
    [Fact]
    public async Task Fix_Environment_ReusesTheVariableTheCodeAlreadyReads()
    {
        await Test($$"""
                using System;

                public sealed class WebhookValidator
                {
                    private const string WebhookSecret = [|"{{ApiKey}}"|];

                    public string Secret() => Environment.GetEnvironmentVariable("SHOP_WEBHOOK_SECRET") ?? WebhookSecret;
                }
                """)
            .ExpectFix(Clean("""
                using System;

                public sealed class WebhookValidator
                {
                    private static readonly string WebhookSecret = Environment.GetEnvironmentVariable("SHOP_WEBHOOK_SECRET") ?? throw new InvalidOperationException("Environment variable 'SHOP_WEBHOOK_SECRET' is not set.");

                    public string Secret() => Environment.GetEnvironmentVariable("SHOP_WEBHOOK_SECRET") ?? WebhookSecret;
                }
                """))
            .ValidateAsync();
    }

    /// <summary>A connection string read with <c>GetConnectionString</c> holds the whole string, not the password the fix takes out: not reused.</summary>
    [Fact]
    public async Task Fix_Environment_Safe_ConnectionStringFallback_KeepsThePasswordName()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public static class ReportingDb
                {
                    public static string ConnectionString(IConfiguration configuration) => configuration.GetConnectionString("Reporting") ?? [|"Server=db;User Id=app;Password={{Password}};"|];
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public static class ReportingDb
                {
                    public static string ConnectionString(IConfiguration configuration) => configuration.GetConnectionString("Reporting") ?? ("Server=db;User Id=app;Password=" + (Environment.GetEnvironmentVariable("REPORTING_DB_PASSWORD") ?? throw new InvalidOperationException("Environment variable 'REPORTING_DB_PASSWORD' is not set.")) + ";");
                }
                """))
            .ValidateAsync();
    }

    /// <summary><c>GetValue&lt;string&gt;("key")</c> is a configuration read too.</summary>
    [Fact]
    public async Task Fix_Environment_ReusesTheKeyOfGetValue()
    {
        await Test($$"""
                using Microsoft.Extensions.Configuration;

                public static class Webhooks
                {
                    private const string SigningSecret = [|"{{ApiKey}}"|];

                    public static string Secret(IConfiguration configuration) => configuration.GetValue<string>("Webhooks:SigningSecret") ?? SigningSecret;
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using Microsoft.Extensions.Configuration;

                public static class Webhooks
                {
                    private static readonly string SigningSecret = Environment.GetEnvironmentVariable("Webhooks__SigningSecret") ?? throw new InvalidOperationException("Environment variable 'Webhooks__SigningSecret' is not set.");

                    public static string Secret(IConfiguration configuration) => configuration.GetValue<string>("Webhooks:SigningSecret") ?? SigningSecret;
                }
                """))
            .ValidateAsync();
    }

    /// <summary>Two different keys for one constant, or a lookup that is not configuration: no key to reuse, the usual name.</summary>
    [Fact]
    public async Task Fix_Environment_Safe_NoSingleConfigurationKey_KeepsTheDerivedName()
    {
        await Test($$"""
                using System.Collections.Generic;
                using Microsoft.Extensions.Configuration;

                public static class StaffAuth
                {
                    private const string StaffApiKey = [|"{{ApiKey}}"|];

                    private const string AuditToken = [|"{{Other}}"|];

                    public static string Key(IConfiguration configuration, bool legacy) => legacy ? configuration["Legacy:Key"] ?? StaffApiKey : configuration["Auth:StaffApiKey"] ?? StaffApiKey;

                    public static string Audit(Dictionary<string, string> settings) => settings["Audit:Token"] ?? AuditToken;
                }
                """)
            .ExpectFix(Clean("""
                using System;
                using System.Collections.Generic;
                using Microsoft.Extensions.Configuration;

                public static class StaffAuth
                {
                    private static readonly string StaffApiKey = Environment.GetEnvironmentVariable("STAFF_API_KEY") ?? throw new InvalidOperationException("Environment variable 'STAFF_API_KEY' is not set.");

                    private static readonly string AuditToken = Environment.GetEnvironmentVariable("AUDIT_TOKEN") ?? throw new InvalidOperationException("Environment variable 'AUDIT_TOKEN' is not set.");

                    public static string Key(IConfiguration configuration, bool legacy) => legacy ? configuration["Legacy:Key"] ?? StaffApiKey : configuration["Auth:StaffApiKey"] ?? StaffApiKey;

                    public static string Audit(Dictionary<string, string> settings) => settings["Audit:Token"] ?? AuditToken;
                }
                """))
            .ValidateAsync();
    }

    // ---- The analyzer's properties for the fix ----

    [Fact]
    public async Task Properties_SecretSpan_IsTheSecretInsideTheValue()
    {
        var diagnostics = await AnalyzerTest.For<HardcodedSecretAnalyzer>()
            .WithSource($$"""
                class C
                {
                    string Db() => [|"Server=db;Password= '{{Password}}' ;Encrypt=true"|];
                    string Named() => Use([|"  {{ApiKey}}"|]);
                    string Header() => Use2([|"Bearer {{Other}}"|]);
                    byte[] signingKey = [|new byte[] { 0x1f, 0x8b, 0x3c, 0x77, 0x02, 0xe4, 0x9a, 0x51, 0x6d, 0xc0, 0x3e, 0x11, 0x84, 0x5f, 0x2a, 0xb9 }|];
                    static string Use(string apiKey) => apiKey;
                    static string Use2(string value) => value;
                }
                """)
            .ValidateAsync();

        Assert.Equal("21", diagnostics[0].Properties[DiagnosticPropertyNames.SecretStart]);
        Assert.Equal(Password.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), diagnostics[0].Properties[DiagnosticPropertyNames.SecretLength]);
        Assert.Equal("2", diagnostics[1].Properties[DiagnosticPropertyNames.SecretStart]);
        Assert.Equal("7", diagnostics[2].Properties[DiagnosticPropertyNames.SecretStart]);
        Assert.Equal(Other.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), diagnostics[2].Properties[DiagnosticPropertyNames.SecretLength]);
        Assert.False(diagnostics[3].Properties.ContainsKey(DiagnosticPropertyNames.SecretStart));
    }

    /// <summary>The equivalence keys offered for the single AEG002 diagnostic of <paramref name="source"/>, in order.</summary>
    private static async Task<string?[]> OfferedKeysAsync(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.CurrentSolution
            .AddProject("P", "P", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithMetadataReferences(SnippetReferences.All);
        var document = project.AddDocument("Test.cs", SourceText.From(source, Encoding.UTF8), filePath: "/0/Test.cs");
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new HardcodedSecretAnalyzer())).GetAnalyzerDiagnosticsAsync();
        var diagnostic = Assert.Single(diagnostics);
        var actions = new List<CodeAction>();
        await new HardcodedSecretCodeFixProvider().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions.Select(a => a.EquivalenceKey).ToArray();
    }
}
