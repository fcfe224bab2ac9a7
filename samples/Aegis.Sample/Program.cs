using Aegis.Sample.Data;
using Aegis.Sample.Endpoints;
using Aegis.Sample.Orders;
using Aegis.Sample.Payments;
using Aegis.Sample.Reports;
using Aegis.Sample.Security;
using Aegis.Sample.Support;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

// Everything reads configuration lazily (from the container), so tests can point the app at their own database.
builder.Services.AddSingleton(services => new SqliteConnectionFactory(
    services.GetRequiredService<IConfiguration>().GetConnectionString("Shop")
        ?? throw new InvalidOperationException("The connection string 'Shop' is not configured.")));
builder.Services.AddDbContext<ShopDbContext>((services, options) =>
    options.UseSqlite(services.GetRequiredService<SqliteConnectionFactory>().ConnectionString));

builder.Services.AddScoped<OrderRepository>();
builder.Services.AddScoped<OrderTracking>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ReportDownloadTokens>();
builder.Services.Configure<ReportingOptions>(builder.Configuration.GetSection("Reporting"));
builder.Services.AddHttpClient<StripePaymentClient>();
builder.Services.AddHttpClient<GitHubIssueReporter>();

builder.Services.AddAuthentication(StaffKeyAuthenticationHandler.SchemeName)
    .AddScheme<StaffKeyOptions, StaffKeyAuthenticationHandler>(StaffKeyAuthenticationHandler.SchemeName, configureOptions: null);
builder.Services.AddOptions<StaffKeyOptions>(StaffKeyAuthenticationHandler.SchemeName)
    .Configure<IConfiguration>((options, configuration) => options.StaffKey = configuration["Auth:StaffKey"]);
builder.Services.AddAuthorization(options =>
    options.AddPolicy("Staff", policy => policy.RequireAuthenticatedUser().RequireRole("Staff")));

builder.Services.AddControllers();
builder.Services.AddProblemDetails();

var app = builder.Build();

await DatabaseInitializer.InitializeAsync(app.Services);

app.UseExceptionHandler();
app.UseAuthentication();
app.UseAuthorization();

app.MapControllers();
app.MapShopEndpoints();

app.Run();
