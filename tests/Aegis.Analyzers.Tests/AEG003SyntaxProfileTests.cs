using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Profile;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Tests;

/// <summary>
/// The authorization profile reads minimal-API mappings from syntax where the syntax says all (no binding of the
/// mapping methods and their handler lambdas) and binds the rest: every profile here must equal the one made by
/// binding every candidate, and the common shapes must be read without binding.
/// </summary>
[Trait("Rule", "AEG003")]
[Trait("Category", "Profile")]
public sealed class AEG003SyntaxProfileTests
{
    private const string Usings = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.AspNetCore.Routing;

        """;

    private static KnownTypes Compile(string source)
    {
        var compilation = CSharpCompilation.Create(
            "SyntaxProfile",
            new[] { CSharpSyntaxTree.ParseText(AnalyzerTest.WebImplicitUsings), CSharpSyntaxTree.ParseText(Usings + source) },
            SnippetReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return KnownTypes.For(compilation);
    }

    private static string Describe(AuthorizationProfile profile)
        => string.Join("; ", new object?[]
        {
            profile.ControllersTotal, profile.ControllersAuthorized, profile.ControllerActionsTotal, profile.ControllerActionsAuthorized,
            profile.MinimalEndpointsTotal, profile.MinimalEndpointsAuthorized, profile.DominantAttribute, profile.DominantLevel,
            profile.DominantPolicy, profile.DominantRoles, profile.RequireAuthorizationArguments, profile.HasFallbackPolicy,
            profile.HasGlobalAuthorizeFilter,
            string.Join(",", profile.GroupHelpers.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Key + "=" + pair.Value)),
        });

    /// <summary>The profile as built, which must equal the profile with every candidate bound; and the read/bound counts.</summary>
    private static (AuthorizationProfile Profile, int Read, int Bound) Check(string source)
    {
        var known = Compile(source);
        var bound = AuthorizationProfileBuilder.BuildByBinding(known, CancellationToken.None);
        var built = AuthorizationProfileBuilder.Build(known, CancellationToken.None);
        Assert.Equal(Describe(bound), Describe(built));
        var (read, left) = AuthorizationProfileBuilder.CountReads(known, CancellationToken.None);
        return (built, read, left);
    }

    [Fact]
    public void Detect_GroupsChainsAndHandlers_ReadWithoutBinding()
    {
        var (profile, read, bound) = Check("""
            public static class OrderEndpoints
            {
                public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
                {
                    var group = app.MapGroup("/api/orders").RequireAuthorization("Staff");
                    var open = app.MapGroup("/api/open");
                    var nested = group.MapGroup("/v2");
                    group.MapGet("/", List);
                    group.MapPost("/", (string name) => Results.Ok(name));
                    nested.MapPut("/{id}", (int id) => Results.Ok(id));
                    open.MapGet("/count", () => Results.Ok(1));
                    open.MapDelete("/{id}", Delete);
                    app.MapGet("/api/orders/export", Export).RequireAuthorization(new AuthorizeAttribute { Policy = "Staff" });
                    app.MapGet("/api/orders/feed", Export).RequireAuthorization("Staff").WithName("feed");
                    app.MapGet("/api/orders/ping", () => Results.Ok("pong")).AllowAnonymous();
                    app.MapGet("/api/orders/secret", Secret);
                    app.MapGet("/api/orders/public", Public);
                    app.MapPost("/api/login", (string user) => Results.Ok(user));
                    app.MapGet("/", () => Results.Redirect("/swagger"));
                    return app;
                }

                private static IResult List() => Results.Ok();

                private static IResult Delete(int id) => Results.Ok(id);

                private static IResult Export(int? days) => Results.Ok(days);

                [Authorize]
                private static IResult Secret() => Results.Ok();

                [AllowAnonymous]
                private static IResult Public() => Results.Ok();
            }

            public class Repository
            {
                public string Read(int id) => Map(id);

                private static string Map(int id) => id.ToString();
            }
            """);

        // Three on the "Staff" group, the export and the feed, the [Authorize] handler; open: count and delete. The
        // explicitly public ones, the login and the redirecting root are not votes.
        Assert.Equal(8, profile.MinimalEndpointsTotal);
        Assert.Equal(6, profile.MinimalEndpointsAuthorized);
        Assert.Equal("\"Staff\"", profile.RequireAuthorizationArguments);
        Assert.Equal(0, bound);
        Assert.True(read >= 15);
    }

    [Fact]
    public void Detect_StatementsOnGroupsAndGroupHelpers_ReadWithoutBinding()
    {
        var (profile, _, bound) = Check("""
            public static class Features
            {
                public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder app)
                {
                    var reports = app.MapGroup("/reports");
                    reports.MapGet("/daily", () => Results.Ok());
                    reports.MapGet("/weekly", () => Results.Ok());
                    return reports;
                }

                public static void MapAdmin(IEndpointRouteBuilder app)
                {
                    var admin = app.MapGroup("/admin");
                    admin.MapGet("/users", () => Results.Ok());
                    admin.RequireAuthorization("Admin");
                    admin.MapGet("/roles", () => Results.Ok());
                }

                public static void MapOnGroup(RouteGroupBuilder given)
                {
                    given.MapGet("/unknown", () => Results.Ok());
                }

                public static void Use(IEndpointRouteBuilder app)
                {
                    app.MapReports().RequireAuthorization();
                    MapAdmin(app);
                }
            }
            """);

        Assert.Equal(4, profile.MinimalEndpointsTotal);
        Assert.Equal(4, profile.MinimalEndpointsAuthorized);
        Assert.Equal("\"Admin\"", profile.RequireAuthorizationArguments);
        Assert.Single(profile.GroupHelpers);

        // Only the caller of the helper that returns a group is bound (its callers decide for its endpoints).
        Assert.Equal(1, bound);
    }

    [Fact]
    public void Safe_ShapesTheSyntaxDoesNotSettle_AreBound()
    {
        var (profile, read, bound) = Check("""
            public static class Odd
            {
                private const string Pattern = "/const";

                public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder group)
                {
                    app.MapGet(Pattern, () => Results.Ok());
                    var endpoint = app.MapGet("/stored", () => Results.Ok());
                    endpoint.RequireAuthorization();
                    app.MapGet("/attributed", [Authorize] () => Results.Ok());
                    app.MapGet("/elsewhere", Elsewhere.Handler);
                    app.MapMethods("/methods", new[] { "GET", "POST" }, () => Results.Ok());
                    app.Map("/any", () => Results.Ok());
                    app.MapGet("/local", Local);
                    group.MapGet("/given", () => Results.Ok()).WithTags("t");

                    IResult Local() => Results.Ok();
                }

            }

            public static class Elsewhere
            {
                public static IResult Handler() => Results.Ok();
            }
            """);

        Assert.Equal(7, bound);
        Assert.Equal(1, read);
        Assert.Equal(7, profile.MinimalEndpointsTotal);
    }

    [Fact]
    public void Safe_AProjectDeclaringAnEndpointMethodName_IsBoundThroughout()
    {
        var (profile, read, bound) = Check("""
            public static class Mine
            {
                public static void RequireAuthorization(this string text) { }

                public static void MapAll(IEndpointRouteBuilder app)
                {
                    app.MapGet("/a", () => Results.Ok());
                    app.MapGet("/b", () => Results.Ok()).RequireAuthorization();
                }
            }
            """);

        Assert.Equal(0, read);
        Assert.Equal(2, bound);
        Assert.Equal(2, profile.MinimalEndpointsTotal);
        Assert.Equal(1, profile.MinimalEndpointsAuthorized);
    }
}
