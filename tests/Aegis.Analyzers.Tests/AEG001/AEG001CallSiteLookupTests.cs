using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>
/// AEG001 finds a parameter's callers by searching the trees' text for the method's name, not by walking every tree:
/// every way of writing a call is still found, and the name in a comment or a string is not a call.
/// </summary>
public class AEG001CallSiteLookupTests
{
    /// <summary>A repository whose public method runs its parameter as SQL; {0} is how the controller calls it.</summary>
    internal const string Sources = """
        using System.Collections.Generic;
        using Dapper;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Data.Sqlite;

        [ApiController]
        [Route("api/users")]
        public class UsersController : ControllerBase
        {
            private readonly UserRepository repository = new();

            [HttpGet]
            public IActionResult Find(string name) => Ok({0});
        }

        public class UserRepository
        {
            private readonly SqliteConnection connection = new("Data Source=app.db");

            public IEnumerable<dynamic> FindByName(string name) => connection.Query([|"SELECT * FROM Users WHERE Name = '" + name + "'"|]);

            public IEnumerable<dynamic> FindByName<T>(string name, T tag) => connection.Query([|"SELECT * FROM Users WHERE Name = '" + name + "'"|]);
        }
        """;

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("repository.FindByName(name)")]
    [InlineData("repository.FindByName (name)")]
    [InlineData("repository.FindByName\n        (name)")]
    [InlineData("repository.FindByName/* by name */(name)")]
    [InlineData("repository?.FindByName(name)")]
    [InlineData("repository.@FindByName(name)")]
    [InlineData("repository.FindByName<int>(name, 1)")]
    [InlineData("repository.FindByName(\"alice\") ?? repository.FindByName(name)")]
    public async Task Detect_RequestDataCaller_FoundWhateverTheCallLooksLike(string call)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Sources.Replace("{0}", call))
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, call.Contains("<int>", StringComparison.Ordinal) ? "0.90" : "0.95")
            .ExpectProperty(1, DiagnosticPropertyNames.Confidence, call.Contains("<int>", StringComparison.Ordinal) ? "0.95" : "0.90")
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("repository.FindByName(\"alice\")\n        // not repository.FindByName(name)\n        ")]
    [InlineData("repository.FindByName(\"alice\") /* repository.FindByName(name) */")]
    [InlineData("repository.FindByName(\"alice\").ToString() + \"repository.FindByName(name)\"")]
    public async Task Safe_NameInCommentOrString_IsNoCaller(string call)
    {
        // The only real call passes a constant: the parameter keeps the public-method band, without the request's.
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Sources.Replace("{0}", call))
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.90")
            .ExpectProperty(1, DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
    }

    /// <summary>A query object whose constructor parameter ends up in SQL; {0} is how the controller creates it.</summary>
    private const string Creations = """
        using System.Collections.Generic;
        using Dapper;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Data.Sqlite;

        namespace Shop
        {
            [ApiController]
            [Route("api/search")]
            public class SearchController : ControllerBase
            {
                private readonly SqliteConnection connection = new("Data Source=app.db");

                [HttpGet]
                public IActionResult Search(string q)
                {
                    {0}
                    return Ok(search.Run(connection));
                }
            }

            public class UserSearch
            {
                private readonly string name;

                public UserSearch(string name) => this.name = name;

                public IEnumerable<dynamic> Run(SqliteConnection connection) => connection.Query([|"SELECT * FROM Users WHERE Name = '" + name + "'"|]);
            }
        }
        """;

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("var search = new UserSearch(q);")]
    [InlineData("var search = new Shop.UserSearch(q);")]
    [InlineData("var search = new global::Shop.UserSearch(q);")]
    [InlineData("UserSearch search = new(q);")]
    [InlineData("UserSearch search = new (q);")]
    public async Task Detect_RequestDataThroughConstructor_FoundWhateverTheCreationLooksLike(string creation)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Creations.Replace("{0}", creation))
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(0, DiagnosticPropertyNames.Route, "GET /api/search")
            .ValidateAsync();
    }
}

/// <summary>Which trees AEG001's caller search had to walk node by node.</summary>
[Collection(nameof(AEG001CallSiteWalkTests))] // The walk counter is process-wide: no other test may search callers meanwhile.
public class AEG001CallSiteWalkTests
{
    private const string Sources = AEG001CallSiteLookupTests.Sources;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_CallersFound_WithoutWalkingAnyTree()
    {
        var walksBefore = SqlCallSites.TreeWalks;
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Sources.Replace("{0}", "repository.FindByName(name)"))
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(1, DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
        Assert.Equal(walksBefore, SqlCallSites.TreeWalks);
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_CallerWrittenWithUnicodeEscape_FoundByWalkingThatTree()
    {
        var walksBefore = SqlCallSites.TreeWalks;
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Sources.Replace("{0}", "repository.\\u0046indByName(name)"))
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(1, DiagnosticPropertyNames.Confidence, "0.90")
            .ValidateAsync();
        Assert.True(SqlCallSites.TreeWalks > walksBefore);
    }
}

[CollectionDefinition(nameof(AEG001CallSiteWalkTests), DisableParallelization = true)]
public sealed class AEG001CallSiteWalkCollection
{
}
