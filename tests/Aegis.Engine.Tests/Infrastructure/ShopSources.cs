namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// The small ASP.NET Core shop the engine and reliability tests compile: its controllers and the reference
/// assemblies (this test host's own). Linked into Aegis.Reliability.Tests.
/// </summary>
public static class ShopSources
{
    public static IReadOnlyList<string> References { get; } = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
            || Path.GetFileName(p).StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || Path.GetFileName(p).StartsWith("Microsoft.Extensions", StringComparison.Ordinal)
            || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Net.Http.Headers.dll")
        .OrderBy(p => p, StringComparer.Ordinal)
        .ToList();

    /// <summary>An authorized controller; {0} is its name.</summary>
    public const string AuthorizedController = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        namespace Shop;

        [Authorize]
        [ApiController]
        [Route("api/[controller]")]
        public class {0}Controller : ControllerBase
        {
            [HttpGet]
            public IActionResult Get() => Ok();
        }
        """;

    /// <summary>A controller without authorization: AEG003 reports it (beside authorized ones) and offers a fix.</summary>
    public const string OpenController = """
        using Microsoft.AspNetCore.Mvc;

        namespace Shop;

        [ApiController]
        [Route("api/[controller]")]
        public class OrdersController : ControllerBase
        {
            [HttpGet("{id}")]
            public IActionResult Get(int id) => Ok(id);
        }
        """;

    /// <summary>An authorized Dapper controller whose query is parameterized: the file the propose and hook tests change.</summary>
    public const string DapperProductsController = """
        using System.Data;
        using Dapper;
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        namespace Shop;

        [Authorize]
        [ApiController]
        [Route("api/[controller]")]
        public class ProductsController : ControllerBase
        {
            private readonly IDbConnection connection;

            public ProductsController(IDbConnection connection) => this.connection = connection;

            [HttpGet]
            public IActionResult Find([FromQuery] string name) => Ok(connection.Query<string>("SELECT Name FROM Products WHERE Name = @name", new { name }));
        }
        """;
}
