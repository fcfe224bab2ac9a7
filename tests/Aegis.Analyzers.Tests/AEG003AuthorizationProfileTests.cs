using Aegis.Analyzers.Profile;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Tests;

/// <summary>The authorization section of the repository profile, computed from code.</summary>
[Trait("Rule", "AEG003")]
[Trait("Category", "Profile")]
public sealed class AEG003AuthorizationProfileTests
{
    private static AuthorizationProfile Build(string source, OutputKind kind = OutputKind.ConsoleApplication)
    {
        var compilation = CSharpCompilation.Create(
            "Profile",
            new[] { CSharpSyntaxTree.ParseText(AnalyzerTest.WebImplicitUsings), CSharpSyntaxTree.ParseText(source) },
            SnippetReferences.All,
            new CSharpCompilationOptions(kind));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return RepositoryProfileBuilder.Build(compilation, CancellationToken.None).Authorization;
    }

    [Fact]
    public void Records_ControllersMinimalEndpointsAndDominantForms()
    {
        var profile = Build("""
            using Microsoft.AspNetCore.Authorization;
            using Microsoft.AspNetCore.Mvc;

            var app = WebApplication.CreateBuilder(args).Build();
            var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
            admin.MapGet("/a", () => "a");
            admin.MapGet("/b", () => "b");
            app.MapGet("/c", () => "c").RequireAuthorization();
            app.MapGet("/d", () => "d");
            app.MapGet("/e", () => "e").AllowAnonymous();
            app.Run();

            [Authorize(Policy = "Staff")] public class AController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            [Authorize(Policy="Staff")] public class BController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            [Authorize(Roles = "Admin")] public class CController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            public class DController : ControllerBase { [HttpGet, Authorize(Roles = "Admin")] public IActionResult Get() => Ok(); }
            public class EController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            public abstract class FController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            public class NotAController { public void Get() { } }
            """);

        Assert.Equal(5, profile.ControllersTotal);
        Assert.Equal(4, profile.ControllersAuthorized);
        Assert.Equal(5, profile.ControllerActionsTotal);
        Assert.Equal(4, profile.ControllerActionsAuthorized);

        // "/e" is explicitly public: a decision, not a vote against the convention, so not in the population.
        Assert.Equal(4, profile.MinimalEndpointsTotal);
        Assert.Equal(3, profile.MinimalEndpointsAuthorized);
        Assert.Equal("[Authorize(Policy = \"Staff\")]", profile.DominantAttribute);
        Assert.Equal("class", profile.DominantLevel);
        Assert.Equal("Staff", profile.DominantPolicy);
        Assert.Null(profile.DominantRoles);
        Assert.Equal("\"Admin\"", profile.RequireAuthorizationArguments);
        Assert.False(profile.HasFallbackPolicy);
        Assert.False(profile.HasGlobalAuthorizeFilter);
    }

    [Fact]
    public void TiesAreBrokenByOrdinalText()
    {
        var profile = Build("""
            using Microsoft.AspNetCore.Authorization;
            using Microsoft.AspNetCore.Mvc;

            [Authorize(Roles = "B")] public class AController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            [Authorize(Roles = "A")] public class BController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            """,
            OutputKind.DynamicallyLinkedLibrary);

        Assert.Equal("[Authorize(Roles = \"A\")]", profile.DominantAttribute);
        Assert.Equal("A", profile.DominantRoles);
    }

    [Theory]
    [InlineData("builder.Services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());", true, false)]
    [InlineData("builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());", true, false)]
    [InlineData("builder.Services.AddAuthorization(o => o.FallbackPolicy = null);", false, false)]
    [InlineData("builder.Services.AddControllers(o => o.Filters.Add(new AuthorizeFilter()));", false, true)]
    [InlineData("builder.Services.AddMvc(o => o.Filters.Add(new AuthorizeFilter(\"Staff\")));", false, true)]
    [InlineData("var unused = new AuthorizeFilter();", false, false)]
    public void Records_FallbackPolicyAndGlobalFilter(string registration, bool fallback, bool globalFilter)
    {
        var profile = Build($$"""
            using Microsoft.AspNetCore.Authorization;
            using Microsoft.AspNetCore.Mvc.Authorization;

            var builder = WebApplication.CreateBuilder(args);
            {{registration}}
            builder.Build().Run();
            """);

        Assert.Equal(fallback, profile.HasFallbackPolicy);
        Assert.Equal(globalFilter, profile.HasGlobalAuthorizeFilter);
    }

    [Fact]
    public void ProjectWithoutAspNetCore_HasEmptyProfile()
    {
        var compilation = CSharpCompilation.Create(
            "Plain",
            new[] { CSharpSyntaxTree.ParseText("public class C { }") },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        Assert.Same(AuthorizationProfile.Empty, RepositoryProfileBuilder.Build(compilation, CancellationToken.None).Authorization);
    }

    [Fact]
    public void CountsActions_AndHelperReturnedGroupsByTheirCallers()
    {
        var profile = Build("""
            using Microsoft.AspNetCore.Authorization;
            using Microsoft.AspNetCore.Mvc;

            var app = WebApplication.CreateBuilder(args).Build();
            app.MapOrders().RequireAuthorization();
            app.MapReports();
            app.MapGet("/", () => Results.Redirect("/swagger"));
            app.MapPost("/auth/login", () => "token");
            app.Run();

            public static class Features
            {
                public static RouteGroupBuilder MapOrders(this IEndpointRouteBuilder app)
                {
                    var group = app.MapGroup("/orders");
                    group.MapGet("/", () => "orders");
                    group.MapPost("/", () => "created");
                    return group;
                }

                public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder app)
                {
                    var group = app.MapGroup("/reports");
                    group.MapGet("/", () => "reports");
                    return group;
                }
            }

            [Authorize]
            public class ShipmentsController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpPost] public IActionResult Create() => Ok();
                [HttpGet("browse"), AllowAnonymous] public IActionResult Browse() => Ok();
            }

            public class AccountController : ControllerBase
            {
                [HttpGet("profile"), Authorize] public IActionResult Profile() => Ok();
                [HttpPost("login")] public IActionResult Login() => Ok();
                [HttpGet("settings")] public IActionResult Settings() => Ok();
            }
            """);

        Assert.Equal(2, profile.ControllersTotal);
        Assert.Equal(1, profile.ControllersAuthorized);
        Assert.Equal(4, profile.ControllerActionsTotal);
        Assert.Equal(3, profile.ControllerActionsAuthorized);

        // Orders (2, protected by the caller) and Reports (1, left open); not the root redirect nor the login.
        Assert.Equal(3, profile.MinimalEndpointsTotal);
        Assert.Equal(2, profile.MinimalEndpointsAuthorized);
    }

    [Fact]
    public void ProfileFileWithoutActionCounts_JudgesByItsControllers()
    {
        var profile = RepositoryProfile.Empty().OverriddenBy("""{ "schema": "aegis.profile/v1", "authorization": { "controllers_total": 10, "controllers_authorized": 9 } }""").Authorization;
        Assert.Equal(10, profile.ControllerActionsTotal);
        Assert.Equal(9, profile.ControllerActionsAuthorized);

        var withActions = RepositoryProfile.Empty().OverriddenBy("""{ "schema": "aegis.profile/v1", "authorization": { "controllers_total": 10, "controllers_authorized": 9, "controller_actions_total": 40, "controller_actions_authorized": 31 } }""").Authorization;
        Assert.Equal(40, withActions.ControllerActionsTotal);
        Assert.Equal(31, withActions.ControllerActionsAuthorized);
        Assert.Equal("31 of 40 controller actions require authorization", withActions.DescribeControllers());
    }
}
