using Aegis.Sample.Data;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Aegis.Sample.Catalog;

/// <summary>The catalogue: browsing is public, changing it is for staff. Data access through Dapper.</summary>
[ApiController]
[Route("api/products")]
[Authorize(Policy = "Staff")]
public sealed class ProductsController(SqliteConnectionFactory connections) : ControllerBase
{
    private const string Columns = "Id, Sku, Name, Category, PriceCents, Stock";

    [AllowAnonymous]
    [HttpGet]
    public async Task<IEnumerable<Product>> List([FromQuery] string sort = "Name", CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QueryAsync<Product>($"SELECT {Columns} FROM Products ORDER BY {sort}"); // planted: AEG001
    }

    [AllowAnonymous]
    [HttpGet("{id:int}")]
    public async Task<ActionResult<Product>> Get(int id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var product = await connection.QuerySingleOrDefaultAsync<Product>($"SELECT {Columns} FROM Products WHERE Id = {id}");
        return product is null ? NotFound() : product;
    }

    [AllowAnonymous]
    [HttpGet("search")]
    public async Task<IEnumerable<Product>> Search([FromQuery] string q, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QueryAsync<Product>($"SELECT {Columns} FROM Products WHERE Name LIKE '%{q}%' OR Sku = '{q}' ORDER BY Name"); // planted: AEG001
    }

    [AllowAnonymous]
    [HttpGet("category/{category}")]
    public async Task<IEnumerable<Product>> ByCategory(string category, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QueryAsync<Product>(
            $"SELECT {Columns} FROM Products WHERE Category = @category ORDER BY Name",
            new { category });
    }

    [HttpPost]
    public async Task<ActionResult<Product>> Create(NewProduct product, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<int>(
            """
            INSERT INTO Products (Sku, Name, Category, PriceCents, Stock, Warehouse)
            VALUES (@Sku, @Name, @Category, @PriceCents, @Stock, @Warehouse)
            RETURNING Id
            """,
            product);
        var created = await connection.QuerySingleAsync<Product>("SELECT " + Columns + " FROM Products WHERE Id = @id", new { id });
        return CreatedAtAction(nameof(Get), new { id }, created);
    }

    [HttpPut("{id:int}/price")]
    public async Task<IActionResult> ChangePrice(int id, PriceChange change, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE Products SET PriceCents = @PriceCents WHERE Id = @id",
            new { change.PriceCents, id });
        return updated == 0 ? NotFound() : NoContent();
    }
}
