using Aegis.Analyzers.Profile;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Tests.AEG001;

/// <summary>The data-access section of the repository profile, which AEG001's properties come from.</summary>
[Trait("Rule", "AEG001")]
[Trait("Category", "Profile")]
public class AEG001DataAccessProfileTests
{
    [Fact]
    public void Empty_WhenNoDataAccessCode()
    {
        var profile = Build("public class C { public int Add(int a, int b) => a + b; }");
        Assert.Equal(new[] { "dapper", "efcore" }, profile.Libraries);
        Assert.Null(profile.AdoParameterStyle);
        Assert.Null(profile.DapperParameterStyle);
    }

    [Fact]
    public void Ado_ProviderAndAddWithValue()
    {
        var profile = Build("""
            using Npgsql;
            public class Repo
            {
                public void A(NpgsqlConnection c, string n)
                {
                    using var cmd = new NpgsqlCommand("SELECT 1 WHERE n = @n", c);
                    cmd.Parameters.AddWithValue("@n", n);
                    cmd.Parameters.AddWithValue("@m", n);
                    cmd.Parameters.Add(new NpgsqlParameter("x", 1));
                }
            }
            """);
        Assert.Equal(new[] { "ado", "dapper", "efcore" }, profile.Libraries);
        Assert.Equal("npgsql", profile.Provider);
        Assert.Equal("add_with_value", profile.AdoParameterStyle);
    }

    [Fact]
    public void Ado_TieBrokenInDocumentedOrder()
    {
        var profile = Build("""
            using Microsoft.Data.Sqlite;
            public class Repo
            {
                public void A(SqliteConnection c, string n)
                {
                    using var cmd = c.CreateCommand();
                    var p = cmd.CreateParameter();
                    cmd.Parameters.Add(p);
                    cmd.Parameters.Add(new SqliteParameter("x", n));
                }
            }
            """);
        Assert.Equal("sqlite", profile.Provider);
        Assert.Equal("add_parameter", profile.AdoParameterStyle);
    }

    [Fact]
    public void Provider_FromEfRegistration()
    {
        var profile = Build("""
            using Microsoft.EntityFrameworkCore;
            public class Db : DbContext
            {
                protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseNpgsql("Host=db");
            }
            public static class NpgsqlStub { public static DbContextOptionsBuilder UseNpgsql(this DbContextOptionsBuilder b, string s) => b; }
            """);
        Assert.Equal("npgsql", profile.Provider);
        Assert.DoesNotContain("ado", profile.Libraries);
    }

    [Fact]
    public void Provider_UnknownWhenSeveralReferencedAndNoneUsed()
        => Assert.Equal("unknown", Build("public class C { }").Provider);

    [Fact]
    public void Dapper_DynamicParametersVersusAnonymousObjects()
    {
        var source = """
            using System.Data;
            using Dapper;
            public class Repo
            {
                public void A(IDbConnection db, string n)
                {
                    db.Query("SELECT 1 WHERE n = @n", new { n });
                    db.Execute("DELETE FROM T WHERE n = @n", new { n });
                    var p = new DynamicParameters();
                    db.Execute("DELETE FROM T WHERE n = @n", p);
                }
            }
            """;
        Assert.Equal("anonymous_object", Build(source).DapperParameterStyle);
        Assert.Equal("dynamic_parameters", Build(source.Replace("new { n }", "new DynamicParameters()")).DapperParameterStyle);
    }

    [Fact]
    public void Cancellation_IsHonoured()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => RepositoryProfileBuilder.Build(Compile("public class C { }"), cancelled.Token));
    }

    private static DataAccessProfile Build(string source)
        => RepositoryProfileBuilder.Build(Compile(source), CancellationToken.None).DataAccess;

    private static Compilation Compile(string source)
    {
        var compilation = CSharpCompilation.Create(
            "Profile",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            SnippetReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }
}
