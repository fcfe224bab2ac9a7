using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Aegis.Bench.Generator;

/// <summary>What was generated: where, how big, and which findings were planted.</summary>
internal sealed record GeneratedProject(string ProjectPath, int Files, int Lines, int Modules, Planted Planted);

/// <summary>
/// Writes a deterministic ASP.NET Core project (seed → identical bytes) of roughly the requested size:
/// many modules, each with an entity, a repository over ADO.NET, Dapper or EF Core, a service reading
/// configuration, a controller and often minimal-API endpoints. Most code is safe look-alikes; a share
/// of sinks, secret slots and endpoints (the finding rate) are real findings, counted in <see cref="Planted"/>.
/// </summary>
internal static class ProjectGenerator
{
    private static readonly string[] Nouns =
    [
        "Order", "Invoice", "Customer", "Product", "Shipment", "Supplier", "Warehouse", "Payment", "Refund",
        "Coupon", "Campaign", "Ticket", "Employee", "Department", "Project", "Contract", "Vendor", "Asset",
        "Booking", "Reservation", "Account", "Subscription", "Review", "Article", "Lead", "Opportunity",
        "Quote", "Delivery", "Carrier", "Parcel", "Store", "Branch", "Device", "Sensor", "Reading", "Alert",
        "Incident", "Vehicle", "Driver", "Trip", "Patient", "Appointment", "Prescription", "Course", "Student",
        "Enrollment", "Survey", "Budget",
    ];

    /// <summary>Package versions the generated project needs; read from the repository's central file when present.</summary>
    private static readonly string[] Packages = ["Dapper", "Microsoft.Data.Sqlite", "Microsoft.EntityFrameworkCore.Sqlite"];

    private static readonly Dictionary<string, string> FallbackVersions = new(StringComparer.Ordinal)
    {
        ["Dapper"] = "2.1.66",
        ["Microsoft.Data.Sqlite"] = "10.0.14",
        ["Microsoft.EntityFrameworkCore.Sqlite"] = "10.0.14",
    };

    public static GeneratedProject Generate(string directory, int seed, int targetLines, double findingRate, string analyzerPath, string repoRoot)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var rng = new Rng((ulong)seed);
        var planted = new Planted();
        var writer = new ModuleWriter(rng, new SecretFactory(rng), planted, findingRate);
        var modules = new List<Module>();
        var files = 0;
        var lines = 0;

        void Emit(string relativePath, string text)
        {
            var path = Path.Combine(directory, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (relativePath.EndsWith(".cs", StringComparison.Ordinal))
            {
                files++;
                lines += text.Count(c => c == '\n');
            }
        }

        Emit("Controllers/StatusController.cs", StatusController());
        while (lines < targetLines)
        {
            var index = modules.Count;
            var noun = Nouns[index % Nouns.Length];
            var suffix = index < Nouns.Length ? string.Empty : (index / Nouns.Length + 1).ToString(CultureInfo.InvariantCulture);
            var plural = Plural(noun);
            var kind = rng.Next(100) switch
            {
                < 40 => DataAccessKind.Dapper,
                < 75 => DataAccessKind.AdoNet,
                _ => DataAccessKind.EfCore,
            };
            var module = new Module(noun + suffix, plural + suffix, plural.ToLowerInvariant() + suffix, kind, rng.Chance(0.5));
            modules.Add(module);
            foreach (var (path, text) in writer.Write(module))
            {
                Emit(path, text);
            }
        }

        Emit("Data/AppDbContext.cs", DbContext(modules));
        Emit("Program.cs", Program(modules));
        Emit("Generated.App.csproj", ProjectFile(analyzerPath));
        Emit("Directory.Build.props", DirectoryBuildProps);
        Emit("Directory.Build.targets", DirectoryBuildTargets);
        Emit("Directory.Packages.props", PackagesProps(repoRoot));
        Emit(".editorconfig", EditorConfig);
        Emit("appsettings.json", AppSettings);
        return new GeneratedProject(Path.Combine(directory, "Generated.App.csproj"), files, lines, modules.Count, planted);
    }

    private static string Plural(string noun)
    {
        if (noun.EndsWith('y') && !"aeiou".Contains(noun[^2], StringComparison.Ordinal))
        {
            return noun[..^1] + "ies";
        }

        return noun.EndsWith("ch", StringComparison.Ordinal) || noun.EndsWith('s') || noun.EndsWith('x') ? noun + "es" : noun + "s";
    }

    private static string Program(List<Module> modules)
    {
        var sb = new StringBuilder();
        sb.Append("""
            using Generated.App.Data;
            using Generated.App.Endpoints;
            using Generated.App.Services;
            using Microsoft.EntityFrameworkCore;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddControllers();
            builder.Services.AddAuthentication();
            builder.Services.AddAuthorization(options => options.AddPolicy("Staff", policy => policy.RequireRole("staff")));
            builder.Services.AddDbContext<AppDbContext>(options =>
                options.UseSqlite(builder.Configuration.GetConnectionString("Default") ?? "Data Source=app.db"));

            """);
        foreach (var module in modules)
        {
            sb.Append(CultureInfo.InvariantCulture, $"builder.Services.AddScoped<{module.Entity}Repository>();\n");
            sb.Append(CultureInfo.InvariantCulture, $"builder.Services.AddScoped<{module.Entity}Service>();\n");
        }

        sb.Append("""

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapControllers();

            """);
        foreach (var module in modules.Where(m => m.HasEndpoints))
        {
            sb.Append(CultureInfo.InvariantCulture, $"app.Map{module.Entity}Endpoints();\n");
        }

        sb.Append("app.Run();\n");
        return sb.ToString();
    }

    private static string DbContext(List<Module> modules)
    {
        var sb = new StringBuilder();
        sb.Append("""
            using Generated.App.Domain;
            using Microsoft.EntityFrameworkCore;

            namespace Generated.App.Data;

            /// <summary>The EF Core context of the modules that use EF Core.</summary>
            public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
            {

            """);
        foreach (var module in modules.Where(m => m.Kind == DataAccessKind.EfCore))
        {
            sb.Append(CultureInfo.InvariantCulture, $"    public DbSet<{module.Entity}> {module.Plural} => Set<{module.Entity}>();\n\n");
        }

        sb.Append("""
                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    base.OnModelCreating(modelBuilder);
                }
            }

            """);
        return sb.ToString();
    }

    private static string StatusController() => """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Mvc;

        namespace Generated.App.Controllers;

        /// <summary>Liveness and version information; public on purpose.</summary>
        [ApiController]
        [Route("api/status")]
        [AllowAnonymous]
        public sealed class StatusController : ControllerBase
        {
            [HttpGet]
            public IActionResult Get() => Ok(new { status = "ok", time = DateTime.UtcNow });

            [HttpGet("version")]
            public IActionResult Version() => Ok(typeof(StatusController).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        }

        """;

    private static string ProjectFile(string analyzerPath) => $$"""
        <Project Sdk="Microsoft.NET.Sdk.Web">
          <!-- Generated by bench/Aegis.Bench: do not edit, regenerate. -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <RootNamespace>Generated.App</RootNamespace>
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
            <!-- The package mirror lacks SQLitePCLRaw 2.1.13; NuGet resolving a newer one is expected. -->
            <NoWarn>$(NoWarn);NU1603</NoWarn>
            <AegisAnalyzerPath Condition="'$(AegisAnalyzerPath)' == ''">{{analyzerPath}}</AegisAnalyzerPath>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Dapper" />
            <PackageReference Include="Microsoft.Data.Sqlite" />
            <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" />
          </ItemGroup>
          <!-- Only the "aegis" configuration of the benchmark (-p:AegisBench=true) loads the analyzer. -->
          <ItemGroup Condition="'$(AegisBench)' == 'true'">
            <Analyzer Include="$(AegisAnalyzerPath)" />
          </ItemGroup>
        </Project>

        """;

    private static string PackagesProps(string repoRoot)
    {
        var versions = new Dictionary<string, string>(FallbackVersions, StringComparer.Ordinal);
        var central = Path.Combine(repoRoot, "Directory.Packages.props");
        if (File.Exists(central))
        {
            foreach (var element in XDocument.Load(central).Descendants("PackageVersion"))
            {
                var id = (string?)element.Attribute("Include");
                var version = (string?)element.Attribute("Version");
                if (id is not null && version is not null && versions.ContainsKey(id))
                {
                    versions[id] = version;
                }
            }
        }

        var sb = new StringBuilder();
        sb.Append("""
            <Project>
              <!-- Versions copied from the Aegis repository's Directory.Packages.props when the project was generated. -->
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>

            """);
        foreach (var id in Packages)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    <PackageVersion Include=\"{id}\" Version=\"{versions[id]}\" />\n");
        }

        sb.Append("""
              </ItemGroup>
            </Project>

            """);
        return sb.ToString();
    }

    // Own Directory.Build.* files end MSBuild's upward search, so the Aegis repository's settings
    // (artifacts output, warnings as errors, versions) do not leak into the measured project.
    private const string DirectoryBuildProps = """
        <Project>
          <!-- Deliberately empty: stops the Aegis repository's Directory.Build.props from applying. -->
        </Project>

        """;

    private const string DirectoryBuildTargets = """
        <Project>
          <!-- Deliberately empty: stops any Directory.Build.targets above from applying. -->
        </Project>

        """;

    private const string EditorConfig = """
        root = true

        [*.cs]
        indent_style = space
        indent_size = 4

        """;

    private const string AppSettings = """
        {
          "ConnectionStrings": { "Default": "Data Source=app.db" },
          "Logging": { "LogLevel": { "Default": "Information" } }
        }

        """;
}
