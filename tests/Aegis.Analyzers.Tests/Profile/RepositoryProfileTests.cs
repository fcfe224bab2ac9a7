using System.Collections.Immutable;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Profile;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Profile;

public sealed class RepositoryProfileTests
{
    private static readonly RepositoryProfile Sample = new(
        new DataAccessProfile(new[] { "ado", "dapper" }, "sqlite", "add_with_value", "anonymous_object"),
        new AuthorizationProfile(11, 9, 5, 4, "[Authorize(Policy = \"Staff\")]", "class", "Staff", null, "\"Staff\"", false, true),
        new ConfigurationProfile("configuration", 12, 3, 1),
        new HttpClientProfile("factory", 4, 1, 0));

    [Fact]
    public void ToJson_IsStableAndReadsBack()
    {
        var json = Sample.ToJson();
        Assert.StartsWith("{\n  \"schema\": \"aegis.profile/v1\",\n  \"data_access\": {\n    \"libraries\": [\n      \"ado\",", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        var roundTripped = RepositoryProfile.Empty().OverriddenBy(json);
        Assert.Equal(json, roundTripped.ToJson());
    }

    [Fact]
    public void OverriddenBy_ReplacesOnlyTheSectionsTheFileNames()
    {
        var profile = Sample.OverriddenBy("""{ "schema": "aegis.profile/v1", "authorization": { "controllers_total": 3, "controllers_authorized": 3, "dominant_policy": "Admin" } }""");
        Assert.Equal("Admin", profile.Authorization.DominantPolicy);
        Assert.Equal(3, profile.Authorization.ControllersTotal);
        Assert.Same(Sample.DataAccess, profile.DataAccess);
        Assert.Same(Sample.Configuration, profile.Configuration);
    }

    [Fact]
    public void OverriddenBy_ProjectEntry_WinsForItsAssembly_TopLevelFillsTheRest_OtherAssembliesGetTheTopLevel()
    {
        const string json = """
            {
              "schema": "aegis.profile/v1",
              "authorization": { "controllers_total": 3, "controllers_authorized": 3, "dominant_policy": "Staff" },
              "http_client": { "style": "factory" },
              "projects": { "Shop.Api": { "authorization": { "minimal_endpoints_total": 4, "minimal_endpoints_authorized": 3, "require_authorization_arguments": "\"Admin\"" } } }
            }
            """;

        var own = Sample.OverriddenBy(json, "Shop.Api");
        Assert.Equal("\"Admin\"", own.Authorization.RequireAuthorizationArguments);
        Assert.Null(own.Authorization.DominantPolicy);
        Assert.Equal("factory", own.HttpClient.Style);
        Assert.Same(Sample.DataAccess, own.DataAccess);

        var other = Sample.OverriddenBy(json, "Shop.Web");
        Assert.Equal("Staff", other.Authorization.DominantPolicy);
        Assert.Equal("Staff", Sample.OverriddenBy(json).Authorization.DominantPolicy);
    }

    [Fact]
    public void ToJson_PerProject_IsStable_AndEachAssemblyReadsBackItsOwn()
    {
        var minimal = new RepositoryProfile(DataAccessProfile.Empty, new AuthorizationProfile(0, 0, 4, 3, null, null, null, null, "\"Admin\"", false, false), ConfigurationProfile.Empty, HttpClientProfile.Empty);
        var json = RepositoryProfile.ToJson(new[] { KeyValuePair.Create("Shop.Minimal", minimal), KeyValuePair.Create("Shop.Controllers", Sample) });

        Assert.StartsWith("{\n  \"schema\": \"aegis.profile/v1\",\n  \"projects\": {\n    \"Shop.Controllers\": {\n      \"data_access\": {", json, StringComparison.Ordinal);
        Assert.True(json.IndexOf("\"Shop.Controllers\"", StringComparison.Ordinal) < json.IndexOf("\"Shop.Minimal\"", StringComparison.Ordinal), "projects are not in ordinal order");
        Assert.Equal(Sample.ToJson(), RepositoryProfile.Empty().OverriddenBy(json, "Shop.Controllers").ToJson());
        Assert.Equal(minimal.ToJson(), RepositoryProfile.Empty().OverriddenBy(json, "Shop.Minimal").ToJson());
        Assert.Equal(RepositoryProfile.Empty().ToJson(), RepositoryProfile.Empty().OverriddenBy(json, "Shop.New").ToJson());
    }

    [Fact]
    public void Cache_PicksTheCompilationsOwnProjectEntry()
    {
        var compilation = Compile("class C { }");
        var options = Options("/repo/.aegis/profile.json", """{ "http_client": { "style": "factory" }, "projects": { "Test": { "http_client": { "style": "typed_client" } }, "Other": { "http_client": { "style": "new_http_client" } } } }""");
        Assert.Equal("typed_client", RepositoryProfileCache.Get(compilation, options, CancellationToken.None).HttpClient.Style);
        Assert.Equal("factory", RepositoryProfileCache.Get(compilation.WithAssemblyName("Unlisted"), options, CancellationToken.None).HttpClient.Style);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{ \"schema\": \"aegis.profile/v9\" }", "unknown schema")]
    [InlineData("{ \"authorization\": { ", "line 1")]
    [InlineData("{\n  \"a\": tru }", "line 2, column 8")]
    [InlineData("{ \"projects\": [] }", "'projects' must be an object keyed by assembly name")]
    [InlineData("{ \"projects\": { \"Api\": 1 } }", "'projects.Api' must be an object of profile sections")]
    public void OverriddenBy_RejectsWhatIsNotAProfile(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Sample.OverriddenBy(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeControllers_NamesCountsAndPolicy()
    {
        Assert.Equal("9 of 11 controller actions require policy 'Staff'", Sample.Authorization.DescribeControllers());
        Assert.Equal("4 of 5 minimal-API endpoints require policy 'Staff'", Sample.Authorization.DescribeMinimalEndpoints());
    }

    [Fact]
    public void Cache_ComputesOncePerCompilation()
    {
        var compilation = Compile("class C { }");
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
        var first = RepositoryProfileCache.Get(compilation, options, CancellationToken.None);
        var second = RepositoryProfileCache.Get(compilation, options, CancellationToken.None);
        Assert.Same(first.DataAccess, second.DataAccess);
        Assert.Same(first.Authorization, second.Authorization);
        Assert.Same(first.Configuration, second.Configuration);
        Assert.Same(first.HttpClient, second.HttpClient);
    }

    [Fact]
    public void Cache_DoesNotKeepACancelledComputation()
    {
        var compilation = Compile("class C { }");
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
        Assert.ThrowsAny<OperationCanceledException>(() => RepositoryProfileCache.Get(compilation, options, new CancellationToken(canceled: true)));
        Assert.NotNull(RepositoryProfileCache.Get(compilation, options, CancellationToken.None));
    }

    [Fact]
    public void Cache_AppliesTheProfileFile_AndIgnoresAMalformedOne()
    {
        var compilation = Compile("class C { }");
        var good = Options("/repo/.aegis/profile.json", """{ "http_client": { "style": "typed_client" } }""");
        Assert.Equal("typed_client", RepositoryProfileCache.Get(compilation, good, CancellationToken.None).HttpClient.Style);

        var malformed = Options("/repo/.aegis/profile.json", """{ "http_client": { "style": """);
        Assert.Equal("none", RepositoryProfileCache.Get(compilation, malformed, CancellationToken.None).HttpClient.Style);

        var elsewhere = Options("/repo/profile.json", """{ "http_client": { "style": "typed_client" } }""");
        Assert.Equal("none", RepositoryProfileCache.Get(compilation, elsewhere, CancellationToken.None).HttpClient.Style);
    }

    [Fact]
    public void HttpClientSection_CountsEachStyle()
    {
        var compilation = Compile("""
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;
            class Api { }
            class C
            {
                void Register(IServiceCollection services) { services.AddHttpClient<Api>(); services.AddHttpClient<Api>(); }
                HttpClient Make(IHttpClientFactory factory) => factory.CreateClient("x");
                HttpClient Direct() => new HttpClient();
            }
            """);
        var profile = RepositoryProfileBuilder.Build(compilation, CancellationToken.None).HttpClient;
        Assert.Equal(("typed_client", 1, 2, 1), (profile.Style, profile.FactoryUsages, profile.TypedClientRegistrations, profile.DirectConstructions));
    }

    [Fact]
    public void MiniJson_WritesWithInvariantCultureAndEscapes()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var text = MiniJson.Write(new[] { new KeyValuePair<string, object?>("a", 0.5), new("b", "x\"\n\u0001") });
            Assert.Equal("{\n  \"a\": 0.5,\n  \"b\": \"x\\\"\\n\\u0001\"\n}\n", text);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    private static Compilation Compile(string source)
        => CSharpCompilation.Create(
            "Test",
            new[] { CSharpSyntaxTree.ParseText(source, path: "/0/Test0.cs") },
            SnippetReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    private static AnalyzerOptions Options(string path, string text)
        => new(ImmutableArray.Create<AdditionalText>(new InMemoryAdditionalText(path, text)));

    private sealed class InMemoryAdditionalText : AdditionalText
    {
        private readonly SourceText text;

        public InMemoryAdditionalText(string path, string text)
        {
            Path = path;
            this.text = SourceText.From(text);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => text;
    }
}
