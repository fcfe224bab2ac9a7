using Aegis.Analyzers.Secrets;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Tests;

/// <summary>
/// AEG002 in test projects: test-host signing keys and test-user passwords are reported at a lower severity
/// (<c>aegis.AEG002.test_project_severity</c>, LOW on the card); live-format tokens and private keys are not lowered.
/// </summary>
[Trait("Rule", "AEG002")]
public sealed class AEG002TestProjectTests
{
    /// <summary>What a test project typically holds: a signing key for the test host and a test user's password posted as a body.</summary>
    private const string TestHostCode = """
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Text;
        using System.Threading.Tasks;
        public sealed class LoginTests
        {
            private static readonly byte[] SigningKey = Encoding.UTF8.GetBytes([|"k9Xq2LmZ7vP4wR8tN3bY"|]);

            public Task<HttpResponseMessage> LogIn(HttpClient client)
                => client.PostAsJsonAsync("/account/login", new { UserName = "alice", Password = [|"Xk9#mP2$vL"|] });
        }
        """;

    private static AnalyzerTest Test(string markup) => AnalyzerTest.For<HardcodedSecretAnalyzer>().WithSource(markup);

    /// <summary>An empty assembly with the given name: all the analyzer looks at is the reference.</summary>
    private static MetadataReference Assembly(string name)
    {
        var compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText("namespace Stub { public sealed class Marker { } }") },
            SnippetReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        Assert.True(compilation.Emit(image).Success);
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_IsTestProjectProperty_ReportsTestSecretsAsSuggestions()
    {
        await Test(TestHostCode)
            .WithGlobalConfig("build_property.IsTestProject = true")
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(DiagnosticPropertyNames.Context, FindingContexts.TestProject)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "signing-key")
            .ExpectProperty(1, DiagnosticPropertyNames.SecretKind, "password")
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("xunit.core")]
    [InlineData("xunit.v3.core")]
    [InlineData("nunit.framework")]
    [InlineData("Microsoft.VisualStudio.TestPlatform.TestFramework")]
    [InlineData("TUnit.Core")]
    public async Task Detect_TestFrameworkReference_ReportsTestSecretsAsSuggestions(string assemblyName)
    {
        await Test(TestHostCode)
            .WithReference(Assembly(assemblyName))
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(DiagnosticPropertyNames.Context, FindingContexts.TestProject)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_RealXunitReference_ReportsTestSecretsAsSuggestions()
    {
        await Test(TestHostCode)
            .WithReference(MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location))
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ExpectProperty(DiagnosticPropertyNames.Context, FindingContexts.TestProject)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_NotATestProject_KeepsTheRuleSeverity()
    {
        await Test(TestHostCode)
            .WithGlobalConfig("build_property.IsTestProject = false")
            .WithReference(Assembly("Contoso.Testing.Helpers"))
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ExpectProperty(DiagnosticPropertyNames.Context, null)
            .ValidateAsync();
    }

    public static TheoryData<string, string> LiveFormats()
    {
        var pem = "-----BEGIN RSA PRIVATE KEY-----\\n" + AEG002FakeSecrets.Random(106, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "\\n-----END RSA PRIVATE KEY-----";
        return new TheoryData<string, string>
        {
            { "stripe-secret-key", "sk_live_" + AEG002FakeSecrets.Random(107, 24) },
            { "github-token", "ghp_" + AEG002FakeSecrets.Random(108, 36) },
            { "aws-access-key-id", "AKIA" + AEG002FakeSecrets.Random(109, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") },
            { "private-key", pem },
        };
    }

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(LiveFormats))]
    public async Task Detect_LiveFormatInTestProject_KeepsTheRuleSeverity(string kind, string token)
    {
        await Test($$"""
            public sealed class PaymentTests
            {
                private const string Token = [|"{{token}}"|];
            }
            """)
            .WithGlobalConfig("build_property.IsTestProject = true")
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, kind)
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.Context, FindingContexts.TestProject)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_TestFormatsInTestProject_AreLowered()
    {
        // Stripe test keys and JWTs are what tests are expected to hold: MEDIUM formats are lowered like the rest.
        await Test($$"""
            public sealed class PaymentTests
            {
                private const string StripeTestKey = [|"sk_test_{{AEG002FakeSecrets.Random(110, 24)}}"|];
                private const string Jwt = [|"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{{AEG002FakeSecrets.Random(111, 60)}}.{{AEG002FakeSecrets.Random(112, 43)}}"|];
            }
            """)
            .WithGlobalConfig("build_property.IsTestProject = true")
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "stripe-test-key")
            .ExpectProperty(1, DiagnosticPropertyNames.SecretKind, "jwt")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("warning", DiagnosticSeverity.Warning)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    [InlineData("loud", DiagnosticSeverity.Info)]
    public async Task Detect_TestProjectSeverityOption(string value, DiagnosticSeverity expected)
    {
        await Test(TestHostCode)
            .WithGlobalConfig("build_property.IsTestProject = true")
            .WithEditorConfig("aegis.AEG002.test_project_severity = " + value)
            .ExpectSeverity(expected)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ExplicitRuleSeverity_WinsInTestProjects()
    {
        // The compiler applies dotnet_diagnostic.AEG002.severity last, as docs/configuration.md says.
        await Test(TestHostCode)
            .WithGlobalConfig("build_property.IsTestProject = true")
            .WithEditorConfig("dotnet_diagnostic.AEG002.severity = error")
            .ExpectSeverity(DiagnosticSeverity.Error)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_TestProjectSeverityNone_ReportsNothingLowered()
    {
        await Test($$"""
            public sealed class LoginTests
            {
                private const string Password = "Xk9#mP2$vL";
                private const string LiveKey = [|"sk_live_{{AEG002FakeSecrets.Random(113, 24)}}"|];
            }
            """)
            .WithGlobalConfig("build_property.IsTestProject = true")
            .WithEditorConfig("aegis.secret.test_project_severity = none")
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_TestProjectSeverityOption_OutsideTestProjects_ChangesNothing()
    {
        await Test(TestHostCode)
            .WithEditorConfig("aegis.AEG002.test_project_severity = none")
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ExpectProperty(DiagnosticPropertyNames.Context, null)
            .ValidateAsync();
    }
}
