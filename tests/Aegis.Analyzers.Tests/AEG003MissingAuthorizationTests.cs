using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Tests;

[Trait("Rule", "AEG003")]
public sealed class AEG003MissingAuthorizationTests
{
    private const string Usings = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        """;

    /// <summary>Three controllers that carry <paramref name="attribute"/> at class level.</summary>
    private static string ProtectedControllers(string attribute, params string[] names)
        => string.Concat((names.Length == 0 ? new[] { "Orders", "Invoices", "Customers" } : names).Select(name => $$"""

            [ApiController, Route("api/[controller]"), {{attribute}}]
            public class {{name}}Controller : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpPost] public IActionResult Create() => Ok();
            }

            """));

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
    [Trait("Category", "Detect")]
    public async Task Detect_ClassLevelPolicyConvention_ControllerWithoutAuthorize()
    {
        await Test(Usings + ProtectedControllers("Authorize(Policy = \"Staff\")") + """
                [ApiController, Route("api/[controller]")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet("{id}")] public IActionResult Get(int id) => Ok();
                }
                """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 6 of 7 controller actions require policy 'Staff'")
            .ExpectSeverity(0, DiagnosticSeverity.Warning)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.86")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.AddAuthorize)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.EndpointAuthorized)
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "/api/Reports")
            .ExpectProperty(0, DiagnosticPropertyNames.EndpointKind, "controller")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(Policy = \"Staff\")]")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeLevel, "class")
            .ExpectProperty(0, DiagnosticPropertyNames.Convention, "6 of 7 controller actions require policy 'Staff'")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ControllerWithMutatingAction_IsHighSeverity()
    {
        await Test(Usings + ProtectedControllers("Authorize(\"Staff\")") + """
                [ApiController, Route("api/[controller]")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet] public IActionResult List() => Ok();
                    [HttpDelete("{id}")] public IActionResult Delete(int id) => Ok();
                }
                """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 6 of 8 controller actions require policy 'Staff'")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(\"Staff\")]")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_RolesConvention()
    {
        await Test(Usings + ProtectedControllers("Authorize(Roles = \"Admin,Staff\")") + """
                public class [|ReportsController|] : Controller
                {
                    public IActionResult Index() => View();
                }
                """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 6 of 7 controller actions require role(s) 'Admin,Staff'")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "/Reports")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(Roles = \"Admin,Staff\")]")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SchemeConvention()
    {
        await Test(Usings + ProtectedControllers("Authorize(AuthenticationSchemes = \"Bearer\")") + """
                [ApiController, Route("api/[controller]")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet] public IActionResult List() => Ok();
                }
                """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 6 of 7 controller actions require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(AuthenticationSchemes = \"Bearer\")]")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_CustomAuthorizeDataAttribute_CountsAsConvention()
    {
        await Test(Usings + """
                public sealed class StaffOnlyAttribute : System.Attribute, IAuthorizeData
                {
                    public string? Policy { get; set; } = "Staff";
                    public string? Roles { get; set; }
                    public string? AuthenticationSchemes { get; set; }
                }
                """ + ProtectedControllers("StaffOnly") + """
                [ApiController, Route("api/[controller]")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet] public IActionResult List() => Ok();
                }
                """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 6 of 7 controller actions require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[StaffOnly]")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_BaseClassAuthorize_CountsAsAuthorized()
    {
        await Test(Usings + """
                [Authorize(Policy = "Staff")]
                public abstract class SecureController : ControllerBase { }

                [Route("api/[controller]")] public class OrdersController : SecureController { [HttpGet] public IActionResult List() => Ok(); }
                [Route("api/[controller]")] public class InvoicesController : SecureController { [HttpGet] public IActionResult List() => Ok(); }
                [Route("api/[controller]")] public class CustomersController : SecureController { [HttpGet] public IActionResult List() => Ok(); }
                [Route("api/[controller]")] public class [|ReportsController|] : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """)
            .ExpectMessage(0, "Controller 'ReportsController' allows anonymous access, but 3 of 4 controller actions require policy 'Staff'")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeLevel, "class")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ActionLevelConvention_ActionWithoutAuthorize()
    {
        await Test(Usings + """
                [ApiController, Route("api/[controller]")]
                public class OrdersController : ControllerBase
                {
                    [HttpGet, Authorize(Roles = "Admin")] public IActionResult List() => Ok();
                    [HttpPost, Authorize(Roles = "Admin")] public IActionResult Create() => Ok();
                }

                [ApiController, Route("api/[controller]")]
                public class InvoicesController : ControllerBase
                {
                    [HttpGet, Authorize(Roles = "Admin")] public IActionResult List() => Ok();
                }

                [ApiController, Route("api/[controller]")]
                public class CustomersController : ControllerBase
                {
                    [HttpGet, Authorize(Roles = "Admin")] public IActionResult List() => Ok();
                    [HttpGet("public"), AllowAnonymous] public IActionResult Public() => Ok();
                }

                [ApiController, Route("api/[controller]")]
                public class UsersController : ControllerBase
                {
                    [HttpGet("{id}"), Authorize(Roles = "Admin")] public IActionResult Get(int id) => Ok();
                    [HttpDelete("{id}")] public IActionResult [|Delete|](int id) => Ok();
                }
                """)
            .ExpectMessage(0, "Action 'UsersController.Delete' allows anonymous access, but 5 of 6 controller actions require role(s) 'Admin'")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "DELETE /api/Users/{id}")
            .ExpectProperty(0, DiagnosticPropertyNames.EndpointKind, "action")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeLevel, "action")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeAttribute, "[Authorize(Roles = \"Admin\")]")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.AddAuthorize)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ActionLevelConvention_UnprotectedControllerReportsEachAction()
    {
        await Test(Usings + """
                public class OrdersController : ControllerBase { [HttpGet("orders"), Authorize] public IActionResult List() => Ok(); }
                public class InvoicesController : ControllerBase { [HttpGet("invoices"), Authorize] public IActionResult List() => Ok(); }
                public class CustomersController : ControllerBase { [HttpGet("customers"), Authorize] public IActionResult List() => Ok(); }
                public class CustomerNotesController : ControllerBase { [HttpGet("notes"), Authorize] public IActionResult List() => Ok(); }

                public class ReportsController : ControllerBase
                {
                    [HttpGet("reports")] public IActionResult [|List|]() => Ok();
                    [HttpPut("reports/{id}")] public IActionResult [|UpdateAsync|](int id) => Ok();
                }
                """)
            .ExpectMessage(0, "Action 'ReportsController.List' allows anonymous access, but 4 of 6 controller actions require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /reports")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ExpectMessage(1, "Action 'ReportsController.UpdateAsync' allows anonymous access, but 4 of 6 controller actions require authorization")
            .ExpectProperty(1, DiagnosticPropertyNames.Route, "PUT /reports/{id}")
            .ExpectProperty(1, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ClassLevelConvention_PartlyProtectedController_ReportsTheAction()
    {
        await Test(Usings + ProtectedControllers("Authorize") + """
                [ApiController, Route("api/[controller]/[action]")]
                public class ReportsController : ControllerBase
                {
                    [HttpGet, Authorize] public IActionResult List() => Ok();
                    [HttpPost] public IActionResult [|ExportAsync|]() => Ok();
                }
                """)
            .ExpectMessage(0, "Action 'ReportsController.ExportAsync' allows anonymous access, but 7 of 8 controller actions require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "POST /api/Reports/Export")
            .ExpectProperty(0, DiagnosticPropertyNames.EndpointKind, "action")
            .ExpectProperty(0, DiagnosticPropertyNames.AuthorizeLevel, "class")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_InheritedActionFromUserBase_ReportedOnTheController()
    {
        await Test(Usings + ProtectedControllers("Authorize") + """
                public abstract class CrudController : ControllerBase
                {
                    [HttpGet("{id}")] public IActionResult Get(int id) => Ok();
                }

                [Route("api/[controller]")]
                public class [|ReportsController|] : CrudController
                {
                    [HttpGet, Authorize] public IActionResult List() => Ok();
                }
                """)
            .ExpectMessage(0, "Action 'ReportsController.Get' allows anonymous access, but 7 of 8 controller actions require authorization")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /api/Reports/{id}")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_NonControllerTypes_AreNotEndpoints()
    {
        await Test(Usings + ProtectedControllers("Authorize") + """
                public abstract class BaseController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                public class ReportsService { public void Run() { } }
                [NonController] public class LooksLikeController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                internal class InternalController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                public class GenericController<T> : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                public class EmptyController : ControllerBase { }
                """)
            .ValidateAsync();
    }
}
