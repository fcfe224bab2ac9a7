using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>
/// AEG001: identifiers that data-access libraries compute (table names from types, attributes and mappers, column lists
/// from properties, cached templates, helpers taking table and column names) are a low-band suggestion with identifier
/// advice; validation that leaves only known names through is not a finding; identifier quoting lowers to the low band.
/// </summary>
public partial class AEG001NonConstantSqlTests
{
    private const string IdentifierAdvice = "it is an identifier (a table, column or sort order), which cannot be a parameter: check it against an allow-list of names or quote it as an identifier";
    private const string QuotedIdentifierAdvice = "it is an identifier, quoted: prefer an allow-list of names";
    private const string ValueAdvice = "pass the value as a parameter";

    /// <summary>Dapper.Contrib's Get: the table from [Table] or the type name (cached), the key column from a PropertyInfo.</summary>
    private const string ContribStyleExtensions = """
        using System;
        using System.Collections.Concurrent;
        using System.ComponentModel.DataAnnotations.Schema;
        using System.Data;
        using System.Linq;
        using System.Reflection;
        using Dapper;

        public static class SqlMapperExtensions
        {
            private static readonly ConcurrentDictionary<RuntimeTypeHandle, string> TypeTableName = new();
            private static readonly ConcurrentDictionary<RuntimeTypeHandle, string> GetQueries = new();

            public static Func<Type, string>? TableNameMapper;

            public static T? Get<T>(this IDbConnection connection, int id) where T : class
            {
                var type = typeof(T);
                if (!GetQueries.TryGetValue(type.TypeHandle, out var sql))
                {
                    var key = type.GetProperties().First(p => p.Name == "Id");
                    var name = GetTableName(type);
                    sql = $"select * from {name} where {key.Name} = @id";
                    GetQueries[type.TypeHandle] = sql;
                }

                return connection.QueryFirstOrDefault<T>([|sql|], new { id });
            }

            private static string GetTableName(Type type)
            {
                if (TypeTableName.TryGetValue(type.TypeHandle, out var name))
                {
                    return name;
                }

                if (TableNameMapper != null)
                {
                    name = TableNameMapper(type);
                }
                else
                {
                    var table = type.GetCustomAttribute<TableAttribute>(false);
                    name = table != null ? table.Name : type.Name + "s";
                }

                TypeTableName[type.TypeHandle] = name;
                return name;
            }
        }
        """;

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ContribStyleTableFromAttributeAndKeyColumn_LowBandIdentifierSuggestion()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(ContribStyleExtensions)
            .ExpectMessage(0, "SQL passed to SqlMapper.QueryFirstOrDefault is built from local 'sql' (local 'name'); " + IdentifierAdvice)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.40")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(0, DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectSeverity(0, DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_ColumnListFromPropertyInfoNames_LowBandIdentifierSuggestion()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Collections.Generic;
                using System.Data;
                using System.Linq;
                using Dapper;

                public sealed class Repository<T>
                {
                    private readonly IDbConnection connection;
                    private readonly string table;

                    public Repository(IDbConnection connection, string table)
                    {
                        this.connection = connection;
                        this.table = table;
                    }

                    public IEnumerable<T> All()
                    {
                        var columns = string.Join(", ", typeof(T).GetProperties().Select(p => p.Name));
                        return connection.Query<T>([|$"SELECT {columns} FROM {table}"|]);
                    }

                    public int Insert(T entity)
                    {
                        var names = typeof(T).GetProperties().Select(p => p.Name).ToArray();
                        return connection.Execute([|$"INSERT INTO {table} ({string.Join(", ", names)}) VALUES (@{string.Join(", @", names)})"|], entity);
                    }
                }
                """)
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from return value of 'Enumerable.Select'; " + IdentifierAdvice)
            .ExpectProperty(0, DiagnosticPropertyNames.Confidence, "0.40")
            .ExpectProperty(0, DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectSeverity(0, DiagnosticSeverity.Info)

            // Column names, and parameter names after their @, are identifiers too.
            .ExpectMessage(1, "SQL passed to SqlMapper.Execute is built from return value of 'Enumerable.ToArray'; " + IdentifierAdvice)
            .ExpectProperty(1, DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectSeverity(1, DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_PublicSelectHelperTakingTableAndColumns_LowBandIdentifierSuggestion()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Collections.Generic;
                using System.Data;
                using Dapper;

                public static class SqlHelpers
                {
                    public static IEnumerable<dynamic> Select(this IDbConnection connection, string table, string columns, string orderBy)
                        => connection.Query([|$"SELECT {columns} FROM [{table}] ORDER BY {orderBy}"|]);

                    public static long Count(this IDbConnection connection, string schema, string table)
                        => connection.ExecuteScalar<long>([|"SELECT COUNT(*) FROM " + schema + "." + table|]);
                }
                """)
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'columns'; " + IdentifierAdvice)
            .ExpectMessage(1, "SQL passed to SqlMapper.ExecuteScalar is built from parameter 'schema'; " + IdentifierAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.40")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_TableNameMapperDelegateAndCachedTemplate_LowBandIdentifierSuggestion()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System;
                using System.Data;
                using Dapper;

                public sealed class Counter
                {
                    private const string CountTemplate = "SELECT COUNT(*) FROM {0} WHERE Deleted = 0";

                    public static Func<Type, string> TableNameMapper { get; set; } = type => type.Name;

                    public long Count<T>(IDbConnection connection)
                        => connection.ExecuteScalar<long>([|string.Format(CountTemplate, TableNameMapper(typeof(T)))|]);

                    public int Purge(IDbConnection connection, Type type)
                        => connection.Execute([|$"DELETE FROM {TableNameMapper(type)} WHERE Deleted = 1"|]);
                }
                """)
            .ExpectMessage(0, "SQL passed to SqlMapper.ExecuteScalar is built from return value of 'Func.Invoke'; " + IdentifierAdvice)
            .ExpectMessage(1, "SQL passed to SqlMapper.Execute is built from return value of 'Func.Invoke'; " + IdentifierAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.40")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_IdentifierNextToAValue_StaysAValueFinding()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using System.Collections.Generic;
                using System.Data;
                using Dapper;

                public static class SqlHelpers
                {
                    public static IEnumerable<dynamic> Find(this IDbConnection connection, string table, string name)
                        => connection.Query([|$"SELECT * FROM {table} WHERE Name = '{name}'"|]);

                    public static IEnumerable<dynamic> Where(this IDbConnection connection, string table, string filter)
                        => connection.Query([|$"SELECT * FROM {table} WHERE {filter}"|]);
                }
                """)
            .ExpectMessage(0, "SQL passed to SqlMapper.Query is built from parameter 'table'; " + ValueAdvice)
            .ExpectMessage(1, "SQL passed to SqlMapper.Query is built from parameter 'table'; " + ValueAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.90")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_RequestDataIdentifier_StaysHighWithIdentifierAdvice()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SortController.Replace("{0}", "return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));"))
            .ExpectMessage("SQL passed to SqlMapper.Query is built from parameter 'sort' (request data); " + IdentifierAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.95")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    /// <summary>A controller whose action receives <c>sort</c> from the query string, with allow-lists of every kind; {0} is the action's body.</summary>
    private const string SortController = """
        using System;
        using System.Collections.Frozen;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Data;
        using System.Linq;
        using System.Text.RegularExpressions;
        using Dapper;
        using Microsoft.AspNetCore.Mvc;
        using Npgsql;

        public enum SortColumn { Name, Price }

        [ApiController]
        [Route("api/products")]
        public partial class ProductsController : ControllerBase
        {
            private static readonly HashSet<string> AllowedColumns = new(StringComparer.OrdinalIgnoreCase) { "Name", "Price" };
            private static readonly string[] AllowedArray = { "Name", "Price" };
            private static readonly ImmutableHashSet<string> ImmutableColumns = ImmutableHashSet.Create("Name", "Price");
            private static readonly FrozenSet<string> FrozenColumns = new[] { "Name", "Price" }.ToFrozenSet();
            private static readonly Dictionary<string, string> ColumnsByKey = new() { ["name"] = "Name", ["price"] = "PriceCents" };
            private static readonly Regex IdentifierPattern = new("^[A-Za-z_][A-Za-z0-9_]*$");

            public static readonly HashSet<string> SharedColumns = new() { "Name", "Price" };
            private static readonly HashSet<string> LearnedColumns = new() { "Name", "Price" };
            public static Dictionary<string, string> PublicColumnsByKey { get; } = new() { ["name"] = "Name" };

            private readonly IDbConnection db;

            public ProductsController(IDbConnection db) => this.db = db;

            public static void Learn(string column) => LearnedColumns.Add(column);

            [HttpGet]
            public IActionResult List(string sort)
            {
                {0}
            }
        }
        """;

    private const string OrderBySort = "return Ok(db.Query($\"SELECT * FROM Products ORDER BY {sort}\"));";

    public static TheoryData<string> IdentifierValidations => new()
    {
        "if (!AllowedColumns.Contains(sort)) throw new ArgumentException(\"Unknown column\", nameof(sort)); " + OrderBySort,
        "if (!AllowedArray.Contains(sort)) { return BadRequest(); } " + OrderBySort,
        "if (!ImmutableColumns.Contains(sort)) return BadRequest(); " + OrderBySort,
        "if (!FrozenColumns.Contains(sort)) return BadRequest(); " + OrderBySort,
        "if (string.IsNullOrEmpty(sort) || !AllowedColumns.Contains(sort)) return BadRequest(); " + OrderBySort,
        "if (AllowedColumns.Contains(sort) == false) return BadRequest(); " + OrderBySort,
        "if (AllowedColumns.Contains(sort)) { " + OrderBySort + " } return BadRequest();",
        "if (!Enum.IsDefined(typeof(SortColumn), sort)) return BadRequest(); " + OrderBySort,
        "if (!Regex.IsMatch(sort, \"^[A-Za-z_][A-Za-z0-9_]*$\")) return BadRequest(); " + OrderBySort,
        "if (!Regex.IsMatch(sort, @\"\\A\\w+\\z\")) return BadRequest(); " + OrderBySort,
        "if (!IdentifierPattern.IsMatch(sort)) return BadRequest(); " + OrderBySort,
        "if (sort is not (\"Name\" or \"Price\")) return BadRequest(); " + OrderBySort,
        "var column = ColumnsByKey[sort]; return Ok(db.Query($\"SELECT * FROM Products ORDER BY {column}\"));",
        "if (!ColumnsByKey.TryGetValue(sort, out var column)) return BadRequest(); return Ok(db.Query($\"SELECT * FROM Products ORDER BY {column}\"));",
        "var column = ColumnsByKey.GetValueOrDefault(sort, \"Name\"); return Ok(db.Query($\"SELECT * FROM Products ORDER BY {column}\"));",
        "PublicColumnsByKey.TryGetValue(sort, out var column); if (!AllowedColumns.Contains(column)) return BadRequest(); return Ok(db.Query($\"SELECT * FROM Products ORDER BY {column}\"));",
    };

    [Theory]
    [Trait("Category", "Safe")]
    [MemberData(nameof(IdentifierValidations))]
    public async Task Safe_IdentifierValidatedBeforeUse(string body)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SortController.Replace("{0}", body))
            .ValidateAsync();
    }

    public static TheoryData<string> IdentifierValidationNearMisses => new()
    {
        // The check does not leave: an unknown column is only logged.
        "if (!AllowedColumns.Contains(sort)) { Console.WriteLine(\"unknown sort column\"); } return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",

        // The read sits in the branch where the check failed.
        "if (AllowedColumns.Contains(sort)) { return BadRequest(); } return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",

        // A public set anyone can add to, and a private one the type adds to.
        "if (!SharedColumns.Contains(sort)) return BadRequest(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",
        "if (!LearnedColumns.Contains(sort)) return BadRequest(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",

        // Regexes that do not pin the whole text to name characters.
        "if (!Regex.IsMatch(sort, \"[A-Za-z_]+\")) return BadRequest(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",
        "if (!Regex.IsMatch(sort, \"^[A-Za-z_]+\")) return BadRequest(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",
        "if (!Regex.IsMatch(sort, \"^[A-Za-z_ ,]+$\")) return BadRequest(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",
        "if (!Regex.IsMatch(sort, \"^Name|Price.*$\")) return BadRequest(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",

        // Checked, then changed.
        "if (!AllowedColumns.Contains(sort)) return BadRequest(); sort = HttpContext.Request.Query[\"s\"].ToString(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {sort}\"|]));",
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(IdentifierValidationNearMisses))]
    public async Task Detect_IdentifierValidationNearMiss_StillAFinding(string body)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SortController.Replace("{0}", body))
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_LookupInADictionaryOthersCanChange_StillAFinding()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SortController.Replace("{0}", "var column = PublicColumnsByKey[sort]; return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {column}\"|]));"))
            .ExpectMessage("SQL passed to SqlMapper.Query is built from property 'this[]'; " + IdentifierAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    public static TheoryData<string> QuotedIdentifiers => new()
    {
        "return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY [{sort.Replace(\"]\", \"]]\")}]\"|]));",
        "return Ok(db.Query([|\"SELECT * FROM Products ORDER BY \\\"\" + sort.Replace(\"\\\"\", \"\\\"\\\"\") + \"\\\"\"|]));",
        "return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY `{sort.Replace(\"`\", \"``\")}`\"|]));",
        "using var quoting = new NpgsqlCommandBuilder(); return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY {quoting.QuoteIdentifier(sort)}\"|]));",
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(QuotedIdentifiers))]
    public async Task Detect_QuotedRequestDataIdentifier_LowBand(string body)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SortController.Replace("{0}", body))
            .ExpectMessage("SQL passed to SqlMapper.Query is built from parameter 'sort' (request data); " + QuotedIdentifierAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Confidence, "0.40")
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.Low)
            .ExpectProperty(DiagnosticPropertyNames.RemediationStrategy, RemediationStrategies.NeedsHumanReview)
            .ExpectSeverity(DiagnosticSeverity.Info)
            .ValidateAsync();
    }

    public static TheoryData<string> MisquotedIdentifiers => new()
    {
        // Brackets doubled inside double quotes, and string-literal quotes doubled inside brackets: neither escapes its context.
        "return Ok(db.Query([|\"SELECT * FROM Products ORDER BY \\\"\" + sort.Replace(\"]\", \"]]\") + \"\\\"\"|]));",
        "return Ok(db.Query([|$\"SELECT * FROM Products ORDER BY [{sort.Replace(\"'\", \"''\")}]\"|]));",
    };

    [Theory]
    [Trait("Category", "Detect")]
    [MemberData(nameof(MisquotedIdentifiers))]
    public async Task Detect_MisquotedRequestDataIdentifier_StaysHigh(string body)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(SortController.Replace("{0}", body))
            .ExpectMessage("SQL passed to SqlMapper.Query is built from parameter 'sort' (request data); " + IdentifierAdvice)
            .ExpectProperty(DiagnosticPropertyNames.Severity, IncidentSeverities.High)
            .ExpectSeverity(DiagnosticSeverity.Warning)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("^[A-Za-z_][A-Za-z0-9_]*$")]
    [InlineData(@"\A\w+\z")]
    [InlineData(@"^(Name|Price)$")]
    [InlineData(@"^[a-z]{1,30}(\.[a-z]{1,30})?$")]
    public void WhitelistingPattern_Recognised(string pattern) => Assert.True(SqlIdentifierGuards.IsWhitelistingPattern(pattern));

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("[A-Za-z_]+")]
    [InlineData("^[A-Za-z_]+")]
    [InlineData("[A-Za-z_]+$")]
    [InlineData("^.*$")]
    [InlineData(@"^\S+$")]
    [InlineData("^[^;]+$")]
    [InlineData("^[A-Za-z_ ]+$")]
    [InlineData("^Name|Price$")]
    [InlineData(@"^\w+\$")]
    public void WhitelistingPattern_Rejected(string pattern) => Assert.False(SqlIdentifierGuards.IsWhitelistingPattern(pattern));
}
