using Aegis.Sample.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Aegis.Sample.Customers;

/// <summary>Customer records, through EF Core.</summary>
[ApiController]
[Route("api/customers")]
public sealed class CustomersController(ShopDbContext db) : ControllerBase // planted: AEG003
{
    [HttpGet]
    public async Task<IReadOnlyList<Customer>> List(CancellationToken cancellationToken)
        => await db.Customers.AsNoTracking().OrderBy(customer => customer.Name).ToListAsync(cancellationToken);

    [HttpGet("lookup")]
    public async Task<ActionResult<Customer>> Lookup([FromQuery] string email, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.FromSqlRaw($"SELECT * FROM Customers WHERE Email = '{email}'").AsNoTracking().FirstOrDefaultAsync(cancellationToken); // planted: AEG001
        return customer is null ? NotFound() : customer;
    }

    [HttpGet("in/{city}")]
    public async Task<IReadOnlyList<Customer>> InCity(string city, CancellationToken cancellationToken)
        => await db.Customers
            .FromSqlRaw("SELECT * FROM Customers WHERE City = {0}", city)
            .AsNoTracking()
            .OrderBy(customer => customer.Name)
            .ToListAsync(cancellationToken);
}
