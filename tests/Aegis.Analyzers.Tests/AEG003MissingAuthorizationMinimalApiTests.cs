using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests;

[Trait("Rule", "AEG003")]
public sealed class AEG003MissingAuthorizationMinimalApiTests
{
    private static AnalyzerTest Test(string source)
        => AnalyzerTest.For<MissingAuthorizationAnalyzer>().WithWebImplicitUsings().WithSource(source);

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_GroupRequireAuthorization_EndpointOutsideGroup()
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
                admin.MapGet("/users", () => "users");
                admin.MapPost("/users", () => "created");
                admin.MapDelete("/users/{id}", (int id) => id);
                app.[|MapPost|]("/reports", () => "report");
                app.Run();
                """)
            .ExpectMessage(0, "Endpoint 'POST /reports' allows anonymous access, but 3 of 4 minimal-API endpoints require policy 'Admin'")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "POST /reports")
            .ExpectProperty(0, DiagnosticPropertyNames.EndpointKind, "minimal_api")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.75")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.RequireAuthorization)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.EndpointAuthorized)
            .ExpectProperty(0, DiagnosticPropertyNames.RequireAuthorizationArguments, "\"Admin\"")
            .ExpectProperty(0, DiagnosticPropertyNames.Convention, "3 of 4 minimal-API endpoints require policy 'Admin'")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_EndpointLevelRequireAuthorization_OneMissing()
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapPost("/orders", () => "created").WithName("CreateOrder").RequireAuthorization();
                app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization();
                var invoices = app.MapGet("/invoices", () => "invoices");
                invoices.RequireAuthorization();
                app.[|MapGet|]("/reports", () => "reports");
                app.Run();
                """)
            .ExpectMessage(0, "Endpoint 'GET /reports' allows anonymous access, but 4 of 5 minimal-API endpoints require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.80")
            .ExpectProperty(0, DiagnosticPropertyNames.RequireAuthorizationArguments, string.Empty)
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /reports")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_GroupPrefixes_AndGroupStatementConvention()
    {
        await Test("""
                var app = WebApplication.CreateBuilder(args).Build();
                var api = app.MapGroup("/api");
                var orders = api.MapGroup("/orders");
                orders.RequireAuthorization("Staff");
                orders.MapGet("/", () => "orders");
                orders.MapGet("/{id}", (int id) => id);
                orders.MapMethods("/{id}", new[] { "PUT", "PATCH" }, (int id) => id);
                api.MapGroup("/reports").[|MapMethods|]("/{id}", new[] { "GET", "HEAD" }, (int id) => id);
                app.Run();
                """)
            .ExpectMessage(0, "Endpoint 'GET,HEAD /api/reports/{id}' allows anonymous access, but 3 of 4 minimal-API endpoints require policy 'Staff'")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET,HEAD /api/reports/{id}")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HandlerWithAuthorizeAttribute_Counts()
    {
        await Test("""
                using Microsoft.AspNetCore.Authorization;

                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/orders", [Authorize] () => "orders");
                app.MapPost("/orders", [Authorize(Policy = "Staff")] (string body) => body);
                app.MapGet("/invoices", Handlers.Invoices);
                app.[|Map|]("/reports", () => "reports");
                app.Run();

                static class Handlers
                {
                    [Authorize]
                    public static string Invoices() => "invoices";
                }
                """)
            .ExpectMessage(0, "Endpoint '/reports' allows anonymous access, but 3 of 4 minimal-API endpoints require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "/reports")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_MinimalApisJudgedUnderGlobalAuthorizeFilter()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.AspNetCore.Mvc.Authorization;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddControllers(options => options.Filters.Add(new AuthorizeFilter()));
                var app = builder.Build();
                app.MapControllers();
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapGet("/invoices", () => "invoices").RequireAuthorization();
                app.MapGet("/customers", () => "customers").RequireAuthorization();
                app.[|MapDelete|]("/customers/{id}", (int id) => id);
                app.Run();

                [ApiController, Route("api/[controller]")]
                public class ReportsController : ControllerBase
                {
                    [HttpGet] public IActionResult List() => Ok();
                }
                """)
            .ExpectMessage(0, "Endpoint 'DELETE /customers/{id}' allows anonymous access, but 3 of 4 minimal-API endpoints require authorization")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_FewMinimalEndpoints_JudgedWithControllers()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.AspNetCore.Mvc.Authorization;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddControllers(options => options.Filters.Add(new AuthorizeFilter("Staff")));
                var app = builder.Build();
                app.MapControllers();
                app.[|MapGet|]("/health/details", () => "details");
                app.Run();

                [ApiController, Route("api/[controller]")] public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                [ApiController, Route("api/[controller]")] public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                [ApiController, Route("api/[controller]")] public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """)
            .ExpectMessage(0, "Endpoint 'GET /health/details' allows anonymous access, but 3 of 4 endpoints (controller actions and minimal APIs) require authorization")
            .ValidateAsync();
    }
}
