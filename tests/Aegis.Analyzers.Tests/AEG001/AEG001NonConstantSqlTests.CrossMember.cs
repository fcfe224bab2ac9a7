using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>
/// AEG001: flow across methods, classes and members — request data through services and repositories (also behind
/// interfaces), SQL kept in properties and fields, SQL built in one class and run in another, StringBuilders finished
/// by helpers.
/// </summary>
public partial class AEG001NonConstantSqlTests
{
    /// <summary>A controller whose action hands request data to a service (a DI-injected interface field).</summary>
    private const string UsersController = """
        using Microsoft.AspNetCore.Mvc;

        [ApiController]
        [Route("api/[controller]")]
        public class UsersController : ControllerBase
        {
            private readonly IUserService users;

            public UsersController(IUserService users) => this.users = users;

            [HttpGet("{name}")]
            public IActionResult Find(string name) => Ok(users.Find(name));

            [HttpGet("by-id/{id}")]
            public IActionResult Get(int id) => Ok(users.Get(id));
        }
        """;

    /// <summary>The service (through an interface) and the repository (through another) the controller reaches.</summary>
    private const string UserServices = """
        using System.Collections.Generic;
        using Dapper;
        using Microsoft.Data.Sqlite;

        public interface IUserService
        {
            IEnumerable<dynamic> Find(string name);

            IEnumerable<dynamic> Get(int id);
        }

        public class UserService : IUserService
        {
            private readonly IUserRepository repository;

            public UserService(IUserRepository repository) => this.repository = repository;

            public IEnumerable<dynamic> Find(string name) => repository.FindByName(name.Trim());

            public IEnumerable<dynamic> Get(int id) => repository.FindById(id);
        }

        public interface IUserRepository
        {
            IEnumerable<dynamic> FindByName(string name);

            IEnumerable<dynamic> FindById(int id);
        }

        public class UserRepository : IUserRepository
        {
            private readonly SqliteConnection connection = new("Data Source=app.db");

            public IEnumerable<dynamic> FindByName(string name) => connection.Query({0});

            public IEnumerable<dynamic> FindById(int id) => connection.Query($"SELECT * FROM Users WHERE Id = {id}");
        }
        """;

    private const string FindByNameSql = "$\"SELECT * FROM Users WHERE Name = '{name}'\"";

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_RequestDataThroughServiceAndRepository_KeepsConfidenceAndRoute()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(UsersController)
            .WithSource(UserServices.Replace("{0}", "[|" + FindByNameSql + "|]"))
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'name' (request data); pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /api/Users/{name}")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_MinimalApiHandlerThroughServiceAndRepository_KeepsConfidenceAndRoute()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithWebImplicitUsings()
            .WithSource("""
                var app = WebApplication.Create(args);
                var api = app.MapGroup("/api");
                api.MapGet("/users/{name}", (string name, IUserService users) => users.Find(name));
                app.Run();
                """)
            .WithSource(UserServices.Replace("{0}", "[|" + FindByNameSql + "|]"))
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /api/users/{name}")
            .ExpectProperty(0, DiagnosticPropertyNames.Source, "parameter 'name' (request data)")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PublicRepositoryCalledOnlyWithConstants_StaysPublicParameterWithoutRoute()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                public class Nightly
                {
                    private readonly IUserService users;

                    public Nightly(IUserService users) => this.users = users;

                    public void Run() => users.Find("system");
                }
                """)
            .WithSource(UserServices.Replace("{0}", "[|" + FindByNameSql + "|]"))
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'name'; pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.90")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, null)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_RequestDataThroughServiceAndRepository_AsIntegerOrParameter()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(UsersController)
            .WithSource(UserServices.Replace("{0}", "\"SELECT * FROM Users WHERE Name = @name\", new { name }"))
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_InternalRepositoryReachedFromAction_RequestData()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Dapper;
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.Data.Sqlite;

                [ApiController]
                [Route("api/orders")]
                public class OrdersController : ControllerBase
                {
                    private readonly OrderStore store = new();

                    [HttpDelete("{code}")]
                    public IActionResult Delete(string code)
                    {
                        store.Delete(code);
                        return NoContent();
                    }
                }

                internal sealed class OrderStore
                {
                    private readonly SqliteConnection connection = new("Data Source=app.db");

                    internal void Delete(string code) => connection.Execute([|"DELETE FROM Orders WHERE Code = '" + code + "'"|]);
                }
                """)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "DELETE /api/orders/{code}")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_InternalRepositoryCalledOnlyWithConstants()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Dapper;
                using Microsoft.Data.Sqlite;

                public class Cleanup
                {
                    private readonly OrderStore store = new();

                    public void Run()
                    {
                        store.Delete("expired");
                        store.Delete("cancelled");
                    }
                }

                internal sealed class OrderStore
                {
                    private readonly SqliteConnection connection = new("Data Source=app.db");

                    internal void Delete(string state) => connection.Execute("DELETE FROM Orders WHERE State = '" + state + "'");
                }
                """)
            .ValidateAsync();
    }

    /// <summary>SQL kept in a property, a lazily initialised property and a field set in the constructor; {0} is what the controller passes.</summary>
    private const string UserSearch = """
        using System.Collections.Generic;
        using Dapper;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Data.Sqlite;

        [ApiController]
        [Route("api/search")]
        public class SearchController : ControllerBase
        {
            private readonly SqliteConnection connection = new("Data Source=app.db");

            [HttpGet]
            public IActionResult Search(string q) => Ok(new UserSearch({0}).Run(connection));
        }

        public class UserSearch
        {
            private readonly string name;
            private readonly string countSql;
            private string? cachedSql;

            public UserSearch(string name)
            {
                this.name = name;
                countSql = "SELECT COUNT(*) FROM Users WHERE Name = '" + name + "'";
            }

            private string Sql => $"SELECT * FROM Users WHERE Name = '{name}'";

            private string CachedSql => cachedSql ??= "SELECT * FROM Users WHERE Name LIKE '" + name + "%'";

            public IEnumerable<dynamic> Run(SqliteConnection connection)
            {
                connection.Query([|Sql|]);
                connection.Query([|CachedSql|]);
                connection.ExecuteScalar([|countSql|]);
                return connection.Query([|"SELECT * FROM Users WHERE Name = '" + name + "'"|]);
            }
        }
        """;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SqlInPropertyLazyPropertyAndConstructorField_FollowedToRequestData()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(UserSearch.Replace("{0}", "q"))
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'q' (request data); pass the value as a parameter")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(DiagnosticPropertyNames.Route, "GET /api/search")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_SqlInPropertyLazyPropertyAndConstructorField_ConstantArgument()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(UserSearch.Replace("{0}", "\"alice\"").Replace("[|", string.Empty).Replace("|]", string.Empty))
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConstructorFieldWithoutCallSites_StaysLowConfidence()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Archive
                {
                    private readonly string table;

                    public Archive(string table) => this.table = table;

                    public void Purge(SqliteCommand cmd) => cmd.CommandText = [|"DELETE FROM " + table|];
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from field 'table'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.30")
            .ValidateAsync();
    }

    /// <summary>SQL built by a query factory behind an interface and run by a repository; {0} is what the repository passes.</summary>
    private const string QueryFactory = """
        using Dapper;
        using Microsoft.Data.Sqlite;

        public interface IQueryFactory
        {
            string ByCustomer(string customer);
        }

        public sealed class QueryFactory : IQueryFactory
        {
            public string ByCustomer(string customer) => "SELECT * FROM Orders WHERE Customer = '" + customer + "'";
        }

        public static class Queries
        {
            public static IQueryFactory Create() => new QueryFactory();
        }

        public class OrderRepository
        {
            private readonly IQueryFactory queries;
            private readonly SqliteConnection connection = new("Data Source=app.db");

            public OrderRepository(IQueryFactory queries) => this.queries = queries;

            public void Find(string customer, int id)
            {
                connection.Query([|queries.ByCustomer({0})|]);
                connection.Query([|Queries.Create().ByCustomer({0})|]);
            }
        }
        """;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SqlBuiltByFactoryBehindInterface()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(QueryFactory.Replace("{0}", "customer"))
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'customer'; pass the value as a parameter")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_SqlBuiltByFactoryBehindInterface_ConstantOrInteger()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(QueryFactory.Replace("{0}", "\"ACME\"").Replace("[|", string.Empty).Replace("|]", string.Empty))
            .WithSource(QueryFactory.Replace("{0}", "id.ToString()").Replace("[|", string.Empty).Replace("|]", string.Empty)
                .Replace("IQueryFactory", "IIdQueryFactory").Replace("class QueryFactory", "class IdQueryFactory").Replace("new QueryFactory", "new IdQueryFactory")
                .Replace("class Queries", "class IdQueries").Replace("Queries.Create", "IdQueries.Create").Replace("OrderRepository", "IdOrderRepository"))
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_InterfaceWithTwoImplementations_NotFollowed()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(QueryFactory.Replace("{0}", "customer").Replace("[|", string.Empty).Replace("|]", string.Empty) + """

                public sealed class CachedQueryFactory : IQueryFactory
                {
                    public string ByCustomer(string customer) => "SELECT * FROM Orders WHERE Customer = @customer";
                }
                """)
            .ValidateAsync();
    }

    /// <summary>A StringBuilder finished by an extension, by <c>ToString(start, length)</c>, by a helper, or built by one; {0} is the appended value.</summary>
    private const string BuilderFinishers = """
        using System.Text;
        using Microsoft.Data.Sqlite;

        public static class SqlTextExtensions
        {
            public static string ToSql(this StringBuilder builder) => builder.ToString().TrimEnd();
        }

        public class Report
        {
            public void Run(SqliteCommand cmd, string region, int year)
            {
                var sql = new StringBuilder("SELECT * FROM Sales WHERE Region = '");
                sql.Append({0}).Append("'");
                cmd.CommandText = [|sql.ToSql()|];
                cmd.CommandText = [|sql.ToString(0, sql.Length)|];
                cmd.CommandText = [|Finish(sql)|];
                cmd.CommandText = [|Start({0}).ToString()|];
            }

            private static StringBuilder Start(object value)
            {
                var builder = new StringBuilder("SELECT * FROM Sales WHERE Region = '");
                builder.Append(value);
                return builder.Append("'");
            }

            private static string Finish(StringBuilder builder)
            {
                builder.Append(" ORDER BY Day");
                return builder.ToString();
            }
        }
        """;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_StringBuilderFinishedByExtensionSliceOrHelper()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(BuilderFinishers.Replace("{0}", "region"))
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from parameter 'region'; pass the value as a parameter")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.90")
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.ParameterizeAdo)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_StringBuilderFinishedByExtensionSliceOrHelper_ConstantOrInteger()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(BuilderFinishers.Replace("{0}", "year").Replace("[|", string.Empty).Replace("|]", string.Empty))
            .WithSource(BuilderFinishers.Replace("{0}", "\"EMEA\"").Replace("[|", string.Empty).Replace("|]", string.Empty)
                .Replace("class SqlTextExtensions", "class OtherExtensions").Replace("ToSql", "ToText").Replace("class Report", "class OtherReport"))
            .ValidateAsync();
    }

    /// <summary>A public executor in one class runs SQL that an action in another builds; {0} is what the action appends.</summary>
    private const string SqlExecutor = """
        using Dapper;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Data.Sqlite;

        public class Database
        {
            private readonly SqliteConnection connection = new("Data Source=app.db");

            public int Execute(string sql) => connection.Execute({1});
        }

        [ApiController]
        [Route("api/customers")]
        public class CustomersController : ControllerBase
        {
            private readonly Database database = new();

            [HttpPost("{id}/deactivate")]
            public IActionResult Deactivate(string email, int id) => Ok(database.Execute("UPDATE Customers SET Active = 0 WHERE Email = '" + {0} + "'"));

            [HttpPost("purge")]
            public IActionResult Purge() => Ok(database.Execute("DELETE FROM Customers WHERE Active = 0"));
        }
        """;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SqlBuiltByActionAndRunByExecutorInAnotherClass_RequestDataAndRoute()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SqlExecutor.Replace("{0}", "email").Replace("{1}", "[|sql|]"))
            .ExpectMessage(0, "SQL passed to SqlMapper.Execute is built from parameter 'sql' (parameter 'email', request data); pass the value as a parameter")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "POST /api/customers/{id}/deactivate")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_SqlBuiltByActionAndRunByExecutorInAnotherClass_Integer()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SqlExecutor.Replace("{0}", "id").Replace("{1}", "sql"))
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_MutuallyRecursiveCallersAcrossClasses_Terminates()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Ping
                {
                    public Pong? Pong { get; set; }

                    public void Run(SqliteCommand cmd, string name)
                    {
                        Pong?.Run(cmd, name);
                        cmd.CommandText = [|"SELECT * FROM Users WHERE Name = '" + name + "'"|];
                    }
                }

                public class Pong
                {
                    public Ping? Ping { get; set; }

                    public void Run(SqliteCommand cmd, string name) => Ping?.Run(cmd, name);
                }
                """)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_CallSiteSearchCutShort_KeepsOwnBand()
    {
        var calls = string.Concat(Enumerable.Range(0, 60).Select(i => "        store.Delete(\"state" + i + "\");\n"));
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Dapper;
                using Microsoft.Data.Sqlite;

                internal sealed class OrderStore
                {
                    private readonly SqliteConnection connection = new("Data Source=app.db");

                    internal void Delete(string state) => connection.Execute([|"DELETE FROM Orders WHERE State = '" + state + "'"|]);
                }
                """)
            .WithSource("public class Cleanup\n{\n    private readonly OrderStore store = new();\n\n    public void Run()\n    {\n" + calls + "    }\n}\n")
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.60")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PropertiesOfTheMembersOwnBand_KeepTheirNameAndLowConfidence()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;
                using Microsoft.Extensions.Configuration;

                public class Archive
                {
                    private readonly IConfiguration configuration;
                    private string table = "Archive";

                    public Archive(IConfiguration configuration) => this.configuration = configuration;

                    public string Table { get => table; set => table = value; }

                    private string Prefix => configuration["Archive:Prefix"] ?? "arc_";

                    public void Purge(SqliteCommand cmd)
                    {
                        cmd.CommandText = [|"DELETE FROM " + Table|];
                        cmd.CommandText = [|"DELETE FROM " + Prefix + "Items"|];
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqliteCommand.CommandText is built from property 'Table'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectMessage(1, "SQL passed to SqliteCommand.CommandText is built from property 'Prefix'; it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.30")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SqlBuiltBySingleOverrideOrGenericInterfaceImplementation()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Dapper;
                using Microsoft.Data.Sqlite;

                public abstract class QueryBuilder
                {
                    public abstract string Where(string value);
                }

                public sealed class NameQueryBuilder : QueryBuilder
                {
                    public override string Where(string value) => "WHERE Name = '" + value + "'";
                }

                public interface IFilter<T>
                {
                    string For(T value, string column);
                }

                public sealed class TextFilter : IFilter<string>
                {
                    public string For(string value, string column) => "SELECT * FROM Users WHERE Code = '" + value + "'";
                }

                public class Users
                {
                    private readonly SqliteConnection connection = new("Data Source=app.db");

                    public void Find(QueryBuilder builder, IFilter<string> filter, string name)
                    {
                        connection.Query([|"SELECT * FROM Users " + builder.Where(name)|]);
                        connection.Query([|filter.For(name, "Code")|]);
                        connection.Query("SELECT * FROM Users " + builder.Where("alice"));
                        connection.Query(filter.For("A-1", "Code"));
                    }
                }
                """)
            .ExpectProperty(DiagnosticPropertyNames.Source, "parameter 'name'")
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ConstructorFieldCreatedByServiceFromAction_RequestData()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(UserSearch.Replace("{0}", "q").Replace("new UserSearch(q).Run(connection)", "new SearchService().Run(q.Trim(), connection)") + """

                public class SearchService
                {
                    public IEnumerable<dynamic> Run(string term, SqliteConnection connection) => new UserSearch(term.ToLowerInvariant()).Run(connection);
                }
                """)
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(DiagnosticPropertyNames.Route, "GET /api/search")
            .ValidateAsync();
    }
}
