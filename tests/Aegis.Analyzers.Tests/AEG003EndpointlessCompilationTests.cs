using System.Collections.Immutable;
using Aegis.Analyzers.Authorization;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Tests;

/// <summary>
/// AEG003 stops at compilation start when the compilation cannot declare an endpoint (it references neither MVC nor
/// routing): no ASP.NET Core type is looked up and nothing is registered. A project that references ASP.NET Core only
/// through the framework reference (Microsoft.NET.Sdk.Web, also for a library) keeps every finding.
/// </summary>
[Trait("Rule", "AEG003")]
public sealed class AEG003EndpointlessCompilationTests
{
    private const string Controllers = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        namespace Shop;

        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")] public class OrdersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")] public class InvoicesController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        [ApiController, Route("api/[controller]"), Authorize(Policy = "Staff")] public class CustomersController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        [ApiController, Route("api/[controller]")] public class ReportsController : ControllerBase { [HttpGet] public IActionResult List() => Ok(); }
        """;

    private const string MinimalEndpoints = """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Routing;

        namespace Shop;

        public static class ShopEndpoints
        {
            public static void Map(IEndpointRouteBuilder app)
            {
                app.MapGet("/orders", () => "orders").RequireAuthorization();
                app.MapGet("/invoices", () => "invoices").RequireAuthorization();
                app.MapGet("/customers", () => "customers").RequireAuthorization();
                app.MapGet("/reports", () => "reports");
            }
        }
        """;

    /// <summary>Looks like endpoints by name only: nothing here is ASP.NET Core.</summary>
    private const string LookAlikes = """
        namespace Shop;

        public class ReportsController { public string List() => "reports"; }

        public static class Routes
        {
            public static Routes2 MapGet(this Routes2 routes, string pattern) => routes;
        }

        public sealed class Routes2
        {
            public void Map() => this.MapGet("/reports");
        }
        """;

    /// <summary>An authorization-policy library: references Microsoft.AspNetCore.Authorization, but no MVC and no routing.</summary>
    private const string PolicyLibrary = """
        using Microsoft.AspNetCore.Authorization;

        namespace Shop.Policies;

        [Authorize(Policy = "Staff")]
        public class StaffOnly { }

        public static class Policies
        {
            public static AuthorizationOptions AddStaff(AuthorizationOptions options)
            {
                options.AddPolicy("Staff", policy => policy.RequireRole("staff"));
                return options;
            }
        }
        """;

    [Fact]
    public async Task Detect_LibraryWithFrameworkReference_Controllers()
    {
        var (diagnostics, _) = await RunAsync(WebReferences(), Controllers);

        Assert.StartsWith("Controller 'ReportsController'", Assert.Single(diagnostics, d => d.Id == RuleIdentifiers.MissingAuthorization).GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_LibraryWithFrameworkReference_MinimalEndpoints()
    {
        var (diagnostics, _) = await RunAsync(WebReferences(), MinimalEndpoints);

        Assert.Contains("GET /reports", Assert.Single(diagnostics, d => d.Id == RuleIdentifiers.MissingAuthorization).GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Safe_PlainLibrary_LooksUpNoAspNetCoreType()
    {
        var (diagnostics, resolved) = await RunAsync(PlainReferences(), LookAlikes);

        Assert.Empty(diagnostics);
        Assert.Equal(0, resolved);
    }

    [Fact]
    public async Task Safe_AuthorizationOnlyLibrary_LooksUpNoAspNetCoreType()
    {
        var references = PlainReferences().Concat(WebReferences().Where(r => IsAny(r, "Microsoft.AspNetCore.Authorization.dll", "Microsoft.AspNetCore.Metadata.dll"))).ToList();

        var (diagnostics, resolved) = await RunAsync(references, PolicyLibrary, LookAlikes);

        Assert.Empty(diagnostics);
        Assert.Equal(0, resolved);
    }

    /// <summary>Runs AEG003 alone on a library; also says how many type names the compilation's shared lookup resolved.</summary>
    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, int Resolved)> RunAsync(IReadOnlyList<MetadataReference> references, params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "Shop.Library",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), "File" + i + ".cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        // The analyzers see the driver's compilation, not this one: a second analyzer catches it for the lookup count.
        var witness = new CompilationWitness();
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new MissingAuthorizationAnalyzer(), witness))
            .GetAnalyzerDiagnosticsAsync();
        Assert.NotNull(witness.Seen);
        return (diagnostics, KnownTypes.For(witness.Seen!).ResolvedCount);
    }

    private static IReadOnlyList<MetadataReference> WebReferences() => SnippetReferences.All;

    /// <summary>The framework's own references: no ASP.NET Core pack, no packages.</summary>
    private static IReadOnlyList<MetadataReference> PlainReferences()
        => SnippetReferences.All.Where(r => r.Display?.Replace('\\', '/').Contains("/Microsoft.NETCore.App.Ref/", StringComparison.Ordinal) == true).ToList();

    private static bool IsAny(MetadataReference reference, params string[] fileNames)
        => fileNames.Any(name => reference.Display?.Replace('\\', '/').EndsWith("/" + name, StringComparison.Ordinal) == true);

#pragma warning disable RS1001, RS1012, RS1025, RS1026 // A test witness, not a shipped analyzer.
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class CompilationWitness : DiagnosticAnalyzer
    {
        public Compilation? Seen { get; private set; }

        // An analyzer with no descriptor would not run at all.
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            new DiagnosticDescriptor("WITNESS1", "Witness", "Witness", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true));

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                Seen = start.Compilation;
                start.RegisterSymbolAction(_ => { }, SymbolKind.NamedType);
            });
        }
    }
#pragma warning restore RS1001, RS1012, RS1025, RS1026
}
