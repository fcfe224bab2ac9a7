using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests;

[Trait("Rule", "AEG003")]
[Trait("Category", "Safe")]
public sealed class AEG003MissingAuthorizationSafeTests
{
    private const string ProtectedControllers = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")] public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")] public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")] public class CustomersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }

        """;

    private const string MinimalEndpoints = """
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/orders", () => "orders").RequireAuthorization();
        app.MapGet("/invoices", () => "invoices").RequireAuthorization();
        app.MapGet("/customers", () => "customers").RequireAuthorization();

        """;

    private static AnalyzerTest Test(params string[] sources)
    {
        var test = AnalyzerTest.For<MissingAuthorizationAnalyzer>().WithWebImplicitUsings();
        foreach (var source in sources)
        {
            test.WithSource(source);
        }

        return test;
    }

    [Fact]
    public async Task Safe_ControllerWithAllowAnonymous()
    {
        await Test(ProtectedControllers + """
                [ApiController, Route("api/[controller]"), AllowAnonymous]
                public class HealthController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_ActionsWithAllowAnonymous()
    {
        await Test(ProtectedControllers + """
                [ApiController, Route("api/[controller]")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login"), AllowAnonymous] public IActionResult Login() => Ok();
                    [HttpPost("register"), AllowAnonymous] public IActionResult Register() => Ok();
                }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_ClassAuthorizeWithAnonymousAction_CountsAsAuthorized()
    {
        await Test(ProtectedControllers + """
                [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
                public class AccountController : ControllerBase
                {
                    [HttpGet] public IActionResult Me() => Ok();
                    [HttpPost("login"), AllowAnonymous] public IActionResult Login() => Ok();
                    [NonAction] public void Helper() { }
                    public static void Utility() { }
                    protected void Internal() { }
                }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_MinimalEndpointWithAllowAnonymous()
    {
        await Test(MinimalEndpoints + """
                app.MapGet("/health", () => "ok").AllowAnonymous();
                app.MapPost("/login", [Microsoft.AspNetCore.Authorization.AllowAnonymous] () => "token");
                var open = app.MapGroup("/public").AllowAnonymous();
                open.MapGet("/about", () => "about");
                app.Run();
                """).ValidateAsync();
    }

    [Theory]
    [InlineData("builder.Services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());")]
    [InlineData("builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());")]
    public async Task Safe_FallbackPolicy(string registration)
    {
        await Test(
            "using Microsoft.AspNetCore.Authorization;\n" + MinimalEndpoints.Replace("var app = builder.Build();", registration + "\nvar app = builder.Build();") + """
                app.MapGet("/reports", () => "reports");
                app.MapControllers();
                app.Run();

                [Microsoft.AspNetCore.Mvc.ApiController, Microsoft.AspNetCore.Mvc.Route("api/[controller]")]
                public class ReportsController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    [Microsoft.AspNetCore.Mvc.HttpGet] public string List() => "reports";
                }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_NullFallbackPolicy_DoesNotSilenceTheRule()
    {
        await Test(MinimalEndpoints.Replace("var app = builder.Build();", "builder.Services.AddAuthorization(o => o.FallbackPolicy = null);\nvar app = builder.Build();") + """
                app.[|MapGet|]("/reports", () => "reports");
                app.Run();
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_GlobalAuthorizeFilter_ProtectsControllers()
    {
        await Test(
            """
                using Microsoft.AspNetCore.Mvc.Authorization;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddControllers(options => options.Filters.Add(new AuthorizeFilter("Staff")));
                builder.Build().Run();
                """,
            ProtectedControllers + """
                [ApiController, Route("api/[controller]")]
                public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_MapControllersRequireAuthorization_ProtectsControllers()
    {
        await Test(
            """
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapControllers().RequireAuthorization();
                app.Run();
                """,
            ProtectedControllers + """
                [ApiController, Route("api/[controller]")]
                public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_NoAuthorizationAnywhere()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/a", () => "a");
                app.MapGet("/b", () => "b");
                app.MapPost("/c", () => "c");
                app.Run();

                [ApiController, Route("api/[controller]")] public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                [ApiController, Route("api/[controller]")] public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                [ApiController, Route("api/[controller]")] public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_BelowThreshold()
    {
        await Test("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("a"), Authorize] public class AController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                [Route("b"), Authorize] public class BController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                [Route("c")] public class CController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                [Route("d")] public class DController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                [Route("e")] public class EController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_BelowMinimumEndpoints()
    {
        await Test("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("a"), Authorize] public class AController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                [Route("b")] public class BController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """).ValidateAsync();
    }

    private const string HalfProtected = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        [Route("a"), Authorize] public class AController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
        [Route("b"), Authorize] public class BController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
        [Route("c")] public class [|CController|] : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
        [Route("d")] public class [|DController|] : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
        """;

    [Fact]
    public async Task Safe_HalfProtected_BelowDefaultThreshold()
    {
        await Test(HalfProtected.Replace("[|", string.Empty).Replace("|]", string.Empty)).ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("aegis.AEG003.convention_threshold = 0.5")]
    [InlineData("aegis.auth.convention_threshold = 0.5")]
    [InlineData("aegis.convention_threshold = 0.5")]
    public async Task Detect_HalfProtected_WithLowerThresholdOption(string option)
    {
        await Test(HalfProtected)
            .WithEditorConfig(option)
            .ExpectMessage(0, "Controller 'CController' allows anonymous access, but 2 of 4 controller actions require authorization")
            .ExpectMessage(1, "Controller 'DController' allows anonymous access, but 2 of 4 controller actions require authorization")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.50")
            .ValidateAsync();
    }

    [Fact]
    public async Task Safe_MinimumEndpointsOption_RaisesTheBar()
    {
        await Test(ProtectedControllers + """
                [ApiController, Route("api/[controller]")]
                public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """)
            .WithEditorConfig("aegis.AEG003.minimum_endpoints = 10")
            .ValidateAsync();
    }

    [Fact]
    public async Task Safe_EndpointsOnGroupParameter_AreNotJudged()
    {
        await Test(MinimalEndpoints + """
                app.MapGroup("/admin").RequireAuthorization().MapAdmin();
                app.Run();

                static class AdminEndpoints
                {
                    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder group)
                    {
                        group.MapGet("/users", () => "users");
                        group.MapDelete("/users/{id}", (int id) => id);
                        return group;
                    }
                }
                """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ProfileFileOverride_JudgesProjectWithoutLocalConvention()
    {
        const string profile = """
            {
              "schema": "aegis.profile/v1",
              "authorization": {
                "controllers_total": 10,
                "controllers_authorized": 9,
                "minimal_endpoints_total": 0,
                "minimal_endpoints_authorized": 0,
                "dominant_attribute": "[Authorize(Policy = \"Staff\")]",
                "dominant_level": "class",
                "dominant_policy": "Staff",
                "dominant_roles": null,
                "require_authorization_arguments": null,
                "fallback_policy": false,
                "global_authorize_filter": false
              }
            }
            """;
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                [ApiController, Route("api/[controller]")]
                public class [|ReportsController|] : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """)
            .WithAdditionalFile("/0/.aegis/profile.json", profile)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 9 of 10 controller actions require policy 'Staff'")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(Policy = \"Staff\")]")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
    }

    [Fact]
    public async Task Safe_WithoutProfileFile_SameProjectHasNoConvention()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                [ApiController, Route("api/[controller]")]
                public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """).ValidateAsync();
    }

    [Fact]
    public async Task Safe_BrokenCode_DoesNotThrow()
    {
        await Test("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                var app = WebApplication.CreateBuilder(args).Build();
                var group = app.MapGroup(Missing).RequireAuthorization(
                group.MapGet("/a", () => ).RequireAuthorization();
                app.MapGet(, () => "x");
                app.MapMethods("/m", Unknown, () => 1);
                UnknownGroup.MapGet("/u", () => "u");
                var loop = loop.MapGet("/l", () => "l");
                app.Run();

                [Authorize(Policy = )] public class AController : ControllerBase { [HttpGet(] public IActionResult Get( => Ok(); }
                [Authorize] public class BController : UnknownBase { public IActionResult Get() => Ok(); }
                public class CController : ControllerBase { [HttpGet("{id}")] public IActionResult Get(int id) => }
                public class DController : ControllerBase<int> { }
                """)
            .AllowCompilerErrors()
            .ValidateAsync();
    }
}
