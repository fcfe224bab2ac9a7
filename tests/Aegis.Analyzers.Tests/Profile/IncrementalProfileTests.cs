using Aegis.Analyzers.Profile;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Tests.Profile;

/// <summary>
/// The profile after an edit, as the IDE makes one: a new compilation that shares every tree but the edited one.
/// Facts of unchanged trees are reused while the declarations stay the same, and the result always equals a
/// profile computed from scratch.
/// </summary>
[Trait("Category", "Profile")]
[Collection(nameof(IncrementalProfileTests))] // The read counters are process-wide: no other test may read trees meanwhile.
public sealed class IncrementalProfileTests
{
    private const string Controllers = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        namespace Shop;

        public class ApiBase : ControllerBase { }

        [Authorize(Policy = "Staff")]
        public class OrdersController : ApiBase
        {
            [HttpGet("orders")] public IActionResult List() => Ok();
        }

        public class ProductsController : ApiBase
        {
            [HttpGet("products")] public IActionResult List() => Ok();
        }
        """;

    private const string Repository = """
        namespace Shop.Data
        {
            using Npgsql;

            public class OrderRepository
            {
                public int Count(NpgsqlConnection connection, string status)
                {
                    using var command = new NpgsqlCommand("SELECT count(*) FROM orders WHERE status = @s", connection);
                    command.Parameters.AddWithValue("@s", status);
                    return 1;
                }

                public void Purge(Npgsql.NpgsqlDataSource source) { }
            }
        }
        """;

    private const string Endpoints = """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Routing;

        namespace Shop;

        public static class StockEndpoints
        {
            public static void Map(IEndpointRouteBuilder app)
            {
                app.MapGet("/stock", () => "ok").RequireAuthorization("Staff");
                app.MapGet("/stock/{id}", (int id) => "one").RequireAuthorization("Staff");
            }
        }
        """;

    [Fact]
    public void BodyEdit_RereadsOnlyTheEditedTree()
    {
        // The first compilation's trees are read without a key (a build never hashes declarations); the first edit
        // reads them again with one; from the second edit on only the edited tree is read.
        var opened = Compile(Controllers, Repository, Endpoints);
        Profile(opened);
        var before = Edit(opened, 0, "public IActionResult List()", "public IActionResult List( )");
        var first = Profile(before);
        var readsBefore = (DataAccessProfileBuilder.TreeReads, AuthorizationProfileBuilder.TreeReads);

        var edited = Edit(before, 2, "=> \"ok\"", "=> \"still ok\"");
        var second = Profile(edited);

        Assert.Equal(readsBefore.Item1 + 1, DataAccessProfileBuilder.TreeReads);
        Assert.Equal(readsBefore.Item2 + 1, AuthorizationProfileBuilder.TreeReads);
        Assert.Equal(first.ToJson(), second.ToJson());
        Assert.Equal(Fresh(edited).ToJson(), second.ToJson());
    }

    [Fact]
    public void BodyEdit_ChangesWhatTheEditedTreeSays()
    {
        var before = Compile(Controllers, Repository, Endpoints);
        Assert.Equal(2, Profile(before).Authorization.MinimalEndpointsAuthorized);

        var edited = Edit(before, 2, ".RequireAuthorization(\"Staff\");\n        app.MapGet(\"/stock/{id}\"", ";\n        app.MapGet(\"/stock/{id}\"");
        var profile = Profile(edited);

        Assert.Equal(1, profile.Authorization.MinimalEndpointsAuthorized);
        Assert.Equal(Fresh(edited).ToJson(), profile.ToJson());
    }

    [Fact]
    public void DeclarationEdit_InAnotherTree_IsSeen()
    {
        const string baseClass = "namespace Shop;\npublic class ApiBase : Microsoft.AspNetCore.Mvc.ControllerBase { }\n";
        var before = Compile(Controllers.Replace("public class ApiBase : ControllerBase { }", string.Empty, StringComparison.Ordinal), baseClass);
        Assert.Equal(1, Profile(before).Authorization.ControllersAuthorized);

        // Only the base class's declaration changes; the controllers' tree is the very same object.
        var edited = Edit(before, 1, "public class ApiBase", "[Microsoft.AspNetCore.Authorization.Authorize]\npublic class ApiBase");
        var profile = Profile(edited);

        Assert.Equal(2, profile.Authorization.ControllersAuthorized);
        Assert.Equal(Fresh(edited).ToJson(), profile.ToJson());
    }

    [Fact]
    public void ReferenceChange_IsSeen()
    {
        var before = Compile(Controllers, Repository, Endpoints);
        Assert.Equal("npgsql", Profile(before).DataAccess.Provider);

        var npgsql = before.References.Single(r => r.Display?.EndsWith("Npgsql.dll", StringComparison.OrdinalIgnoreCase) == true);
        var without = before.RemoveReferences(npgsql);
        var profile = Profile(without);

        Assert.DoesNotContain("ado", profile.DataAccess.Libraries);
        Assert.Equal(Fresh(without).ToJson(), profile.ToJson());
    }

    [Fact]
    public void DataAccess_ResolvesNamesThroughNamespaceUsingsAndQualifiedNames()
    {
        var profile = Profile(Compile(Repository));
        Assert.Contains("ado", profile.DataAccess.Libraries);
        Assert.Equal("npgsql", profile.DataAccess.Provider);
        Assert.Equal("add_with_value", profile.DataAccess.AdoParameterStyle);
    }

    private static CSharpCompilation Compile(params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "Incremental",
            sources.Prepend(AnalyzerTest.WebImplicitUsings).Select((text, i) => CSharpSyntaxTree.ParseText(text, path: "File" + i + ".cs")),
            SnippetReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    /// <summary>Source <paramref name="index"/> (0-based, after the implicit usings) with one replacement.</summary>
    private static CSharpCompilation Edit(CSharpCompilation compilation, int index, string find, string replace)
    {
        var tree = compilation.SyntaxTrees[index + 1];
        var text = tree.GetText().ToString();
        Assert.Contains(find, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(find, replace, StringComparison.Ordinal))));
    }

    private static RepositoryProfile Profile(Compilation compilation)
        => RepositoryProfileCache.Get(compilation, new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions([]), CancellationToken.None);

    /// <summary>The same texts parsed anew: nothing to reuse.</summary>
    private static RepositoryProfile Fresh(Compilation compilation)
        => RepositoryProfileBuilder.Build(
            compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath))),
            CancellationToken.None);
}

/// <summary>Runs <see cref="IncrementalProfileTests"/> after every parallel test, alone.</summary>
[CollectionDefinition(nameof(IncrementalProfileTests), DisableParallelization = true)]
public sealed class IncrementalProfileCollection
{
}
