using System.Text.Json;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests;

/// <summary>
/// The seatbelt judges a proposed C# file inside its project's compilation (the compile inputs its build uses), before
/// and after: package types bind, the repository's conventions apply, and only incidents the change adds count.
/// </summary>
public sealed class ProposeInProjectTests
{
    private const string ProductsController = ShopSources.DapperProductsController;

    private const string UserRepository = """
        using Microsoft.Data.SqlClient;

        namespace Shop;

        public sealed class UserRepository
        {
            public object? Find(string user)
            {
                using var command = new SqlCommand();
                command.CommandText = "SELECT * FROM Users WHERE Name = @user";
                return command.ExecuteScalar();
            }
        }
        """;

    private const string Billing = """
        using Payments;

        namespace Shop;

        public sealed class Billing
        {
            public PaymentsClient Client { get; } = new PaymentsClient(System.Environment.GetEnvironmentVariable("PAYMENTS_API_KEY") ?? throw new System.InvalidOperationException("PAYMENTS_API_KEY is not set."));
        }
        """;

    /// <summary>Three authorized controllers (a convention), a Dapper controller, an ADO.NET repository and a payments SDK user.</summary>
    private static TempDirectory ShopRepository(bool withOpenOrdersController = false)
    {
        var directory = new TempDirectory();
        var packages = PackageStubs.Write(directory, ("Dapper", PackageStubs.Dapper), ("Microsoft.Data.SqlClient", PackageStubs.SqlClient), ("Payments", PackageStubs.Payments));
        var files = new Dictionary<string, string>
        {
            ["src/Shop/Controllers/AccountsController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Accounts"),
            ["src/Shop/Controllers/InvoicesController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Invoices"),
            ["src/Shop/Controllers/CustomersController.cs"] = ShopSources.AuthorizedController.Replace("{0}", "Customers"),
            ["src/Shop/Controllers/ProductsController.cs"] = ProductsController,
            ["src/Shop/Data/UserRepository.cs"] = UserRepository,
            ["src/Shop/Billing.cs"] = Billing,
        };
        if (withOpenOrdersController)
        {
            files["src/Shop/Controllers/OrdersController.cs"] = ShopSources.OpenController;
        }

        TestProjects.WriteBuiltProject(directory, "src/Shop/Shop.csproj", files, packages);
        return directory;
    }

    private static Task<(int Exit, JsonElement Card, string Stdout, string Stderr)> ProposeAsync(TempDirectory directory, string file, string content)
        => ProposeAndGateTests.ProposeAsync(directory, new { file, content, intent = "small change", actor = "helper" });

    private static string[] Rules(JsonElement card) => card.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("rule").GetString()!).ToArray();

    private static JsonElement Check(JsonElement card, string name) => card.GetProperty("checks").EnumerateArray().First(c => c[0].GetString() == name);

    [Fact]
    public async Task Detect_DapperInterpolationFromARequestParameter_Blocked()
    {
        using var directory = ShopRepository();
        var content = ProductsController.Replace("connection.Query<string>(\"SELECT Name FROM Products WHERE Name = @name\", new { name })", "connection.Query<string>($\"SELECT Name FROM Products WHERE Name = '{name}'\")", StringComparison.Ordinal);

        var (exit, card, _, _) = await ProposeAsync(directory, "src/Shop/Controllers/ProductsController.cs", content);

        Assert.Equal(1, exit);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.Equal(new[] { "AEG001" }, Rules(card));
        Assert.Equal("src/Shop/Controllers/ProductsController.cs", card.GetProperty("incidents")[0].GetProperty("file").GetString());
        Assert.Contains("judged in src/Shop/Shop.csproj", Check(card, "incidents")[2].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_AdoNetCommandTextConcatenation_Blocked()
    {
        using var directory = ShopRepository();
        var content = UserRepository.Replace("\"SELECT * FROM Users WHERE Name = @user\"", "\"SELECT * FROM Users WHERE Name = '\" + user + \"'\"", StringComparison.Ordinal);

        var (exit, card, _, _) = await ProposeAsync(directory, "src/Shop/Data/UserRepository.cs", content);

        Assert.Equal(1, exit);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.Equal(new[] { "AEG001" }, Rules(card));
    }

    [Fact]
    public async Task Detect_HardCodedKeyPassedToAPackageParameter_Blocked_AndMasked()
    {
        using var directory = ShopRepository();
        const string key = "q8ZrT2vLk9XwP4mNb7YcH3sJd6FgA1eU";
        var content = Billing.Replace("System.Environment.GetEnvironmentVariable(\"PAYMENTS_API_KEY\") ?? throw new System.InvalidOperationException(\"PAYMENTS_API_KEY is not set.\")", "\"" + key + "\"", StringComparison.Ordinal);
        Assert.Contains(key, content, StringComparison.Ordinal);

        var (exit, card, stdout, _) = await ProposeAsync(directory, "src/Shop/Billing.cs", content);

        Assert.Equal(1, exit);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.Equal(new[] { "AEG002" }, Rules(card));
        Assert.DoesNotContain(key, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_NewUnprotectedControllerInAProjectWithAConvention_Blocked()
    {
        using var directory = ShopRepository();

        // A new file in a folder that does not exist yet: the project above it owns it.
        var (exit, card, _, _) = await ProposeAsync(directory, "src/Shop/Features/Orders/OrdersController.cs", ShopSources.OpenController);

        Assert.Equal(1, exit);
        Assert.Equal("blocked", card.GetProperty("status").GetString());
        Assert.Equal(new[] { "AEG003" }, Rules(card));
        Assert.Contains("(judged in src/Shop/Shop.csproj)", Check(card, "incidents")[2].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Safe_HarmlessChange_ExistingIncidentElsewhereIsNotBlamed_Allow()
    {
        using var directory = ShopRepository(withOpenOrdersController: true);
        var content = ProductsController.Replace("[HttpGet]", "[HttpGet(\"search\")]", StringComparison.Ordinal);

        var (exit, card, _, _) = await ProposeAsync(directory, "src/Shop/Controllers/ProductsController.cs", content);

        Assert.Equal(0, exit);
        Assert.Equal("allow", card.GetProperty("status").GetString());
        Assert.Empty(Rules(card));
        Assert.Equal("the change adds no incidents (judged in src/Shop/Shop.csproj)", Check(card, "incidents")[2].GetString());
    }

    [Fact]
    public async Task Safe_ParameterizedSqlAndConfiguredKey_InANewFile_Allow()
    {
        using var directory = ShopRepository();
        var content = """
            using System.Data;
            using Dapper;
            using Microsoft.Data.SqlClient;

            namespace Shop.Data;

            public sealed class OrderQueries
            {
                public int Count(IDbConnection connection, string customer) => connection.Execute("SELECT COUNT(*) FROM Orders WHERE Customer = @customer", new { customer });

                public object? Total(int id)
                {
                    using var command = new SqlCommand();
                    command.CommandText = "SELECT SUM(Amount) FROM Orders WHERE Id = " + id;
                    return command.ExecuteScalar();
                }

                public Payments.PaymentsClient Client() => new(System.Environment.GetEnvironmentVariable("PAYMENTS_API_KEY") ?? throw new System.InvalidOperationException("PAYMENTS_API_KEY is not set."));
            }
            """;

        var (exit, card, _, _) = await ProposeAsync(directory, "src/Shop/Data/OrderQueries.cs", content);

        Assert.Equal(0, exit);
        Assert.Equal("allow", card.GetProperty("status").GetString());
        Assert.Empty(Rules(card));
    }

    /// <summary>No build has run: the compile inputs come from <c>dotnet msbuild -restore -getItem</c>, with the real
    /// Dapper package from the local package cache.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Detect_DapperInterpolation_InAProjectNeverBuilt_ThroughMsBuild()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Orders/Orders.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="Dapper" Version="2.1.66" /></ItemGroup>
            </Project>
            """);
        const string queries = "using System.Data;\nusing Dapper;\n\nnamespace Orders;\n\npublic static class OrderQueries\n{\n    public static int Cancel(IDbConnection connection, string customer) => connection.Execute(\"DELETE FROM Orders WHERE Customer = @customer\", new { customer });\n}\n";
        directory.Write("src/Orders/OrderQueries.cs", queries);

        var (exit, card, _, _) = await ProposeAsync(directory, "src/Orders/OrderQueries.cs", queries.Replace("\"DELETE FROM Orders WHERE Customer = @customer\", new { customer }", "$\"DELETE FROM Orders WHERE Customer = '{customer}'\"", StringComparison.Ordinal));

        Assert.Equal(1, exit);
        Assert.Equal(new[] { "AEG001" }, Rules(card));
        Assert.Contains("(judged in src/Orders/Orders.csproj)", Check(card, "incidents")[2].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task ProjectThatCannotBeEvaluated_ScannedAlone_AndTheCardSaysWhy()
    {
        using var directory = new TempDirectory();
        directory.Write("src/Broken/Broken.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>\n");
        directory.Write("src/Broken/Tool.cs", "public static class Tool { }\n");

        var (exit, card, _, _) = await ProposeAsync(directory, "src/Broken/Tool.cs", "public static class Tool { public static int Two => 2; }\n");

        Assert.Equal(0, exit);
        Assert.StartsWith("the change adds no incidents (scanned on its own: src/Broken/Broken.csproj could not be evaluated (dotnet msbuild could not evaluate ", Check(card, "incidents")[2].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoProject_ScannedAlone_AndTheCardSaysSo()
    {
        using var directory = new TempDirectory();
        directory.Write("scripts/Tool.cs", "public static class Tool { }\n");

        var (exit, card, _, _) = await ProposeAsync(directory, "scripts/Tool.cs", "public static class Tool { public static int Two => 2; }\n");

        Assert.Equal(0, exit);
        Assert.Equal("the change adds no incidents (scanned on its own: no project includes scripts/Tool.cs)", Check(card, "incidents")[2].GetString());
    }
}
