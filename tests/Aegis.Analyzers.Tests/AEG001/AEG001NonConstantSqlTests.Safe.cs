using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001: what is not a finding.</summary>
public partial class AEG001NonConstantSqlTests
{
    private const string SafeWrapper = """
        using System;
        using System.Data;
        using System.Globalization;
        using System.Linq;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.Data.Sqlite;
        using Microsoft.EntityFrameworkCore;

        public enum Status { Active, Closed }

        public class Repository
        {
            private const string Table = "Users";

            public void Run(SqliteCommand cmd, IDbConnection db, AppDb ef, string name, int id, long big, double ratio, decimal price,
                bool flag, Guid key, DateTime when, DateTimeOffset at, TimeSpan span, DateOnly day, Status status, int? maybe, bool descending)
            {
                {0}
            }
        }

        public class AppDb : DbContext
        {
            public DbSet<User> Users => Set<User>();
        }

        public class User
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }
        """;

    public static TheoryData<string> SafeStatements => new()
    {
        // Constants and constant concatenation.
        "cmd.CommandText = \"SELECT * FROM Users\";",
        "cmd.CommandText = \"SELECT * FROM \" + Table + \" WHERE Id = 1\";",
        "cmd.CommandText = $\"SELECT * FROM {Table}\";",
        "const string where = \" WHERE Id = 1\"; cmd.CommandText = \"SELECT * FROM Users\" + where;",
        "cmd.CommandText = $\"SELECT {nameof(User.Name)} FROM {nameof(AppDb.Users)}\";",
        "cmd.CommandText = string.Concat(\"SELECT * FROM \", Table);",
        "cmd.CommandText = string.Format(\"SELECT * FROM {0}\", Table);",

        // Values that cannot inject.
        "cmd.CommandText = \"SELECT * FROM Users WHERE Id = \" + id;",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Id = {big}\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Ratio > {ratio}\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Price > {price}\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Flag = {flag}\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Key = '{key}'\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Created > '{when:yyyy-MM-dd}'\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Created > '{at}'\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Age > '{span}'\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Day = '{day}'\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Status = {status}\";",
        "cmd.CommandText = \"SELECT * FROM Users WHERE Status = '\" + status.ToString() + \"'\";",
        "cmd.CommandText = \"SELECT * FROM Users WHERE Id = \" + id.ToString(CultureInfo.InvariantCulture);",
        "cmd.CommandText = \"SELECT * FROM Users WHERE Created > '\" + when.ToString(\"o\", CultureInfo.InvariantCulture) + \"'\";",
        "cmd.CommandText = string.Format(CultureInfo.InvariantCulture, \"SELECT * FROM Users WHERE Id = {0}\", id);",
        "cmd.CommandText = string.Concat(\"SELECT * FROM Users WHERE Id = \", id, \" AND Key = '\", key, \"'\");",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Id = {maybe}\";",
        "cmd.CommandText = new System.Text.StringBuilder(\"SELECT * FROM Users WHERE Id = \").Append(id).ToString();",

        "cmd.CommandText = \"SELECT * FROM Users WHERE Id IN (\" + string.Join(\",\", new[] { id, 2, 3 }) + \")\";",
        "cmd.CommandText = $\"SELECT * FROM Users WHERE Key IN ('{string.Join(\"','\", new System.Collections.Generic.List<Guid> { key })}')\";",

        // Identifiers chosen from constants.
        "var direction = descending ? \"DESC\" : \"ASC\"; cmd.CommandText = \"SELECT * FROM Users ORDER BY Name \" + direction;",
        "var column = status switch { Status.Active => \"Name\", _ => \"Id\" }; cmd.CommandText = $\"SELECT * FROM Users ORDER BY {column}\";",
        "string column; switch (id) { case 1: column = \"Name\"; break; default: column = \"Id\"; break; } cmd.CommandText = \"SELECT * FROM Users ORDER BY \" + column;",

        // EF Core's FormattableString APIs parameterize.
        "ef.Users.FromSql($\"SELECT * FROM Users WHERE Name = {name}\").ToList();",
        "ef.Users.FromSqlInterpolated($\"SELECT * FROM Users WHERE Name = {name}\").ToList();",
        "ef.Database.ExecuteSql($\"DELETE FROM Users WHERE Name = {name}\");",
        "_ = ef.Database.ExecuteSqlAsync($\"DELETE FROM Users WHERE Name = {name}\");",
        "ef.Database.ExecuteSqlInterpolated($\"DELETE FROM Users WHERE Name = {name}\");",
        "_ = ef.Database.ExecuteSqlInterpolatedAsync($\"DELETE FROM Users WHERE Name = {name}\");",
        "ef.Database.SqlQuery<string>($\"SELECT Name FROM Users WHERE Name = {name}\").ToList();",
        "ef.Users.FromSqlRaw(\"SELECT * FROM Users WHERE Name = {0}\", name).ToList();",

        // Parameterized commands and Dapper calls.
        "cmd.CommandText = \"SELECT * FROM Users WHERE Name = @name\"; cmd.Parameters.AddWithValue(\"@name\", name);",
        "db.Query<User>(\"SELECT * FROM Users WHERE Name = @name\", new { name });",
        "var p = new DynamicParameters(); p.Add(\"name\", name); db.Execute(\"DELETE FROM Users WHERE Name = @name\", p);",

        // SQL passed along unchanged is judged where it is built.
        "cmd.CommandText = name;",
    };

    [Theory]
    [Trait("Category", "Safe")]
    [MemberData(nameof(SafeStatements))]
    public async Task Safe_Statement(string statement)
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource(Wrap(SafeWrapper, statement))
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_NoSinkTypes()
    {
        // Registers nothing when no sink type exists; the snippet still compiles against the usual references.
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                public class Greeter
                {
                    public string Greet(string name) => "Hello " + name;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_ReadonlyFieldWithConstantInitializer()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithSource("""
                using Microsoft.Data.Sqlite;

                public class Repository
                {
                    private static readonly string Table = "Users";
                    private readonly string columns = "Id, Name";

                    public void Run(SqliteCommand cmd) => cmd.CommandText = "SELECT " + columns + " FROM " + Table;
                }
                """)
            .ValidateAsync();
    }
}
