using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.CodeFixes.Authorization;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Aegis.Analyzers.Tests;

[Trait("Rule", "AEG003")]
[Trait("Category", "Fix")]
public sealed class AEG003MissingAuthorizationFixerTests
{
    private const string Siblings = """

        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
        public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }

        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
        public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }

        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
        public class CustomersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        """;

    private static AnalyzerTest Test(string source, string? siblings = Siblings)
    {
        var test = AnalyzerTest.For<MissingAuthorizationAnalyzer>()
            .WithCodeFix<MissingAuthorizationCodeFixProvider>()
            .WithWebImplicitUsings()
            .WithSource(source);
        return siblings is null ? test : test.WithSource("using Microsoft.AspNetCore.Authorization;\nusing Microsoft.AspNetCore.Mvc;\n" + siblings);
    }

    [Fact]
    public async Task Fix_AddsTheDominantAttributeAndItsUsing_AfterExistingAttributes()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                namespace Shop;

                /// <summary>Reports.</summary>
                [ApiController]
                [Route("api/[controller]")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet] public IActionResult Get() => Ok();
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.AddAuthorize)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                namespace Shop;

                /// <summary>Reports.</summary>
                [ApiController]
                [Route("api/[controller]")]
                [Authorize(Policy = "Staff")]
                public class ReportsController : ControllerBase
                {
                    [HttpGet] public IActionResult Get() => Ok();
                }
                """)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Fix_KeepsDocCommentsAboveTheNewAttribute_AndTheLineEndings(string newLine)
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                namespace Shop
                {
                    /// <summary>Reports.</summary>
                    public class [|ReportsController|] : ControllerBase
                    {
                        [HttpGet("/r")] public IActionResult Get() => Ok();
                    }
                }
                """)
            .WithLineEnding(newLine)
            .WithEquivalenceKey(EquivalenceKeys.AddAuthorize)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                namespace Shop
                {
                    /// <summary>Reports.</summary>
                    [Authorize(Policy = "Staff")]
                    public class ReportsController : ControllerBase
                    {
                        [HttpGet("/r")] public IActionResult Get() => Ok();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_DoesNotAddAUsingThatIsAlreadyImported()
    {
        await Test("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("api/reports")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet] public IActionResult Get() => Ok();
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.AddAuthorize)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("api/reports")]
                [Authorize(Policy = "Staff")]
                public class ReportsController : ControllerBase
                {
                    [HttpGet] public IActionResult Get() => Ok();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_TwoControllersInOneDocument_OneUsing()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                [Route("api/reports")]
                public class [|ReportsController|] : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }

                [Route("api/exports")]
                public class [|ExportsController|] : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """,
                Siblings + """

                [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
                public class PaymentsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }

                [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")]
                public class RefundsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
                """)
            .WithEquivalenceKey(EquivalenceKeys.AddAuthorize)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("api/reports")]
                [Authorize(Policy = "Staff")]
                public class ReportsController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }

                [Route("api/exports")]
                [Authorize(Policy = "Staff")]
                public class ExportsController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_MarksTheControllerAllowAnonymous()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                [Route("api/reports")]
                public class [|ReportsController|] : ControllerBase
                {
                    [HttpGet] public IActionResult Get() => Ok();
                }
                """)
            .WithEquivalenceKey(EquivalenceKeys.AllowAnonymous)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("api/reports")]
                [AllowAnonymous]
                public class ReportsController : ControllerBase
                {
                    [HttpGet] public IActionResult Get() => Ok();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_MinimalApi_AppendsRequireAuthorizationWithTheGroupPolicy()
    {
        await Test(
            """
                var app = WebApplication.CreateBuilder(args).Build();
                var admin = app.MapGroup("/admin").RequireAuthorization("Admin");
                admin.MapGet("/users", () => "users");
                admin.MapPost("/users", () => "created");
                admin.MapDelete("/users/{id}", (int id) => id);
                app.[|MapPost|]("/reports", () => "report");
                app.Run();
                """,
            siblings: null)
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
    public async Task Fix_MinimalApi_MultiLineChain_GetsItsOwnLine()
    {
        await Test(
            """
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapPost("/orders", () => "created").RequireAuthorization();
                app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization();
                app.[|MapDelete|]("/orders/{id}", (int id) => id)
                    .WithName("DeleteOrder")
                    .WithTags("orders"); // keep this comment
                app.Run();
                """,
            siblings: null)
            .WithEquivalenceKey(EquivalenceKeys.RequireAuthorization)
            .ExpectFix("""
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapPost("/orders", () => "created").RequireAuthorization();
                app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization();
                app.MapDelete("/orders/{id}", (int id) => id)
                    .WithName("DeleteOrder")
                    .WithTags("orders")
                    .RequireAuthorization(); // keep this comment
                app.Run();
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_MinimalApi_AllowAnonymous()
    {
        await Test(
            """
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapPost("/orders", () => "created").RequireAuthorization();
                app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization();
                app.[|MapGet|]("/health", () => "ok");
                app.Run();
                """,
            siblings: null)
            .WithEquivalenceKey(EquivalenceKeys.AllowAnonymous)
            .ExpectFix("""
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapPost("/orders", () => "created").RequireAuthorization();
                app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization();
                app.MapGet("/health", () => "ok").AllowAnonymous();
                app.Run();
                """)
            .ValidateAsync();
    }

    [Theory]
    [InlineData(EquivalenceKeys.AddAuthorize)]
    [InlineData(EquivalenceKeys.RequireAuthorization)]
    [InlineData(null)]
    public async Task FixAll_AppliesEachFindingsOwnVariant_WhateverKeyItIsAskedWith(string? key)
    {
        // dotnet format asks FixAll with the first finding's first key (or none): a controller and a minimal API
        // in one document must both be fixed, each the way its kind is protected.
        await Test(
            """
                using Microsoft.AspNetCore.Mvc;

                public static class Api
                {
                    public static void Map(WebApplication app)
                    {
                        app.MapGet("/orders", () => "orders").RequireAuthorization("Staff");
                        app.MapPost("/orders", () => "created").RequireAuthorization("Staff");
                        app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization("Staff");
                        app.[|MapDelete|]("/orders/{id}", (int id) => id);
                    }
                }

                [Route("api/reports")]
                public class [|ReportsController|] : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """)
            .WithBatchEquivalenceKey(key)
            .ExpectBatchFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                public static class Api
                {
                    public static void Map(WebApplication app)
                    {
                        app.MapGet("/orders", () => "orders").RequireAuthorization("Staff");
                        app.MapPost("/orders", () => "created").RequireAuthorization("Staff");
                        app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization("Staff");
                        app.MapDelete("/orders/{id}", (int id) => id).RequireAuthorization("Staff");
                    }
                }

                [Route("api/reports")]
                [Authorize(Policy = "Staff")]
                public class ReportsController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_WithAllowAnonymous_MarksEveryFindingPublic()
    {
        await Test(
            """
                using Microsoft.AspNetCore.Mvc;

                public static class Api
                {
                    public static void Map(WebApplication app)
                    {
                        app.MapGet("/orders", () => "orders").RequireAuthorization("Staff");
                        app.MapPost("/orders", () => "created").RequireAuthorization("Staff");
                        app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization("Staff");
                        app.[|MapGet|]("/health", () => "ok");
                    }
                }

                [Route("api/status")]
                public class [|StatusController|] : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """)
            .WithEquivalenceKey(EquivalenceKeys.AllowAnonymous)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                public static class Api
                {
                    public static void Map(WebApplication app)
                    {
                        app.MapGet("/orders", () => "orders").RequireAuthorization("Staff");
                        app.MapPost("/orders", () => "created").RequireAuthorization("Staff");
                        app.MapPut("/orders/{id}", (int id) => id).RequireAuthorization("Staff");
                        app.MapGet("/health", () => "ok").AllowAnonymous();
                    }
                }

                [Route("api/status")]
                [AllowAnonymous]
                public class StatusController : ControllerBase { [HttpGet] public IActionResult Get() => Ok(); }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_ConfirmPublic_Action_FirstFixMarksItAllowAnonymous()
    {
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")]
                    public IActionResult [|Login|]() => Ok();
                }
                """)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")]
                    [AllowAnonymous]
                    public IActionResult Login() => Ok();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_AttributesOnTheDeclarationsLine_NewAttributeJoinsThemOnThatLine()
    {
        // The repository writes attributes inline; a new line here would leave the method at column 0.
        await Test("""
                using Microsoft.AspNetCore.Mvc;

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")] public IActionResult [|Login|]() => Ok();
                }
                """)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")] [AllowAnonymous] public IActionResult Login() => Ok();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_ConfirmPublic_MinimalApi_AppendsAllowAnonymous()
    {
        await Test(
            """
                var app = WebApplication.CreateBuilder(args).Build();
                app.[|MapPost|]("/auth/refresh", () => "token");
                app.Run();
                """)
            .ExpectFix("""
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapPost("/auth/refresh", () => "token").AllowAnonymous();
                app.Run();
                """)
            .ValidateAsync();
    }

    [Theory]
    [InlineData(EquivalenceKeys.AddAuthorize)]
    [InlineData(EquivalenceKeys.RequireAuthorization)]
    public async Task Fix_ConfirmPublic_OffersNoAuthorization(string key)
    {
        // Authorization on a login endpoint would lock every user out.
        const string source = """
                using Microsoft.AspNetCore.Mvc;

                public static class Api
                {
                    public static void Map(WebApplication app) => app.[|MapPost|]("/auth/login", () => "token");
                }

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("forgot-password")] public IActionResult [|ForgotPassword|]() => Ok();
                }
                """;
        await Test(source)
            .WithEquivalenceKey(key)
            .ExpectFix(source.Replace("[|", string.Empty, StringComparison.Ordinal).Replace("|]", string.Empty, StringComparison.Ordinal))
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_LeavesEndpointsPublicByNecessityAlone()
    {
        // dotnet format applies each finding's recommended fix: the drifted action gets the convention's
        // authorization; declaring the sign-in endpoint public stays a person's decision.
        await Test(
            """
                using Microsoft.AspNetCore.Mvc;

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")]
                    public IActionResult [|Login|]() => Ok();

                    [HttpGet("profile")]
                    public IActionResult [|Profile|]() => Ok();
                }
                """)
            .WithBatchEquivalenceKey(null)
            .WithEquivalenceKey(EquivalenceKeys.AddAuthorize)
            .ExpectFix("""
                using Microsoft.AspNetCore.Authorization;
                using Microsoft.AspNetCore.Mvc;

                [Route("account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")]
                    public IActionResult [|Login|]() => Ok();

                    [HttpGet("profile")]
                    [Authorize(Policy = "Staff")]
                    public IActionResult Profile() => Ok();
                }
                """)
            .ValidateAsync();
    }
}
