using Aegis.Analyzers.CodeFixes;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>AEG001 code fix for Dapper: a parameter object, merged or new, or DynamicParameters.</summary>
public sealed partial class AEG001NonConstantSqlFixerTests
{
    private static AnalyzerTest Dapper(string source) => Test(source, EquivalenceKeys.ParameterizeDapper);

    [Fact]
    public async Task Fix_Dapper_NewAnonymousObject_LikeWildcardsInTheValue_SameIdentifierTwice()
    {
        await Dapper("""
                using System.Collections.Generic;
                using System.Data;
                using System.Threading.Tasks;
                using Dapper;

                public record Product(int Id, string Name);

                public class Catalog
                {
                    private const string Columns = "Id, Name";

                    public Task<IEnumerable<Product>> Search(IDbConnection connection, string q)
                        => connection.QueryAsync<Product>([|$"SELECT {Columns} FROM Products WHERE Name LIKE '%{q}%' OR Sku = '{q}' ORDER BY Name"|]);
                }
                """)
            .ExpectFix("""
                using System.Collections.Generic;
                using System.Data;
                using System.Threading.Tasks;
                using Dapper;

                public record Product(int Id, string Name);

                public class Catalog
                {
                    private const string Columns = "Id, Name";

                    public Task<IEnumerable<Product>> Search(IDbConnection connection, string q)
                        => connection.QueryAsync<Product>($"SELECT {Columns} FROM Products WHERE Name LIKE @qPattern OR Sku = @q ORDER BY Name", new { qPattern = "%" + q + "%", q });
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Dapper_MergesIntoTheExistingAnonymousObject_ReusesTheSameExpression()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Orders
                {
                    public int Cancel(IDbConnection connection, int id, OrderRequest request)
                        => connection.Execute([|"UPDATE Orders SET Status = 'Cancelled', Note = '" + request.Reason + "' WHERE Id = @id AND Reason <> '" + request.Reason + "'"|], new { id });
                }

                public class OrderRequest { public string Reason { get; set; } = ""; }
                """)
            .ExpectFix("""
                using System.Data;
                using Dapper;

                public class Orders
                {
                    public int Cancel(IDbConnection connection, int id, OrderRequest request)
                        => connection.Execute("UPDATE Orders SET Status = 'Cancelled', Note = @reason WHERE Id = @id AND Reason <> @reason", new { id, reason = request.Reason });
                }

                public class OrderRequest { public string Reason { get; set; } = ""; }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Dapper_DynamicParametersStyle_DeclaredBeforeTheCall()
    {
        await Dapper("""
                using System.Collections.Generic;
                using System.Data;
                using Dapper;

                public class Users
                {
                    public IEnumerable<string> Find(IDbConnection connection, string name)
                    {
                        return connection.Query<string>([|"SELECT Name FROM Users WHERE Name = '" + name + "'"|]);
                    }

                    public IEnumerable<string> Existing(IDbConnection connection, int id)
                    {
                        var p = new DynamicParameters();
                        p.Add("id", id);
                        return connection.Query<string>("SELECT Name FROM Users WHERE Id = @id", p);
                    }
                }
                """)
            .ExpectFix("""
                using System.Collections.Generic;
                using System.Data;
                using Dapper;

                public class Users
                {
                    public IEnumerable<string> Find(IDbConnection connection, string name)
                    {
                        var parameters = new DynamicParameters();
                        parameters.Add("name", name);
                        return connection.Query<string>("SELECT Name FROM Users WHERE Name = @name", parameters);
                    }

                    public IEnumerable<string> Existing(IDbConnection connection, int id)
                    {
                        var p = new DynamicParameters();
                        p.Add("id", id);
                        return connection.Query<string>("SELECT Name FROM Users WHERE Id = @id", p);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Dapper_AddsToTheExistingDynamicParameters_SqlBuiltInALocal()
    {
        await Dapper("""
                using System.Collections.Generic;
                using System.Data;
                using Dapper;

                public class Users
                {
                    public IEnumerable<string> Find(IDbConnection connection, int id, string name)
                    {
                        var parameters = new DynamicParameters();
                        parameters.Add("id", id);
                        var sql = "SELECT Name FROM Users WHERE Id = @id" +
                                  " AND Name = '" + name + "'";
                        return connection.Query<string>([|sql|], parameters);
                    }
                }
                """)
            .ExpectFix("""
                using System.Collections.Generic;
                using System.Data;
                using Dapper;

                public class Users
                {
                    public IEnumerable<string> Find(IDbConnection connection, int id, string name)
                    {
                        var parameters = new DynamicParameters();
                        parameters.Add("id", id);
                        var sql = "SELECT Name FROM Users WHERE Id = @id" +
                                  " AND Name = @name";
                        parameters.Add("name", name);
                        return connection.Query<string>(sql, parameters);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Dapper_NamedSqlArgument_ParamIsNamedToo_NullableValueKeepsEmptyText()
    {
        await Dapper("""
                #nullable enable
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Count(IDbConnection connection, string? city)
                        => connection.ExecuteScalar<int>(sql: [|$"SELECT COUNT(*) FROM Users WHERE City = '{city}'"|]);
                }
                """)
            .ExpectFix("""
                #nullable enable
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Count(IDbConnection connection, string? city)
                        => connection.ExecuteScalar<int>(sql: "SELECT COUNT(*) FROM Users WHERE City = @city", param: new { city = city ?? "" });
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Dapper_CRLF()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public void Delete(IDbConnection connection, string name)
                    {
                        connection.Execute([|$"DELETE FROM Users WHERE Name = '{name}'"|]);
                    }
                }
                """)
            .WithLineEnding("\r\n")
            .ExpectFix("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public void Delete(IDbConnection connection, string name)
                    {
                        connection.Execute("DELETE FROM Users WHERE Name = @name", new { name });
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_Dapper_TableNameFromAField_NeedsHumanReview()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Orders
                {
                    private readonly string _table;

                    public Orders(string table) => _table = table;

                    public int Count(IDbConnection connection, int id)
                        => connection.ExecuteScalar<int>({|AEG001:$"SELECT COUNT(*) FROM {_table} WHERE Id = @id"|}, new { id });
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_Dapper_ParameterObjectThatIsNotAnonymous()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public int Update(IDbConnection connection, UserRow row, string name)
                        => connection.Execute([|"UPDATE Users SET Email = @Email WHERE Name = '" + name + "'"|], row);
                }

                public class UserRow { public string Email { get; set; } = ""; }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_Dapper_ValueComputedByACall_WouldMove()
    {
        await Dapper("""
                using System.Data;
                using Dapper;

                public class Users
                {
                    public void Delete(IDbConnection connection, string name)
                    {
                        var sql = $"DELETE FROM Users WHERE Name = '{Normalize(name)}'";
                        Log(name);
                        connection.Execute([|sql|]);
                    }

                    public static string Normalize(string value) => value;

                    private static void Log(string value) { }
                }
                """)
            .ExpectNoFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Fix_Dapper_StringBuilderChain()
    {
        await Dapper("""
                using System.Collections.Generic;
                using System.Data;
                using System.Text;
                using Dapper;

                public class Users
                {
                    public IEnumerable<string> Find(IDbConnection connection, string city)
                    {
                        var sql = new StringBuilder();
                        sql.Append("SELECT Name FROM Users ");
                        sql.Append("WHERE City LIKE '").Append(city).Append("%'");
                        return connection.Query<string>([|sql.ToString()|]);
                    }
                }
                """)
            .ExpectFix("""
                using System.Collections.Generic;
                using System.Data;
                using System.Text;
                using Dapper;

                public class Users
                {
                    public IEnumerable<string> Find(IDbConnection connection, string city)
                    {
                        var sql = new StringBuilder();
                        sql.Append("SELECT Name FROM Users ");
                        sql.Append("WHERE City LIKE @cityPattern");
                        return connection.Query<string>(sql.ToString(), new { cityPattern = city + "%" });
                    }
                }
                """)
            .ValidateAsync();
    }
}
