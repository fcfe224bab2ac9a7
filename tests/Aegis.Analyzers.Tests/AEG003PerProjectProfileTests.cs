using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.CodeFixes.Authorization;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests;

/// <summary>
/// A <c>.aegis/profile.json</c> written for a repository of a controllers project (policy 'Staff') and a minimal-API
/// project (groups with 'Admin'): each compilation reads its own project's entry, so the minimal-API project's finding
/// keeps its own numbers and its fix its own policy, never the other project's (or a weaker) convention.
/// </summary>
[Trait("Rule", "AEG003")]
[Trait("Category", "Profile")]
public sealed class AEG003PerProjectProfileTests
{
    private const string MinimalApi = """
        var app = WebApplication.CreateBuilder(args).Build();
        var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
        admin.MapGet("/users", () => "users");
        admin.MapPost("/users", () => "created");
        admin.MapDelete("/users/{id}", (int id) => id);
        app.[|MapPost|]("/reports", () => "report");
        app.Run();
        """;

    // The controllers project's convention at the top level (as the old scan wrote it from the largest project).
    private const string ControllersConvention = """
        "controllers_total": 10, "controllers_authorized": 9, "minimal_endpoints_total": 0, "minimal_endpoints_authorized": 0,
        "dominant_attribute": "[Authorize(Policy = \"Staff\")]", "dominant_level": "class", "dominant_policy": "Staff",
        "dominant_roles": null, "require_authorization_arguments": null, "fallback_policy": false, "global_authorize_filter": false
        """;

    private const string MinimalApiConvention = """
        "controllers_total": 0, "controllers_authorized": 0, "minimal_endpoints_total": 4, "minimal_endpoints_authorized": 3,
        "dominant_attribute": null, "dominant_level": null, "dominant_policy": null,
        "dominant_roles": null, "require_authorization_arguments": "\"Admin\"", "fallback_policy": false, "global_authorize_filter": false
        """;

    private static AnalyzerTest Test(string profile)
        => AnalyzerTest.For<MissingAuthorizationAnalyzer>()
            .WithCodeFix<MissingAuthorizationCodeFixProvider>()
            .WithWebImplicitUsings()
            .WithSource(MinimalApi)
            .WithAdditionalFile("/0/.aegis/profile.json", profile);

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_OwnProjectEntry_WinsOverTheRepositoryWideSection_FindingAndFixKeepAdmin()
    {
        await Test($$"""
                {
                  "schema": "aegis.profile/v1",
                  "authorization": { {{ControllersConvention}} },
                  "projects": {
                    "Shop.Controllers": { "authorization": { {{ControllersConvention}} } },
                    "TestProject": { "authorization": { {{MinimalApiConvention}} } }
                  }
                }
                """)
            .ExpectMessage(0, "Endpoint 'POST /reports' allows anonymous access, but 3 of 4 minimal-API endpoints require policy 'Admin'")
            .WithEquivalenceKey(EquivalenceKeys.RequireAuthorization)
            .ExpectFix("""
                var app = WebApplication.CreateBuilder(args).Build();
                var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
                admin.MapGet("/users", () => "users");
                admin.MapPost("/users", () => "created");
                admin.MapDelete("/users/{id}", (int id) => id);
                app.MapPost("/reports", () => "report").RequireAuthorization("Admin");
                app.Run();
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_OnlyAnotherProjectsEntry_ThisProjectIsJudgedByItsOwnCode()
    {
        await Test($$"""
                {
                  "schema": "aegis.profile/v1",
                  "projects": { "Shop.Controllers": { "authorization": { {{ControllersConvention}} } } }
                }
                """)
            .ExpectMessage(0, "Endpoint 'POST /reports' allows anonymous access, but 3 of 4 minimal-API endpoints require policy 'Admin'")
            .WithEquivalenceKey(EquivalenceKeys.RequireAuthorization)
            .ExpectFix("""
                var app = WebApplication.CreateBuilder(args).Build();
                var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
                admin.MapGet("/users", () => "users");
                admin.MapPost("/users", () => "created");
                admin.MapDelete("/users/{id}", (int id) => id);
                app.MapPost("/reports", () => "report").RequireAuthorization("Admin");
                app.Run();
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_OwnEntrySaysAllOpen_NoFinding_EvenThoughTheRepositoryWideSectionHasAConvention()
    {
        const string open = """
            "controllers_total": 0, "controllers_authorized": 0, "minimal_endpoints_total": 5, "minimal_endpoints_authorized": 0,
            "dominant_attribute": null, "dominant_level": null, "dominant_policy": null,
            "dominant_roles": null, "require_authorization_arguments": null, "fallback_policy": false, "global_authorize_filter": false
            """;
        await AnalyzerTest.For<MissingAuthorizationAnalyzer>()
            .WithWebImplicitUsings()
            .WithSource("""
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/a", () => "a");
                app.MapGet("/b", () => "b");
                app.Run();
                """)
            .WithAdditionalFile("/0/.aegis/profile.json", $$"""
                {
                  "schema": "aegis.profile/v1",
                  "authorization": { "controllers_total": 0, "controllers_authorized": 0, "minimal_endpoints_total": 4, "minimal_endpoints_authorized": 4, "require_authorization_arguments": "\"Staff\"" },
                  "projects": { "TestProject": { "authorization": { {{open}} } } }
                }
                """)
            .ValidateAsync();
    }
}
