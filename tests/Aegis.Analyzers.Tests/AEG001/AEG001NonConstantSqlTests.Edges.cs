using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001: shapes that must neither loop nor throw, and less common flows.</summary>
public partial class AEG001NonConstantSqlTests
{
    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConditionalWithOneTaintedArm()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string name, bool all)
                    {
                        var where = all ? "" : " WHERE Name = '" + name + "'";
                        cmd.CommandText = [|"SELECT * FROM Users" + where|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from parameter 'name'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ParameterizeAdo)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_LocalFunctionAndLoop()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Collections.Generic;
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, IEnumerable<string> names)
                    {
                        var sql = "SELECT * FROM Users WHERE 1 = 0";
                        foreach (var name in names)
                        {
                            sql += Or(name);
                        }

                        cmd.CommandText = [|sql|];

                        static string Or(string value) => " OR Name = '" + value + "'";
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from local 'sql' (parameter 'names'); pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_RecursiveHelpersTerminate()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, int depth) => cmd.CommandText = Build(depth);

                    private static string Build(int depth) => depth == 0 ? "SELECT 1" : Build(depth - 1) + " UNION SELECT 1";

                    private static string PingPong(string text) => Pong(text + "x");

                    private static string Pong(string text) => PingPong(text);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_RequestModelProperty()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.Data.Sqlite;

                public record SearchRequest(string Name, int Page);

                [Route("api/search")]
                public class SearchController : Controller
                {
                    [HttpPost]
                    public IActionResult Post([FromBody] SearchRequest request, [FromServices] SqliteConnection db)
                    {
                        using var cmd = db.CreateCommand();
                        cmd.CommandText = [|$"SELECT * FROM Users WHERE Name = '{request.Name}' LIMIT 10 OFFSET {request.Page * 10}"|];
                        return Ok();
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from property 'Name' of parameter 'request' (request data); pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "POST /api/search")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ExpressionBodiedSinkInsideNonHandlerLambda()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Collections.Generic;
                using System.Linq;
                using Dapper;
                using Microsoft.Data.Sqlite;

                internal sealed class Importer
                {
                    internal void Run(SqliteConnection db, List<string> tables)
                        => tables.ForEach(t => db.Execute([|"DELETE FROM Staging WHERE Source = '" + t + "'"|]));
                }
                """)
            .ExpectMessage(0, "SQL passed to SqlMapper.Execute is built from parameter 't'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.60")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HttpRequestBodyAndForm()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.IO;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Data.Sqlite;

                internal sealed class Import
                {
                    internal async Task Run(HttpContext context, SqliteCommand cmd)
                    {
                        using var reader = new StreamReader(context.Request.Body);
                        var where = await reader.ReadToEndAsync();
                        cmd.CommandText = [|"SELECT * FROM Users WHERE " + where|];
                        cmd.CommandText = [|$"SELECT * FROM Users WHERE Name = '{context.Request.Form["name"]}'"|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from HttpRequest.Body (request data); pass the value as a parameter")
            .ExpectMessage(1, "SQL passed to SqliteCommand.CommandText is built from HttpRequest.Form (request data); pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_BrokenSelfReferencingLocals()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .AllowCompilerErrors()
            .WithSource("""
                using Microsoft.AspNetCore.Http;
                using Microsoft.Data.Sqlite;

                public class Broken
                {
                    public void Run(SqliteCommand cmd, HttpRequest request)
                    {
                        var reader = reader.Read();
                        var sql = sql + "x";
                        cmd.CommandText = "SELECT " + reader.Read();
                        cmd.CommandText = sql;
                        cmd.CommandText = $"SELECT {Undefined.Member}" + ;
                        cmd = new SqliteCommand($"{", );
                    }
                }
                """)
            .ValidateAsync();
    }
}
