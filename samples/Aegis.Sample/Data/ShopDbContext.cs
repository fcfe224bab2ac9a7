using Microsoft.EntityFrameworkCore;

namespace Aegis.Sample.Data;

/// <summary>EF Core owns the customer and supplier area; the tables are created by <see cref="DatabaseInitializer"/>.</summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Supplier> Suppliers => Set<Supplier>();
}

public sealed class Customer
{
    public int Id { get; set; }

    public required string Email { get; set; }

    public required string Name { get; set; }

    public required string City { get; set; }
}

public sealed class Supplier
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string City { get; set; }

    public required string ContactEmail { get; set; }

    public bool Active { get; set; }
}
