using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Tests;

/// <summary>
/// The convention as real applications write it: counted per action and endpoint, in mixed forms, surviving
/// widespread drift; endpoints public by necessity asked about, not reported as drift.
/// </summary>
[Trait("Rule", "AEG003")]
public sealed class AEG003ConventionTests
{
    private const string Usings = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        """;

    private const string ConfirmPublicMessage = "{0} looks public by necessity ({1}) while {2}; confirm it is public with [AllowAnonymous]";

    private static AnalyzerTest Test(params string[] sources)
    {
        var test = AnalyzerTest.For<MissingAuthorizationAnalyzer>().WithWebImplicitUsings();
        foreach (var source in sources)
        {
            test.WithSource(source);
        }

        return test;
    }

    /// <summary>
    /// An application where about a third of the endpoints drifted, each in a different way, next to authorization
    /// written in every form and endpoints public by design. Every drift is reported; nothing public by design is.
    /// </summary>
    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ThirdOfTheAppDrifted_EveryDriftReported_NothingPublicByDesign()
    {
        const string program = """
            var app = WebApplication.CreateBuilder(args).Build();

            // Public by design: a root redirect, a docs redirect, health, registration marked public.
            app.MapGet("/", () => Results.Redirect("/swagger"));
            app.MapGet("/docs", () => Results.Redirect("/swagger/index.html"));
            app.MapGet("/health", () => "ok").AllowAnonymous();
            app.MapPost("/auth/register", () => "registered").AllowAnonymous();

            // Public by necessity, not marked: asked about.
            app.[|MapPost|]("/auth/login", () => "token");
            app.[|MapPost|]("/auth/refresh", () => "token");

            app.MapControllers();
            app.MapAdminApi();
            app.MapOrdersApi().RequireAuthorization("Staff");
            app.MapReportsApi();

            var catalog = app.MapGroup("/api/catalog").RequireAuthorization();
            catalog.MapGet("/items", () => "items");
            catalog.MapPost("/items", () => "created");

            // Drift: a group created without RequireAuthorization, and an endpoint mapped outside the authorized group.
            var exports = app.MapGroup("/api/exports");
            exports.[|MapGet|]("/csv", () => "csv");
            app.[|MapDelete|]("/api/catalog/items/{id}", (int id) => id);

            app.Run();
            """;

        const string endpoints = """
            public static class FeatureEndpoints
            {
                // A group in an extension method, protected inside it.
                public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
                {
                    var admin = app.MapGroup("/api/admin").RequireAuthorization("Admin");
                    admin.MapGet("/users", () => "users");
                    admin.MapDelete("/users/{id}", (int id) => id);
                    return app;
                }

                // A group a helper returns; the caller protects it.
                public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder app)
                {
                    var orders = app.MapGroup("/api/orders");
                    orders.MapGet("/", () => "orders");
                    orders.MapPost("/", () => "created");
                    orders.MapPut("/{id}", (int id) => id);
                    return orders;
                }

                // A group a helper returns; the caller does not protect it.
                public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder app)
                {
                    var reports = app.MapGroup("/api/reports");
                    reports.[|MapGet|]("/sales", () => "sales");
                    return reports;
                }
            }
            """;

        const string controllers = Usings + """
            public sealed class StaffOnlyAttribute : AuthorizeAttribute
            {
                public StaffOnlyAttribute() => Policy = "Staff";
            }

            [Authorize]
            public abstract class SecureControllerBase : ControllerBase { }

            [ApiController, Route("api/[controller]"), Authorize]
            public class ProductsController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpPost] public IActionResult Create() => Ok();
            }

            [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
            public class InvoicesController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpGet("{id}")] public IActionResult Get(int id) => Ok();
            }

            [ApiController, Route("api/[controller]"), Authorize(Roles = "Admin")]
            public class UsersController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpDelete("{id}")] public IActionResult Delete(int id) => Ok();
            }

            [ApiController, Route("api/[controller]"), StaffOnly]
            public class SuppliersController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpPost] public IActionResult Create() => Ok();
            }

            [ApiController, Route("api/[controller]")]
            public class CustomersController : SecureControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpGet("{id}")] public IActionResult Get(int id) => Ok();
            }

            [ApiController, Route("api/[controller]"), Authorize]
            public class CatalogController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpGet("browse"), AllowAnonymous] public IActionResult Browse() => Ok();
            }

            // Action-level authorization with one action that drifted.
            [ApiController, Route("api/[controller]")]
            public class ShipmentsController : ControllerBase
            {
                [HttpGet, Authorize] public IActionResult List() => Ok();
                [HttpPost, Authorize("Staff")] public IActionResult Create() => Ok();
                [HttpDelete("{id}")] public IActionResult [|Delete|](int id) => Ok();
            }

            // Whole controllers that drifted.
            [ApiController, Route("api/[controller]")]
            public class [|DiscountsController|] : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpPost] public IActionResult Create() => Ok();
            }

            [ApiController, Route("api/[controller]")]
            public class [|RefundsController|] : ControllerBase
            {
                [HttpGet("{id}")] public IActionResult Get(int id) => Ok();
            }

            [ApiController, Route("api/[controller]")]
            public class [|ExportsController|] : ControllerBase
            {
                [HttpGet("csv")] public IActionResult Csv() => Ok();
            }

            // Sign-in and friends are public by necessity; the profile page is not.
            [ApiController, Route("[controller]")]
            public class AccountController : ControllerBase
            {
                [HttpPost("login")] public IActionResult [|Login|]() => Ok();
                [HttpPost("register")] public IActionResult [|Register|]() => Ok();
                [HttpPost("forgot-password")] public IActionResult [|ForgotPassword|]() => Ok();
                [HttpGet("external-login-callback")] public IActionResult [|ExternalLoginCallback|]() => Ok();
                [HttpGet("profile")] public IActionResult [|Profile|]() => Ok();
            }

            [ApiController, Route("api/auth")]
            public class AuthController : ControllerBase
            {
                [HttpPost("refresh")] public IActionResult [|Refresh|]() => Ok();
                [HttpPost("token")] public IActionResult [|Token|]() => Ok();
            }

            [ApiController, Route("api/[controller]"), AllowAnonymous]
            public class HealthController : ControllerBase
            {
                [HttpGet] public IActionResult Get() => Ok();
            }
            """;

        var diagnostics = await Test(program, endpoints, controllers).ValidateAsync();

        const string controllerConvention = "13 of 19 controller actions require authorization";
        const string minimalConvention = "7 of 10 minimal-API endpoints require authorization";
        var actual = diagnostics
            .Select(d => (
                Message: d.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                d.Severity,
                Incident: d.Properties[DiagnosticPropertyNames.Severity]!,
                Route: d.Properties[DiagnosticPropertyNames.Route]!))
            .ToList();
        Assert.Equal(
            new[]
            {
                (Confirm("Endpoint 'POST /auth/login'", "login", minimalConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /auth/login"),
                (Confirm("Endpoint 'POST /auth/refresh'", "token refresh", minimalConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /auth/refresh"),
                (Drift("Endpoint 'GET /api/exports/csv'", minimalConvention), DiagnosticSeverity.Warning, IncidentSeverities.Medium, "GET /api/exports/csv"),
                (Drift("Endpoint 'DELETE /api/catalog/items/{id}'", minimalConvention), DiagnosticSeverity.Warning, IncidentSeverities.High, "DELETE /api/catalog/items/{id}"),
                (Drift("Endpoint 'GET /api/reports/sales'", minimalConvention), DiagnosticSeverity.Warning, IncidentSeverities.Medium, "GET /api/reports/sales"),
                (Drift("Action 'ShipmentsController.Delete'", controllerConvention), DiagnosticSeverity.Warning, IncidentSeverities.High, "DELETE /api/Shipments/{id}"),
                (Drift("Controller 'DiscountsController'", controllerConvention), DiagnosticSeverity.Warning, IncidentSeverities.High, "/api/Discounts"),
                (Drift("Controller 'RefundsController'", controllerConvention), DiagnosticSeverity.Warning, IncidentSeverities.Medium, "/api/Refunds"),
                (Drift("Controller 'ExportsController'", controllerConvention), DiagnosticSeverity.Warning, IncidentSeverities.Medium, "/api/Exports"),
                (Confirm("Action 'AccountController.Login'", "login", controllerConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /Account/login"),
                (Confirm("Action 'AccountController.Register'", "registration", controllerConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /Account/register"),
                (Confirm("Action 'AccountController.ForgotPassword'", "password recovery", controllerConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /Account/forgot-password"),
                (Confirm("Action 'AccountController.ExternalLoginCallback'", "external login callback", controllerConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "GET /Account/external-login-callback"),
                (Drift("Action 'AccountController.Profile'", controllerConvention), DiagnosticSeverity.Warning, IncidentSeverities.Medium, "GET /Account/profile"),
                (Confirm("Action 'AuthController.Refresh'", "token refresh", controllerConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /api/auth/refresh"),
                (Confirm("Action 'AuthController.Token'", "token issuance", controllerConvention), DiagnosticSeverity.Info, IncidentSeverities.Low, "POST /api/auth/token"),
            },
            actual);
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ControllersWithOneDriftedActionEach_StillCountTheirProtectedActions()
    {
        var controllers = string.Concat(new[] { "Orders", "Invoices", "Customers" }.Select(name => $$"""

            [ApiController, Route("api/[controller]")]
            public class {{name}}Controller : ControllerBase
            {
                [HttpGet, Authorize("Staff")] public IActionResult List() => Ok();
                [HttpPost, Authorize("Staff")] public IActionResult Create() => Ok();
                [HttpGet("export")] public IActionResult [|Export|]() => Ok();
            }

            """));
        await Test(Usings + controllers)
            .ExpectMessage(0, "Action 'OrdersController.Export' allows anonymous access, but 6 of 9 controller actions require policy 'Staff'")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.67")
            .ExpectProperty(DiagnosticPropertyNames.EndpointKind, "action")
            .ExpectProperty(DiagnosticPropertyNames.AuthorizeLevel, "action")
            .ExpectProperty(DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(\"Staff\")]")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_AllowAnonymousIsADecision_NotAVoteAgainstTheConvention()
    {
        // Two protected controllers, three public on purpose and one that says nothing: 2 of 3, not 2 of 6.
        await Test(Usings + """
            [Authorize] public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
            [Authorize] public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
            [AllowAnonymous] public class CatalogController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
            [AllowAnonymous] public class StatusController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
            public class PagesController : ControllerBase { [HttpGet, AllowAnonymous] public IActionResult Home() => Ok(); }
            public class [|ReportsController|] : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
            """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 2 of 3 controller actions require authorization")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PublicByNecessity_IsAQuestionAtSuggestionLevel_WithItsOwnProperties()
    {
        await Test(Usings + """
            [Authorize] public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); [HttpPost] public IActionResult Create() => Ok(); }
            [Authorize] public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }

            public class AccountController : Controller
            {
                [HttpPost] public IActionResult [|LoginAsync|]() => Ok();
            }
            """)
            .ExpectMessage(0, "Action 'AccountController.LoginAsync' looks public by necessity (login) while 3 of 3 controller actions require authorization; confirm it is public with [AllowAnonymous]")
            .ExpectSeverity(0, DiagnosticSeverity.Info)
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "1.00")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ConfirmPublic)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.ManualReview)
            .ExpectProperty(0, DiagnosticPropertyNames.EndpointKind, "action")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "POST /Account/Login")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, null)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("aegis.AEG003.confirm_public_severity = warning", DiagnosticSeverity.Warning)]
    [InlineData("aegis.auth.confirm_public_severity = silent", DiagnosticSeverity.Hidden)]
    public async Task Detect_ConfirmPublicSeverity_IsConfigurable(string option, DiagnosticSeverity expected)
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api").RequireAuthorization();
                api.MapGet("/orders", () => "orders");
                api.MapGet("/invoices", () => "invoices");
                api.MapGet("/customers", () => "customers");
                app.[|MapPost|]("/connect/token", () => "token");
                app.Run();
                """)
            .WithEditorConfig(option)
            .ExpectMessage(0, "Endpoint 'POST /connect/token' looks public by necessity (token issuance) while 3 of 3 minimal-API endpoints require authorization; confirm it is public with [AllowAnonymous]")
            .ExpectSeverity(0, expected)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_ConfirmPublicSeverityNone_ReportsNothing()
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api").RequireAuthorization();
                api.MapGet("/orders", () => "orders");
                api.MapGet("/invoices", () => "invoices");
                api.MapGet("/customers", () => "customers");
                app.MapPost("/auth/login", () => "token");
                app.Run();
                """)
            .WithEditorConfig("aegis.AEG003.confirm_public_severity = none")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_PublicByNecessity_WithoutAConvention_IsNotAsked()
    {
        await Test(Usings + """
            public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
            public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
            public class AccountController : ControllerBase { [HttpPost] public IActionResult Login() => Ok(); [HttpPost] public IActionResult Register() => Ok(); }
            """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_LookAlikesOfPublicEndpoints_AreDrift()
    {
        // Whole words only, and ambiguous words only where the route is about authentication.
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api").RequireAuthorization();
                api.MapGet("/orders", () => "orders");
                api.MapGet("/invoices", () => "invoices");
                api.MapGet("/customers", () => "customers");
                api.MapGet("/suppliers", () => "suppliers");
                api.MapGet("/products", () => "products");
                api.MapGet("/stock", () => "stock");
                api.MapGet("/prices", () => "prices");
                app.[|MapGet|]("/users/login-history", () => "history");
                app.[|MapPost|]("/devices/register", () => "registered");
                app.[|MapPost|]("/cache/refresh", () => "refreshed");
                app.[|MapPost|]("/payments/callback", () => "ok");
                app.Run();
                """)
            .ExpectMessage(0, "Endpoint 'GET /users/login-history' allows anonymous access, but 7 of 11 minimal-API endpoints require authorization")
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.RequireAuthorization)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("app.MapGet(\"/\", () => Results.Redirect(\"/swagger\"));")]
    [InlineData("app.MapGet(\"/\", () => TypedResults.LocalRedirect(\"/app\"));")]
    [InlineData("app.Map(\"/\", (HttpContext context) => context.Response.Redirect(\"/index.html\"));")]
    [InlineData("app.MapGet(\"/swagger\", () => { return Results.Redirect(\"/swagger/index.html\"); });")]
    [InlineData("app.MapGet(\"/api-docs\", () => Results.Redirect(\"/scalar/v1\"));")]
    public async Task Safe_RootOrDocsRedirect_NeedsNoAuthorization(string endpoint)
    {
        await Test($$"""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api").RequireAuthorization();
                api.MapGet("/orders", () => "orders");
                api.MapGet("/invoices", () => "invoices");
                api.MapGet("/customers", () => "customers");
                {{endpoint}}
                app.Run();
                """)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("app.[|MapGet|](\"/\", () => \"orders\");", "GET /")]
    [InlineData("app.[|MapGet|](\"/docs/{id}\", (int id) => Results.Redirect(\"/files/\" + id));", "GET /docs/{id}")]
    [InlineData("app.[|MapGet|](\"/old-reports\", () => Results.Redirect(\"/api/reports\"));", "GET /old-reports")]
    public async Task Detect_RootOrDocsThatServeData_OrRedirectsElsewhere_AreJudged(string endpoint, string route)
    {
        await Test($$"""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api").RequireAuthorization();
                api.MapGet("/orders", () => "orders");
                api.MapGet("/invoices", () => "invoices");
                api.MapGet("/customers", () => "customers");
                {{endpoint}}
                app.Run();
                """)
            .ExpectProperty(0, DiagnosticPropertyNames.Route, route)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_HelperReturnedGroup_ProtectedByTheCallerThroughAVariable()
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var billing = app.MapBilling();
                billing.RequireAuthorization("Billing");
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapGet("/invoices", () => "invoices").RequireAuthorization();
                app.MapGet("/customers", () => "customers").RequireAuthorization();
                app.Run();

                static class BillingEndpoints
                {
                    public static RouteGroupBuilder MapBilling(this WebApplication app)
                    {
                        var group = app.MapGroup("/billing");
                        group.MapGet("/invoices", () => "invoices");
                        group.MapPost("/invoices", () => "created");
                        return group;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_HelperReturnedGroup_WithNoCallerInTheProject_IsNeitherCountedNorReported()
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api").RequireAuthorization();
                api.MapGet("/orders", () => "orders");
                api.MapGet("/invoices", () => "invoices");
                api.MapGet("/customers", () => "customers");
                app.Run();

                public static class BillingEndpoints
                {
                    public static RouteGroupBuilder MapBilling(this IEndpointRouteBuilder app)
                    {
                        var group = app.MapGroup("/billing");
                        group.MapGet("/invoices", () => "invoices");
                        return group;
                    }
                }
                """)
            .ValidateAsync();
    }

    private static string Drift(string subject, string convention) => subject + " allows anonymous access, but " + convention;

    private static string Confirm(string subject, string necessity, string convention)
        => string.Format(System.Globalization.CultureInfo.InvariantCulture, ConfirmPublicMessage, subject, necessity, convention);
}
