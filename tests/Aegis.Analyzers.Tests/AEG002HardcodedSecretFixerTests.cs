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
                    private readonly string _apiKey = Environment.GetEnvironmentVariable("PAYMENT_GATEWAY_API_KEY") ?? string.Empty;
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
                    private static readonly string SecretKey = Environment.GetEnvironmentVariable("STRIPE_SECRET_KEY") ?? string.Empty; // comment stays

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
                    public string ClientSecret { get; set; } = Environment.GetEnvironmentVariable("OAUTH_CLIENT_SECRET") ?? string.Empty;

                    public string WebhookToken => Environment.GetEnvironmentVariable("WEBHOOK_TOKEN") ?? string.Empty;
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
                        var smtpPassword = Environment.GetEnvironmentVariable("SMTP_PASSWORD") ?? string.Empty;
                        string apiToken = Environment.GetEnvironmentVariable("MAILER_API_TOKEN") ?? string.Empty;
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
                    NetworkCredential Credential() => new NetworkCredential("mailer", Environment.GetEnvironmentVariable("MAIL_SENDER_PASSWORD") ?? string.Empty);
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
                        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? string.Empty); // planted
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
                    void Configure(HttpClient client) => client.DefaultRequestHeaders.Add("Authorization", "Bearer " + (Environment.GetEnvironmentVariable("AUTHORIZATION") ?? string.Empty));
                }
                """))
            .ValidateAsync();
    }

    // ---- Connection strings: only the secret moves ----

    public static TheoryData<string, string> ConnectionStrings() => new()
    {
        {
            "\"Server=db;User Id=app;Password=" + Password + ";Encrypt=true\"",
            "\"Server=db;User Id=app;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? string.Empty) + \";Encrypt=true\""
        },
        {
            "@\"Server=.\\SQLEXPRESS;Password=" + Password + ";Encrypt=true\"",
            "@\"Server=.\\SQLEXPRESS;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? string.Empty) + @\";Encrypt=true\""
        },
        {
            "\"Server=.\\\\SQLEXPRESS;\\tUser Id=app;Password=" + Password + "\"",
            "\"Server=.\\\\SQLEXPRESS;\\tUser Id=app;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? string.Empty)"
        },
        {
            "\"Server=db;\" +\n            \"Password='" + Password + "';\" + Suffix",
            "\"Server=db;\" +\n            \"Password='\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? string.Empty) + \"';\" + Suffix"
        },
        {
            // Raw literals cannot be cut like that: the pieces become regular literals with the same value.
            "\"\"\"Server=db;Password=" + Password + ";Encrypt=true\"\"\"",
            "\"Server=db;Password=\" + (Environment.GetEnvironmentVariable(\"REPORTING_DB_PASSWORD\") ?? string.Empty) + \";Encrypt=true\""
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
                    public string WarehouseConnectionString { get; set; } = "Server=reporting-db.internal;Database=ShopReports;User Id=report_writer;Password=" + (Environment.GetEnvironmentVariable("WAREHOUSE_PASSWORD") ?? string.Empty) + ";"; // planted: AEG002

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
                    private static readonly string SigningKey = Environment.GetEnvironmentVariable("DOWNLOAD_TOKENS_SIGNING_KEY") ?? string.Empty;

                    public static byte[] Sign(string content) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(content));

                    public static byte[] Verify(string content) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("DOWNLOAD_TOKENS_KEY") ?? string.Empty), Encoding.UTF8.GetBytes(content));
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
                    private static readonly byte[] SigningKey = Convert.FromBase64String(Environment.GetEnvironmentVariable("SIGNER_SIGNING_KEY") ?? string.Empty);
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
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    public string Header() => Use(_configuration["Stripe:ApiKey"] ?? string.Empty);

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
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    public StripeClient(IConfiguration configuration) => Configuration = configuration;

                    private IConfiguration Configuration { get; }

                    /// <summary>The key.</summary>
                    private string _apiKey => Configuration["Stripe:ApiKey"] ?? string.Empty;

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
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    private readonly IConfiguration _configuration;

                    public StripeClient(IConfiguration configuration) => _configuration = configuration;

                    private string SecretKey => _configuration["Stripe:SecretKey"] ?? string.Empty;

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
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = configuration["Stripe:ApiKey"] ?? string.Empty;

                    private readonly string SecretKey = configuration["Stripe:SecretKey"] ?? string.Empty;

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
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    public string Region() => configuration["Stripe:Region"] ?? "eu";

                    public string Key() => Use(configuration["Stripe:ApiKey"] ?? string.Empty);

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
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private readonly string _apiKey = configuration["Stripe:ApiKey"] ?? string.Empty;

                    public string Webhook() => Use("{{Other}}");

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
                    private readonly string _apiKey = configuration["Stripe:ApiKey"] ?? string.Empty;

                    public string Webhook() => Use(Environment.GetEnvironmentVariable("WEBHOOK_SECRET") ?? string.Empty);

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
                using Microsoft.Extensions.Configuration;

                public class StripeClient
                {
                    public IConfiguration? Configuration { get; set; }

                    public string Key() => Use(Configuration?["Stripe:ApiKey"] ?? string.Empty);

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
                    private readonly string _apiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY") ?? string.Empty;

                    public IConfiguration Configuration => configuration;

                    public string Key() => _apiKey;
                }
                """))
            // FixAll applies the recommended variant (configuration here), whichever key it is asked with.
            .ExpectBatchFix(Clean("""
                using Microsoft.Extensions.Configuration;

                public class StripeClient(IConfiguration configuration)
                {
                    private string _apiKey => Configuration["Stripe:ApiKey"] ?? string.Empty;

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
                namespace Shop
                {
                    class Environment { }

                    class Mailer
                    {
                        string Password() => Use(global::System.Environment.GetEnvironmentVariable("MAILER_PASSWORD") ?? string.Empty);

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
                        private static readonly string SmtpPassword = Environment.GetEnvironmentVariable("SMTP_PASSWORD") ?? string.Empty;

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
                    private static readonly string StripeApiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY") ?? string.Empty;
                    private readonly string _githubToken = Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? string.Empty;

                    NetworkCredential Mail() => new NetworkCredential("mailer", Environment.GetEnvironmentVariable("INTEGRATIONS_PASSWORD") ?? string.Empty);

                    byte[] Key() => Encoding.UTF8.GetBytes(StripeApiKey + _githubToken);

                    string Db() => "Server=db;Password=" + (Environment.GetEnvironmentVariable("INTEGRATIONS_PASSWORD") ?? string.Empty) + ";Encrypt=true";
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

                class First { private static readonly string ApiKey = Environment.GetEnvironmentVariable("FIRST_API_KEY") ?? string.Empty; public string Get() => ApiKey; }
                """))
            .ExpectFix(
                Clean("""
                using System;

                class Second { private readonly string _password = Environment.GetEnvironmentVariable("SECOND_PASSWORD") ?? string.Empty; }
                """),
                index: 1)
            .ExpectBatchFix(
                Clean("""
                using System;

                class First { private static readonly string ApiKey = Environment.GetEnvironmentVariable("FIRST_API_KEY") ?? string.Empty; public string Get() => ApiKey; }
                """),
                scope: FixAllScope.Project)
            .ExpectBatchFix(
                Clean("""
                using System;

                class Second { private readonly string _password = Environment.GetEnvironmentVariable("SECOND_PASSWORD") ?? string.Empty; }
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
                    private static readonly string SecretKey = Environment.GetEnvironmentVariable("STRIPE_PAYMENT_SECRET_KEY") ?? string.Empty; // planted: AEG002

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
                    private static readonly string SigningKey = Environment.GetEnvironmentVariable("REPORT_DOWNLOAD_TOKENS_SIGNING_KEY") ?? string.Empty; // planted: AEG002

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
                        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? string.Empty); // planted: AEG002
                    }
                }
                """))
            .ValidateAsync();
    }

    /// <summary>
    /// With the variable unset the fixed sample gets empty secrets: none of its code paths may throw on that (the
    /// sample's functional tests sign and validate report links, build the reporter and show the export target).
    /// </summary>
    [Fact]
    public void Sample_EmptyFallbacks_DoNotThrow()
    {
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(string.Empty), Encoding.UTF8.GetBytes("header.claims"));
        var header = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", string.Empty);
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = "Server=reporting-db.internal;Database=ShopReports;User Id=report_writer;Password=" + string.Empty + ";" };

        Assert.Equal(32, signature.Length);
        Assert.Equal("Bearer", header.Scheme);
        Assert.Equal("reporting-db.internal", builder["Server"]);
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
