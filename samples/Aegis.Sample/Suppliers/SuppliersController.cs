using Aegis.Sample.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Aegis.Sample.Suppliers;

/// <summary>Suppliers, through EF Core.</summary>
[ApiController]
[Route("api/suppliers")]
[Authorize(Policy = "Staff")]
public sealed class SuppliersController(ShopDbContext db) : ControllerBase
{
    [HttpGet]
    public async Task<IReadOnlyList<Supplier>> List(CancellationToken cancellationToken)
        => await db.Suppliers.AsNoTracking().OrderBy(supplier => supplier.Name).ToListAsync(cancellationToken);

    [HttpGet("in/{city}")]
    public async Task<IReadOnlyList<Supplier>> InCity(string city, CancellationToken cancellationToken)
        => await db.Suppliers
            .FromSqlInterpolated($"SELECT * FROM Suppliers WHERE City = {city}")
            .AsNoTracking()
            .ToListAsync(cancellationToken);

    [HttpGet("search")]
    public async Task<IReadOnlyList<Supplier>> Search([FromQuery] string name, CancellationToken cancellationToken)
        => await db.Suppliers
            .FromSql($"SELECT * FROM Suppliers WHERE Name LIKE {"%" + name + "%"} AND Active = 1")
            .AsNoTracking()
            .ToListAsync(cancellationToken);

    [HttpPost("{id:int}/deactivate")]
    public async Task<IActionResult> Deactivate(int id, CancellationToken cancellationToken)
    {
        var updated = await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE Suppliers SET Active = 0 WHERE Id = {id}", cancellationToken);
        return updated == 0 ? NotFound() : NoContent();
    }

    [HttpPost("{id:int}/activate")]
    public async Task<IActionResult> Activate(int id, CancellationToken cancellationToken)
    {
        var updated = await db.Database.ExecuteSqlRawAsync("UPDATE Suppliers SET Active = 1 WHERE Id = {0}", [id], cancellationToken);
        return updated == 0 ? NotFound() : NoContent();
    }
}
