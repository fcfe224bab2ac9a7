using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Aegis.Bench.Generator;

/// <summary>What was generated: where, how big, and which findings were planted.</summary>
internal sealed record GeneratedProject(string ProjectPath, int Files, int Lines, int Modules, Planted Planted, IReadOnlyList<GeneratedPart> Parts)
{
    /// <summary>The solution file (<see cref="ProjectPath"/> is the solution).</summary>
    public int Projects => Parts.Count;
}

/// <summary>One project of the generated solution.</summary>
internal sealed record GeneratedPart(string Name, string ProjectPath, int Files, int Lines, int Modules);

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
    private static readonly string[] Packages = ["Dapper", "Microsoft.Data.Sqlite", "Microsoft.EntityFrameworkCore.Sqlite", .. Peers.All.Select(p => p.Package!)];

    private static readonly Dictionary<string, string> FallbackVersions = new(StringComparer.Ordinal)
    {
        ["Dapper"] = "2.1.66",
        ["Microsoft.Data.Sqlite"] = "10.0.14",
        ["Microsoft.EntityFrameworkCore.Sqlite"] = "10.0.14",
        ["SecurityCodeScan.VS2019"] = "5.6.7",
        ["SonarAnalyzer.CSharp"] = "9.32.0.97167",
        ["Microsoft.CodeAnalysis.NetAnalyzers"] = "11.0.100",
    };

    public static GeneratedProject Generate(string directory, int seed, int targetLines, int projects, double findingRate, string analyzerPath, string repoRoot, bool keep = false)
    {
        // keep: rewrite the same bytes over an earlier generation, leaving its obj/ (and build logs) usable.
        if (!keep && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var rng = new Rng((ulong)seed);
        var planted = new Planted();
        var writer = new ModuleWriter(rng, new SecretFactory(rng), planted, findingRate);
        var parts = new List<GeneratedPart>();
        var totalModules = 0;
        var files = 0;
        var lines = 0;
        var partFiles = 0;
        var partLines = 0;

        void Emit(string relativePath, string text)
        {
            var path = Path.Combine(directory, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (relativePath.EndsWith(".cs", StringComparison.Ordinal))
            {
                var count = text.Count(c => c == '\n');
                files++;
                lines += count;
                partFiles++;
                partLines += count;
            }
        }

        // One host (Program.cs, the status controller) and projects - 1 feature libraries holding the modules;
        // with --projects 1 the host holds the modules itself, as the single-project generator did.
        var featureCount = Math.Max(1, projects - 1);
        var features = new List<(string Name, List<Module> Modules)>();
        for (var f = 0; f < featureCount; f++)
        {
            var name = projects == 1 ? "Generated.App" : $"Generated.Feature{f + 1}";
            var folder = $"src/{name}/";
            partFiles = 0;
            partLines = 0;
            var modules = new List<Module>();
            var goal = (long)targetLines * (f + 1) / featureCount;
            while (lines < goal || modules.Count == 0)
            {
                var index = totalModules++;
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
                    Emit(folder + path, Rename(text, name));
                }
            }

            Emit(folder + "Data/AppDbContext.cs", Rename(DbContext(modules), name));
            if (projects == 1)
            {
                Emit(folder + "Controllers/StatusController.cs", StatusController());
                Emit(folder + "Program.cs", Program(modules));
                Emit(folder + $"{name}.csproj", ProjectFile(isHost: true, []));
            }
            else
            {
                Emit(folder + "FeatureRegistration.cs", Rename(Registration(modules, f + 1), name));
                Emit(folder + $"{name}.csproj", ProjectFile(isHost: false, []));
            }

            features.Add((name, modules));
            parts.Add(new GeneratedPart(name, Path.Combine(directory, folder, name + ".csproj"), partFiles, partLines, modules.Count));
        }

        if (projects > 1)
        {
            partFiles = 0;
            partLines = 0;
            Emit("src/Generated.App/Controllers/StatusController.cs", StatusController());
            Emit("src/Generated.App/Program.cs", HostProgram(featureCount));
            Emit("src/Generated.App/Generated.App.csproj", ProjectFile(isHost: true, features.Select(f => f.Name).ToList()));
            parts.Insert(0, new GeneratedPart("Generated.App", Path.Combine(directory, "src/Generated.App/Generated.App.csproj"), partFiles, partLines, 0));
        }

        Emit("src/Generated.App/appsettings.json", AppSettings);
        Emit("Generated.sln", Solution(parts.Select(p => p.Name).ToList()));
        Emit("Directory.Build.props", DirectoryBuildProps.Replace("§ANALYZER§", analyzerPath, StringComparison.Ordinal));
        Emit("Directory.Build.targets", DirectoryBuildTargets);
        Emit("Directory.Packages.props", PackagesProps(repoRoot));
        Emit(".editorconfig", EditorConfig);
        Emit("SonarLint.xml", SonarLintXml);
        Emit("CoveringRules.globalconfig", CoveringRulesGlobalConfig);
        return new GeneratedProject(Path.Combine(directory, "Generated.sln"), files, lines, totalModules, planted, parts);
    }

    /// <summary>ModuleWriter writes namespaces under Generated.App; each feature project gets its own root.</summary>
    private static string Rename(string text, string projectName) =>
        projectName == "Generated.App" ? text : text.Replace("Generated.App", projectName, StringComparison.Ordinal);

    private static string Registration(List<Module> modules, int feature)
    {
        var sb = new StringBuilder();
        // The Endpoints namespace exists only when some module has minimal-API endpoints.
        sb.Append(modules.Any(m => m.HasEndpoints) ? "using Generated.App.Data;\nusing Generated.App.Endpoints;\n" : "using Generated.App.Data;\n");
        sb.Append(CultureInfo.InvariantCulture, $$"""
            using Generated.App.Services;
            using Microsoft.EntityFrameworkCore;

            namespace Generated.App;

            /// <summary>Registers the services and endpoints of this feature project.</summary>
            public static class Feature{{feature}}Registration
            {
                public static IServiceCollection AddFeature{{feature}}(this IServiceCollection services, IConfiguration configuration)
                {
                    services.AddDbContext<AppDbContext>(options =>
                        options.UseSqlite(configuration.GetConnectionString("Feature{{feature}}") ?? "Data Source=feature{{feature}}.db"));

            """);
        foreach (var module in modules)
        {
            sb.Append(CultureInfo.InvariantCulture, $"        services.AddScoped<{module.Entity}Repository>();\n");
            sb.Append(CultureInfo.InvariantCulture, $"        services.AddScoped<{module.Entity}Service>();\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $$"""
                    return services;
                }

                public static IEndpointRouteBuilder MapFeature{{feature}}(this IEndpointRouteBuilder app)
                {

            """);
        foreach (var module in modules.Where(m => m.HasEndpoints))
        {
            sb.Append(CultureInfo.InvariantCulture, $"        app.Map{module.Entity}Endpoints();\n");
        }

        sb.Append("""
                    return app;
                }
            }

            """);
        return sb.ToString();
    }

    private static string HostProgram(int features)
    {
        var sb = new StringBuilder();
        for (var f = 1; f <= features; f++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"using Generated.Feature{f};\n");
        }

        sb.Append("""

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddControllers();
            builder.Services.AddAuthentication();
            builder.Services.AddAuthorization(options => options.AddPolicy("Staff", policy => policy.RequireRole("staff")));

            """);
        for (var f = 1; f <= features; f++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"builder.Services.AddFeature{f}(builder.Configuration);\n");
        }

        sb.Append("""

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapControllers();

            """);
        for (var f = 1; f <= features; f++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"app.MapFeature{f}();\n");
        }

        sb.Append("app.Run();\n");
        return sb.ToString();
    }

    private static string Solution(List<string> projects)
    {
        // Classic .sln text; project GUIDs derive from the index so the file is deterministic.
        var sb = new StringBuilder();
        sb.Append("\nMicrosoft Visual Studio Solution File, Format Version 12.00\n# Visual Studio Version 17\n");
        var guids = projects.Select((_, i) => FormattableString.Invariant($"{{00000000-0000-0000-0000-{i + 1:000000000000}}}")).ToList();
        for (var i = 0; i < projects.Count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"Project(\"{{9A19103F-16F7-4668-BE54-9A1E7A4F7556}}\") = \"{projects[i]}\", \"src/{projects[i]}/{projects[i]}.csproj\", \"{guids[i]}\"\nEndProject\n");
        }

        sb.Append("Global\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\n\t\tDebug|Any CPU = Debug|Any CPU\n\t\tRelease|Any CPU = Release|Any CPU\n\tEndGlobalSection\n");
        sb.Append("\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\n");
        foreach (var guid in guids)
        {
            foreach (var c in new[] { "Debug", "Release" })
            {
                sb.Append(CultureInfo.InvariantCulture, $"\t\t{guid}.{c}|Any CPU.ActiveCfg = {c}|Any CPU\n\t\t{guid}.{c}|Any CPU.Build.0 = {c}|Any CPU\n");
            }
        }

        sb.Append("\tEndGlobalSection\nEndGlobal\n");
        return sb.ToString();
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
        sb.Append(modules.Any(m => m.HasEndpoints) ? "using Generated.App.Data;\nusing Generated.App.Endpoints;\n" : "using Generated.App.Data;\n");
        sb.Append("""
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

    private static string ProjectFile(bool isHost, IReadOnlyList<string> references)
    {
        // Feature projects are Web-SDK libraries: the same implicit usings and ASP.NET Core references as the host.
        var sb = new StringBuilder();
        sb.Append("<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <!-- Generated by bench/Aegis.Bench: do not edit, regenerate. -->\n");
        if (!isHost)
        {
            sb.Append("  <PropertyGroup>\n    <OutputType>Library</OutputType>\n  </PropertyGroup>\n");
        }

        if (references.Count > 0)
        {
            sb.Append("  <ItemGroup>\n");
            foreach (var reference in references)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    <ProjectReference Include=\"../{reference}/{reference}.csproj\" />\n");
            }

            sb.Append("  </ItemGroup>\n");
        }

        sb.Append("</Project>\n");
        return sb.ToString();
    }

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
    // (artifacts output, warnings as errors, versions) do not leak into the measured projects.
    // -p:BenchAnalyzers=<configuration> selects what is added to the SDK's defaults: nothing (baseline),
    // the Aegis DLL, or one peer package (restored per configuration; see Peers).
    private const string DirectoryBuildProps = """
        <Project>
          <!-- Generated by bench/Aegis.Bench: shared settings of every generated project. -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
            <!-- A dependency resolved to a newer version than a package names (when a feed lacks the exact one) is not a finding here. -->
            <NoWarn>$(NoWarn);NU1603</NoWarn>
            <AegisAnalyzerPath Condition="'$(AegisAnalyzerPath)' == ''">§ANALYZER§</AegisAnalyzerPath>
            <BenchAnalyzers Condition="'$(BenchAnalyzers)' == '' and '$(AegisBench)' == 'true'">aegis</BenchAnalyzers>
            <!-- One SARIF log per project (a single -p:ErrorLog would be overwritten by each project in turn). -->
            <ErrorLog Condition="'$(BenchErrorLogStem)' != ''">$(BenchErrorLogStem)-$(MSBuildProjectName).sarif</ErrorLog>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Dapper" />
            <PackageReference Include="Microsoft.Data.Sqlite" />
            <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzers)' == 'aegis' or '$(BenchAnalyzers)' == 'sidebyside'">
            <Analyzer Include="$(AegisAnalyzerPath)" />
          </ItemGroup>
          <!-- sidebyside: Aegis and the SDK's own NetAnalyzers rules of the same families (CA2100, CA3001, CA5390) in ONE
               build, so /reportanalyzer times both under the same load; only those three are turned on. -->
          <ItemGroup Condition="'$(BenchAnalyzers)' == 'sidebyside'">
            <GlobalAnalyzerConfigFiles Include="$(MSBuildThisFileDirectory)CoveringRules.globalconfig" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzers)' == 'securitycodescan'">
            <PackageReference Include="SecurityCodeScan.VS2019" PrivateAssets="all" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzers)' == 'sonar'">
            <PackageReference Include="SonarAnalyzer.CSharp" PrivateAssets="all" />
            <!-- What SonarScanner writes for a build: without it Sonar 9.x skips its security hotspot rules. -->
            <AdditionalFiles Include="$(MSBuildThisFileDirectory)SonarLint.xml" />
          </ItemGroup>
          <ItemGroup Condition="'$(BenchAnalyzers)' == 'netanalyzers'">
            <PackageReference Include="Microsoft.CodeAnalysis.NetAnalyzers" PrivateAssets="all" />
          </ItemGroup>
          <PropertyGroup Condition="'$(BenchAnalyzers)' == 'netanalyzers'">
            <AnalysisMode>All</AnalysisMode>
          </PropertyGroup>
        </Project>

        """;

    // The NetAnalyzers rules covering Aegis's families (see Peers.CoveringRules), on as a user would turn them on.
    private const string CoveringRulesGlobalConfig = """
        is_global = true
        dotnet_diagnostic.CA2100.severity = warning
        dotnet_diagnostic.CA3001.severity = warning
        dotnet_diagnostic.CA5390.severity = warning

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

    // The security hotspot rules covering Aegis's families, as SonarScanner would pass them for a profile that has
    // them on: S2077 (SQL built from strings, AEG001) and S2068 (hard-coded credentials, AEG002). Sonar 9.32 has
    // no rule for AEG003's family.
    private const string SonarLintXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <AnalysisInput>
          <Settings>
            <Setting><Key>sonar.cs.analyzeGeneratedCode</Key><Value>false</Value></Setting>
          </Settings>
          <Rules>
            <Rule><Key>S2077</Key></Rule>
            <Rule><Key>S2068</Key><Parameters><Parameter><Key>credentialWords</Key><Value>password, passwd, pwd, passphrase</Value></Parameter></Parameters></Rule>
          </Rules>
          <Files></Files>
        </AnalysisInput>

        """;

    private const string AppSettings = """
        {
          "ConnectionStrings": { "Default": "Data Source=app.db" },
          "Logging": { "LogLevel": { "Default": "Information" } }
        }

        """;
}
