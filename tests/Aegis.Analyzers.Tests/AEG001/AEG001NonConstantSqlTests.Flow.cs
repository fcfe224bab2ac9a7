using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001: data flow, confidence bands and options, diagnostic properties, routes, broken code.</summary>
public partial class AEG001NonConstantSqlTests
{
    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_LocalReassignment()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string term, string city)
                    {
                        var sql = "SELECT * FROM Users";
                        sql = sql + " WHERE Name LIKE '%" + term + "%'";
                        sql += " AND City = '" + city + "'";
                        cmd.CommandText = [|sql|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from local 'sql' (parameter 'term'); pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Source, "local 'sql' (parameter 'term')")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_LocalReassignedToConstantBeforeUse()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string term)
                    {
                        var sql = "SELECT * FROM Users WHERE Name = '" + term + "'";
                        sql = "SELECT * FROM Users WHERE Name = @term";
                        cmd.CommandText = sql;
                        cmd.Parameters.AddWithValue("@term", term);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HelperReturningSql()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string term) => cmd.CommandText = [|BuildQuery(term)|];

                    public void Safe(SqliteCommand cmd) => cmd.CommandText = BuildQuery("alice");

                    private static string BuildQuery(string value) => "SELECT * FROM Users WHERE Name = '" + value + "'";
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from parameter 'term'; pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HelperInAnotherFile()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string term)
                    {
                        var sql = Queries.ByName(term);
                        cmd.CommandText = [|sql|];
                    }
                }
                """)
            .WithSource("""
                internal static class Queries
                {
                    public static string ByName(string name) => $"SELECT * FROM Users WHERE Name = '{name}'";
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from local 'sql' (parameter 'term'); pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SqlPassedThroughPrivateHelper()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    private readonly SqliteConnection connection = new("Data Source=app.db");

                    public void Delete(string name) => Execute("DELETE FROM Users WHERE Name = '" + name + "'");

                    public void Purge() => Execute("DELETE FROM Users");

                    private void Execute(string sql)
                    {
                        using var cmd = new SqliteCommand([|sql|], connection);
                        cmd.ExecuteNonQuery();
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to new SqliteCommand(...) is built from parameter 'sql' (parameter 'name'); pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_PrivateHelperWithConstantCallSites()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Maintenance
                {
                    public void Run(SqliteCommand cmd)
                    {
                        Truncate(cmd, "Users");
                        Truncate(cmd, "Orders");
                    }

                    private static void Truncate(SqliteCommand cmd, string table)
                    {
                        cmd.CommandText = "DELETE FROM " + table;
                        cmd.ExecuteNonQuery();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PrivateHelperWithOneTaintedCallSite_NeedsHumanReview()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Maintenance
                {
                    public void Run(SqliteCommand cmd, string table)
                    {
                        Truncate(cmd, "Users");
                        Truncate(cmd, table);
                    }

                    private static void Truncate(SqliteCommand cmd, string table)
                    {
                        cmd.CommandText = [|"DELETE FROM " + table|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from parameter 'table'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.ManualReview)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ControllerAction_RequestData_HighConfidenceWarningWithRoute()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Dapper;
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.Data.Sqlite;

                [ApiController]
                [Route("api/[controller]")]
                public class OrdersController : ControllerBase
                {
                    private readonly SqliteConnection connection = new("Data Source=app.db");

                    [HttpGet("{id}")]
                    public IActionResult Get(string id, string sort)
                    {
                        var rows = connection.Query([|"SELECT * FROM Orders WHERE Id = '" + id + "'"|]);
                        return Ok(rows);
                    }

                    [HttpGet]
                    public IActionResult List(string sort)
                    {
                        using var cmd = connection.CreateCommand();
                        cmd.CommandText = [|$"SELECT * FROM Orders ORDER BY {sort}"|];
                        return Ok();
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'id' (request data); pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /api/Orders/{id}")
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ParameterizeDapper)
            .ExpectProperty(0, DiagnosticPropertyNames.Provider, "sqlite")
            .ExpectProperty(1, DiagnosticPropertyNames.Route, "GET /api/Orders")
            .ExpectProperty(1, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectProperty(1, DiagnosticPropertyNames.Source, "parameter 'sort' (request data)")
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_MinimalApiHandler_RouteAndRequestData()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithWebImplicitUsings()
            .WithSource("""
                using Dapper;
                using Microsoft.Data.Sqlite;

                var app = WebApplication.Create(args);
                var api = app.MapGroup("/api");
                app.MapGet("/orders", (string q, SqliteConnection db) => db.Query([|"SELECT * FROM Orders WHERE Note LIKE '%" + q + "%'"|]));
                api.MapPost("/orders/{id}", (string id, SqliteConnection db) => db.Execute([|$"DELETE FROM Orders WHERE Id = '{id}'"|]));
                app.Run();
                """)
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /orders")
            .ExpectProperty(1, DiagnosticPropertyNames.Route, "POST /api/orders/{id}")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'q' (request data); pass the value as a parameter")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_HttpRequestQuery()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.AspNetCore.Http;
                using Microsoft.Data.Sqlite;

                internal sealed class Search
                {
                    internal void Run(HttpRequest request, SqliteCommand cmd)
                    {
                        string term = request.Query["term"].ToString();
                        cmd.CommandText = [|"SELECT * FROM Users WHERE Name = '" + term + "'"|];
                        cmd.CommandText = [|"SELECT * FROM Users WHERE Name = '" + request.Headers["X-Name"] + "'"|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from HttpRequest.Query (request data); pass the value as a parameter")
            .ExpectMessage(1, "SQL passed to SqliteCommand.CommandText is built from HttpRequest.Headers (request data); pass the value as a parameter")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.95")
            .ValidateAsync();
    }

    private const string JobStore = """
        using Microsoft.Data.Sqlite;
        using Microsoft.Extensions.Configuration;

        public class JobStore<T>
        {
            private readonly string tablePrefix;
            private readonly string tableName = typeof(T).Name;

            public JobStore(IConfiguration configuration) => tablePrefix = configuration["Jobs:TablePrefix"] ?? "QRTZ_";

            public void Purge(SqliteCommand cmd)
            {
                cmd.CommandText = [|"DELETE FROM " + tablePrefix + "Jobs WHERE State = 'done'"|];
                cmd.CommandText = [|$"SELECT COUNT(*) FROM {tableName}"|];
                cmd.CommandText = [|"SELECT * FROM " + GetType().Name|];
            }
        }
        """;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConfiguredOrReflectedMembers_LowConfidenceSuggestion()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(JobStore)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from field 'tablePrefix'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectMessage(1, "SQL passed to SqliteCommand.CommandText is built from field 'tableName'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectMessage(2, "SQL passed to SqliteCommand.CommandText is built from reflection 'GetType().Name'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.30")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_LowConfidenceSeverityFromEditorConfig()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(JobStore)
            .WithEditorConfig("aegis.AEG001.low_confidence_severity = warning")
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ThresholdFromEditorConfigMovesBand()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(JobStore)
            .WithEditorConfig("aegis.sql.high_confidence_threshold = 0.2", "aegis.high_confidence_severity = error")
            .ExpectSeverity(DiagnosticSeverity.Error)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_LowConfidenceSeverityNone()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(JobStore.Replace("[|", string.Empty).Replace("|]", string.Empty))
            .WithEditorConfig("aegis.AEG001.low_confidence_severity = none")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_HighConfidenceSeverityNone()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Search
                {
                    public void Run(SqliteCommand cmd, string name) => cmd.CommandText = "SELECT * FROM Users WHERE Name = '" + name + "'";
                }
                """)
            .WithEditorConfig("aegis.AEG001.high_confidence_severity = none")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_UnknownMethodResult_MediumConfidence()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System;
                using Microsoft.Data.Sqlite;

                internal sealed class Search
                {
                    internal void Run(SqliteCommand cmd, string filter) => cmd.CommandText = [|"SELECT * FROM Users WHERE " + Console.ReadLine()|];
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from return value of 'Console.ReadLine'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.60")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Medium)
            .ExpectSeverity(0, DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    public static TheoryData<string> IdentifierHoles => new()
    {
        "$\"SELECT * FROM {name}\"",
        "\"SELECT * FROM Users u JOIN \" + name + \" o ON o.UserId = u.Id\"",
        "$\"INSERT INTO {name} (Id) VALUES (1)\"",
        "$\"UPDATE {name} SET Active = 0\"",
        "$\"SELECT * FROM Users ORDER BY {name}\"",
        "$\"SELECT * FROM Users ORDER BY Name {name}\"",
        "$\"SELECT Region, COUNT(*) FROM Sales GROUP BY {name}\"",
        "$\"SELECT * FROM [{name}]\"",
        "$\"SELECT * FROM \\\"{name}\\\"\"",
        "$\"TRUNCATE TABLE {name}\"",
        "\"SELECT * FROM Users WHERE \" + name",
        "\"SELECT * FROM Users WHERE Active = 1 AND \" + name",
        "name + \" WHERE Active = 1\"",
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(IdentifierHoles))]
    public async Task Detect_IdentifierHole_NeedsHumanReview(string expression)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Wrap(Wrapper, "using var cmd = sqlite.CreateCommand(); cmd.CommandText = [|" + expression + "|];"))
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectProperty(0, DiagnosticPropertyNames.VerificationStrategy, VerificationStrategies.ManualReview)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PropertiesFromProfile()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Dapper;
                using Microsoft.Data.Sqlite;

                public class Repository
                {
                    public void Find(SqliteConnection connection, string name)
                    {
                        using var cmd = connection.CreateCommand();
                        cmd.CommandText = "SELECT * FROM Users WHERE Name = $name";
                        var p = cmd.CreateParameter();
                        p.ParameterName = "$name";
                        p.Value = name;
                        cmd.Parameters.Add(p);
                        cmd.CommandText = [|"SELECT * FROM Users WHERE Name = '" + name + "'"|];
                        connection.Query("SELECT * FROM Users WHERE Name = @name", new { name });
                        connection.Query([|"SELECT * FROM Users WHERE Name = '" + name + "'"|]);
                    }
                }
                """)
            .ExpectProperty(0, DiagnosticPropertyNames.ParameterStyle, "create_parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Provider, "sqlite")
            .ExpectProperty(0, DiagnosticPropertyNames.PlaceholderStyle, "@name")
            .ExpectProperty(1, DiagnosticPropertyNames.ParameterStyle, "anonymous_object")
            .ExpectProperty(1, DiagnosticPropertyNames.Provider, "sqlite")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ProviderFromProfileFile()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Data;
                using Dapper;

                public class Repository
                {
                    public void Find(IDbConnection connection, string name) => connection.Execute([|"DELETE FROM Users WHERE Name = '" + name + "'"|]);
                }
                """)
            .WithAdditionalFile("/0/.aegis/profile.json", """
                { "schema": "aegis.profile/v1", "data_access": { "libraries": ["dapper"], "provider": "oracle", "ado_parameter_style": null, "dapper_parameter_style": "dynamic_parameters" } }
                """)
            .ExpectProperty(0, DiagnosticPropertyNames.Provider, "oracle")
            .ExpectProperty(0, DiagnosticPropertyNames.PlaceholderStyle, ":name")
            .ExpectProperty(0, DiagnosticPropertyNames.ParameterStyle, "dynamic_parameters")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_BrokenCode()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .AllowCompilerErrors()
            .WithSource("""
                using Dapper;
                using Microsoft.Data.Sqlite;

                public class Repository
                {
                    public void Find(SqliteConnection connection, SqliteCommand cmd, string name)
                    {
                        cmd.CommandText = "SELECT " +
                        cmd.CommandText = Missing(name) + ;
                        var sql = $"SELECT {name";
                        connection.Query(sql, );
                        new SqliteCommand(
                        cmd.CommandText = undefinedLocal + "x";
                        sql += ;
                    }

                    private string Helper(string x) => "SELECT " + 
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public void ParamCollectionArgumentKindMatchesRoslyn()
        => Assert.Equal(4, (int)ArgumentKind.ParamCollection);
}
