using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001 code fix: the string forms (raw, verbatim, escaped braces, string.Concat) and how names are derived.</summary>
public sealed partial class AEG001NonConstantSqlFixerTests
{
    [Fact]
    public async Task Fix_RawMultiLineInterpolation_KeepsTheRawString()
    {
        await Ado(""""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public object? Find(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|$$"""
                            SELECT Id, '{literal}'
                            FROM Users
                            WHERE Name = '{{name}}'
                            """|];
                        return command.ExecuteScalar();
                    }
                }
                """")
            .ExpectFix(""""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public object? Find(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = """
                            SELECT Id, '{literal}'
                            FROM Users
                            WHERE Name = @name
                            """;
                        command.Parameters.AddWithValue("@name", name);
                        return command.ExecuteScalar();
                    }
                }
                """")
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_VerbatimInterpolation_EscapedBracesBecomePlainOnceTheDollarGoes()
    {
        await Ado("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public object? Find(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = [|$@"SELECT json_object('a', '{{x}}') FROM Users
                            WHERE Name = '{name}'"|];
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ExpectFix("""
                using Microsoft.Data.Sqlite;

                public class Users
                {
                    public object? Find(SqliteConnection connection, string name)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = @"SELECT json_object('a', '{x}') FROM Users
                            WHERE Name = @name";
                        command.Parameters.AddWithValue("@name", name);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_StringConcat_SafeHoleStaysInTheText()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Count(IDbConnection connection, int age, string city)
                        => connection.ExecuteScalar<int>([|string.Concat("SELECT COUNT(*) FROM Users WHERE Age > ", age, " AND City = '", city, "'")|]);
                }
                """)
            .ExpectFix("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Count(IDbConnection connection, int age, string city)
                        => connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM Users WHERE Age > {age} AND City = @city", new { city });
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_NamesFromIndexerKeyAndMember_CamelCase()
    {
        await Dapper("""
                using System.Data;
                using Dapper;
                using Microsoft.AspNetCore.Http;

                public class Search
                {
                    public int Count(IDbConnection connection, HttpRequest request, Filter filter)
                        => connection.ExecuteScalar<int>([|$"SELECT COUNT(*) FROM Users WHERE Name = '{request.Query["q"].ToString()}' AND Email = '{filter.EMail}' AND Url = '{filter.URLPath}'"|]);
                }

                public class Filter
                {
                    public string EMail { get; set; } = "";
                    public string URLPath { get; set; } = "";
                }
                """)
            .ExpectFix("""
                using System.Data;
                using Dapper;
                using Microsoft.AspNetCore.Http;

                public class Search
                {
                    public int Count(IDbConnection connection, HttpRequest request, Filter filter)
                        => connection.ExecuteScalar<int>("SELECT COUNT(*) FROM Users WHERE Name = @q AND Email = @eMail AND Url = @urlPath", new { q = request.Query["q"].ToString(), eMail = filter.EMail, urlPath = filter.URLPath });
                }

                public class Filter
                {
                    public string EMail { get; set; } = "";
                    public string URLPath { get; set; } = "";
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_TwoHolesInOneQuotedLiteral()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Count(IDbConnection connection, string first, string last)
                        => connection.ExecuteScalar<int>([|$"SELECT COUNT(*) FROM Users WHERE FullName = '{first} {last}'"|]);
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_QuoteWrittenAsAnEscape()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Count(IDbConnection connection, string name)
                        => connection.ExecuteScalar<int>([|"SELECT COUNT(*) FROM Users WHERE Name = \u0027" + name + "'"|]);
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }
}

/// <summary>AEG001 code fix: the remaining sink shapes (IDbCommand, CommandDefinition, EF SQL in a `+` local).</summary>
[Trait("Rule", "AEG001")]
[Trait("Category", "Fix")]
public sealed class AEG001NonConstantSqlFixerSinkTests
{
    private static AnalyzerTest Test(string source, string key)
        => AnalyzerTest.For<Aegis.Analyzers.Sql.NonConstantSqlAnalyzer>()
            .WithCodeFix<Aegis.Analyzers.CodeFixes.Sql.NonConstantSqlCodeFixProvider>()
            .WithEquivalenceKey(key)
            .WithSource(source);

    [Fact]
    public async Task Fix_IDbCommand_CreateParameter()
    {
        await Test("""
                using System.Data;

                public class Users
                {
                    public object? Find(IDbConnection connection, string name)
                    {
                        using IDbCommand command = connection.CreateCommand();
                        command.CommandText = [|$"SELECT Id FROM Users WHERE Name = '{name}'"|];
                        return command.ExecuteScalar();
                    }
                }
                """, EquivalenceKeys.ParameterizeAdo)
            .ExpectFix("""
                using System.Data;

                public class Users
                {
                    public object? Find(IDbConnection connection, string name)
                    {
                        using IDbCommand command = connection.CreateCommand();
                        command.CommandText = "SELECT Id FROM Users WHERE Name = @name";
                        var nameParameter = command.CreateParameter();
                        nameParameter.ParameterName = "@name";
                        nameParameter.Value = name;
                        command.Parameters.Add(nameParameter);
                        return command.ExecuteScalar();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_DapperCommandDefinition()
    {
        await Test("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public CommandDefinition Define(string name)
                        => new CommandDefinition([|"DELETE FROM Users WHERE Name = '" + name + "'"|]);
                }
                """, EquivalenceKeys.ParameterizeDapper)
            .ExpectFix("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public CommandDefinition Define(string name)
                        => new CommandDefinition("DELETE FROM Users WHERE Name = @name", new { name });
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_EfConcatenationInALocal_UsingSystemAdded()
    {
        await Test("""
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public int Delete(AppDb db, string name)
                    {
                        string sql = "DELETE FROM Users " +
                                     "WHERE Name = '" + name + "'";
                        return db.Database.ExecuteSqlRaw([|sql|]);
                    }
                }

                public class AppDb : DbContext
                {
                }
                """, EquivalenceKeys.EfInterpolated)
            .ExpectFix("""
                using System;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public int Delete(AppDb db, string name)
                    {
                        FormattableString sql = $"DELETE FROM Users WHERE Name = {name}";
                        return db.Database.ExecuteSqlInterpolated(sql);
                    }
                }

                public class AppDb : DbContext
                {
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_Ef_ListFromStringJoinWouldBecomeOneParameter()
    {
        await Test("""
                using System.Collections.Generic;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                public class Repository
                {
                    public List<User> Find(AppDb db, List<int> ids, string name)
                        => db.Users.FromSqlRaw([|$"SELECT * FROM Users WHERE Id IN ({string.Join(",", ids)}) AND Name = '{name}'"|]).ToList();
                }

                public class AppDb : DbContext
                {
                    public DbSet<User> Users => Set<User>();
                }

                public class User
                {
                    public int Id { get; set; }
                }
                """, EquivalenceKeys.EfInterpolated)
            .ExpectNoFix()
            .ValidateAsync();
    }
}
