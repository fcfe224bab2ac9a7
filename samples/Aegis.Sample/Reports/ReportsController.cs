using System.Data.Common;
using System.Globalization;
using System.Text;
using Aegis.Sample.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Aegis.Sample.Reports;

public sealed record SalesLine(string Sku, string Name, long Units, long RevenueCents);

/// <summary>Sales reports for staff, plus signed download links. Plain ADO.NET.</summary>
[ApiController]
[Route("api/reports")]
[Authorize(Policy = "Staff")]
public sealed class ReportsController(SqliteConnectionFactory connections, ReportDownloadTokens tokens, IOptions<ReportingOptions> reporting) : ControllerBase
{
    [HttpGet("sales")]
    public async Task<ActionResult<IReadOnlyList<SalesLine>>> Sales([FromQuery] int days = 30, [FromQuery] int top = 10, CancellationToken cancellationToken = default)
    {
        if (days is < 1 or > 366 || top is < 1 or > 100)
        {
            return BadRequest();
        }

        return Ok(await ReadSalesAsync(DateTime.UtcNow.AddDays(-days), top, cancellationToken));
    }

    [HttpPost("sales/link")]
    public ActionResult<object> SalesLink()
        => Ok(new { url = Url.Action(nameof(Download), new { token = tokens.Issue("sales", TimeSpan.FromMinutes(15)) }) });

    [AllowAnonymous]
    [HttpGet("download")]
    public async Task<IActionResult> Download([FromQuery] string token, CancellationToken cancellationToken)
    {
        if (!tokens.TryValidate(token, out var report) || report != "sales")
        {
            return Unauthorized();
        }

        var csv = new StringBuilder("sku,name,units,revenue_cents\n");
        foreach (var line in await ReadSalesAsync(DateTime.UtcNow.AddDays(-30), 100, cancellationToken))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{line.Sku},\"{line.Name}\",{line.Units},{line.RevenueCents}\n");
        }

        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", "sales.csv");
    }

    [HttpGet("export-target")]
    public ActionResult<object> ExportTarget()
    {
        // Shows where the nightly export goes, without the credentials.
        var builder = new DbConnectionStringBuilder { ConnectionString = reporting.Value.WarehouseConnectionString };
        return Ok(new { server = builder["Server"], database = builder["Database"], hour = reporting.Value.ExportHour });
    }

    private async Task<IReadOnlyList<SalesLine>> ReadSalesAsync(DateTime since, int top, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT p.Sku, p.Name, SUM(l.Quantity), SUM(l.Quantity * l.UnitPriceCents)
            FROM OrderLines l
            JOIN Orders o ON o.Id = l.OrderId
            JOIN Products p ON p.Id = l.ProductId
            WHERE o.CreatedAt >= '{since:yyyy-MM-dd}'
            GROUP BY p.Sku, p.Name
            ORDER BY 3 DESC, p.Sku
            LIMIT {top}
            """;
        var lines = new List<SalesLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new SalesLine(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return lines;
    }
}
