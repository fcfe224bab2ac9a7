using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Aegis.Sample.Tests;

/// <summary>The app over its own SQLite database file, created and seeded at startup. One per test class.</summary>
public sealed class ShopFactory : WebApplicationFactory<Program>
{
    public const string StaffKey = "functional-tests-staff-key";

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"aegis-sample-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Shop", $"Data Source={_databasePath}");
        builder.UseSetting("Auth:StaffKey", StaffKey);
    }

    public HttpClient CreateStaffClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Staff-Key", StaffKey);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        File.Delete(_databasePath);
    }
}
