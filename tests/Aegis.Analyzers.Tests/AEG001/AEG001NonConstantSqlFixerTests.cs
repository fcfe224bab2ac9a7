using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.CodeFixes.Sql;
using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001 code fix: EF Core sinks (this file), Dapper and ADO.NET (the partial files).</summary>
[Trait("Rule", "AEG001")]
[Trait("Category", "Fix")]
public sealed partial class AEG001NonConstantSqlFixerTests
{
    private const string EfModel = """

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

    private static AnalyzerTest Test(string source, string key)
        => AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithCodeFix<NonConstantSqlCodeFixProvider>()
            .WithEquivalenceKey(key)
            .WithSource(source);

    private static AnalyzerTest Ef(string source) => Test(source + EfModel, EquivalenceKeys.EfInterpolated);

    private static string EfExpected(string source) => source + EfModel;

    [Fact]
    public async Task Fix_FromSqlRaw_Interpolation_BecomesFromSqlInterpolated_QuotesRemoved()
    {
        await Ef("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? Find(AppDb db, string name)
                        => db.Users.FromSqlRaw([|$"SELECT * FROM Users WHERE Name = '{name}'"|]).FirstOrDefault();
                }
                """)
            .ExpectFix(EfExpected("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? Find(AppDb db, string name)
                        => db.Users.FromSqlInterpolated($"SELECT * FROM Users WHERE Name = {name}").FirstOrDefault();
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_ExecuteSqlRaw_Concatenation_BecomesInterpolatedString()
    {
        await Ef("""
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public int Rename(AppDb db, string name, string newName)
                        => db.Database.ExecuteSqlRaw([|"UPDATE Users SET Name = N'" + newName + "' WHERE Name = '" + name + "'"|]);
                }
                """)
            .ExpectFix(EfExpected("""
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public int Rename(AppDb db, string name, string newName)
                        => db.Database.ExecuteSqlInterpolated($"UPDATE Users SET Name = {newName} WHERE Name = {name}");
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_ExecuteSqlRawAsync_KeepsTheCancellationToken()
    {
        await Ef("""
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public Task<int> Delete(AppDb db, string name, CancellationToken cancellationToken)
                        => db.Database.ExecuteSqlRawAsync([|$"DELETE FROM Users WHERE Name = '{name}'"|], cancellationToken);
                }
                """)
            .ExpectFix(EfExpected("""
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public Task<int> Delete(AppDb db, string name, CancellationToken cancellationToken)
                        => db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM Users WHERE Name = {name}", cancellationToken);
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_SqlQueryRaw_BecomesSqlQuery_LikeWildcardsMoveIntoTheHole()
    {
        await Ef("""
                using System.Collections.Generic;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public List<string> Names(AppDb db, string term)
                        => db.Database.SqlQueryRaw<string>([|$"SELECT Name AS Value FROM Users WHERE Name LIKE '%{term}%'"|]).ToList();
                }
                """)
            .ExpectFix(EfExpected("""
                using System.Collections.Generic;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public List<string> Names(AppDb db, string term)
                        => db.Database.SqlQuery<string>($"SELECT Name AS Value FROM Users WHERE Name LIKE {"%" + term + "%"}").ToList();
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_SqlBuiltInALocal_TheLocalBecomesAFormattableString()
    {
        await Ef("""
                using System;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    private const string Columns = "Id, Name";

                    public User? Find(AppDb db, string name)
                    {
                        var sql = $"SELECT {Columns} FROM Users WHERE Name = '{name}'";
                        return db.Users.FromSqlRaw([|sql|]).FirstOrDefault();
                    }
                }
                """)
            .ExpectFix(EfExpected("""
                using System;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    private const string Columns = "Id, Name";

                    public User? Find(AppDb db, string name)
                    {
                        FormattableString sql = $"SELECT Id, Name FROM Users WHERE Name = {name}";
                        return db.Users.FromSqlInterpolated(sql).FirstOrDefault();
                    }
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_StringFormat_BecomesInterpolatedString()
    {
        await Ef("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? Find(AppDb db, string name)
                        => db.Users.FromSqlRaw([|string.Format("SELECT * FROM Users WHERE Name = '{0}'", name)|]).FirstOrDefault();
                }
                """)
            .ExpectFix(EfExpected("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? Find(AppDb db, string name)
                        => db.Users.FromSqlInterpolated($"SELECT * FROM Users WHERE Name = {name}").FirstOrDefault();
                }
                """))
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_FromSqlRaw_WithRawParameters()
    {
        await Ef("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? Find(AppDb db, string name, int id)
                        => db.Users.FromSqlRaw([|"SELECT * FROM Users WHERE Id = {0} AND Name = '" + name + "'"|], id).FirstOrDefault();
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_Ef_UnquotedHole_IsSqlTextNotAValue()
    {
        await Ef("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? Find(AppDb db, string id)
                        => db.Users.FromSqlRaw([|"SELECT * FROM Users WHERE Id = " + id|]).FirstOrDefault();
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_Ef_OrderByColumn_NeedsHumanReview()
    {
        await Ef("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public User? First(AppDb db, string column)
                        => db.Users.FromSqlRaw([|$"SELECT * FROM Users ORDER BY {column}"|]).FirstOrDefault();
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }
}

/// <summary>FixAll across the three libraries: the keys are one family, each finding gets its own variant.</summary>
[Trait("Rule", "AEG001")]
[Trait("Category", "Fix")]
public sealed class AEG001NonConstantSqlFixerFamilyTests
{
    [Fact]
    public async Task FixAll_AnyKey_FixesEveryLibraryWithItsOwnVariant()
    {
        await AnalyzerTest.For<NonConstantSqlAnalyzer>()
            .WithCodeFix<NonConstantSqlCodeFixProvider>()
            .WithEquivalenceKey(EquivalenceKeys.ParameterizeAdo)
            .WithSource("""
                using System.Data;
                using System.Linq;
                using Dapper;
                using Microsoft.Data.Sqlite;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public void Run(SqliteConnection connection, AppDb db, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|"DELETE FROM Users WHERE Name = '" + name + "'"|];
                        command.ExecuteNonQuery();
                        connection.Execute([|$"DELETE FROM Logs WHERE Name = '{name}'"|]);
                        db.Users.FromSqlRaw([|$"SELECT * FROM Users WHERE Name = '{name}'"|]).ToList();
                    }
                }

                public class AppDb : DbContext
                {
                    public DbSet<User> Users => Set<User>();
                }

                public class User
                {
                    public int Id { get; set; }
                }
                """)
            .ExpectFix("""
                using System.Data;
                using System.Linq;
                using Dapper;
                using Microsoft.Data.Sqlite;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public void Run(SqliteConnection connection, AppDb db, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = "DELETE FROM Users WHERE Name = @name";
                        command.Parameters.AddWithValue("@name", name);
                        command.ExecuteNonQuery();
                        connection.Execute([|$"DELETE FROM Logs WHERE Name = '{name}'"|]);
                        db.Users.FromSqlRaw([|$"SELECT * FROM Users WHERE Name = '{name}'"|]).ToList();
                    }
                }

                public class AppDb : DbContext
                {
                    public DbSet<User> Users => Set<User>();
                }

                public class User
                {
                    public int Id { get; set; }
                }
                """)
            .ExpectBatchFix("""
                using System.Data;
                using System.Linq;
                using Dapper;
                using Microsoft.Data.Sqlite;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public void Run(SqliteConnection connection, AppDb db, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = "DELETE FROM Users WHERE Name = @name";
                        command.Parameters.AddWithValue("@name", name);
                        command.ExecuteNonQuery();
                        connection.Execute("DELETE FROM Logs WHERE Name = @name", new { name });
                        db.Users.FromSqlInterpolated($"SELECT * FROM Users WHERE Name = {name}").ToList();
                    }
                }

                public class AppDb : DbContext
                {
                    public DbSet<User> Users => Set<User>();
                }

                public class User
                {
                    public int Id { get; set; }
                }
                """, scope: FixAllScope.Solution)
            .ValidateAsync();
    }
}
