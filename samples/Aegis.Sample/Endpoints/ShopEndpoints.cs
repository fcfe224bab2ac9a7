using Aegis.Sample.Data;
using Aegis.Sample.Inventory;
using Aegis.Sample.Orders;
using Aegis.Sample.Payments;
using Aegis.Sample.Security;
using Aegis.Sample.Support;
using Dapper;

namespace Aegis.Sample.Endpoints;

/// <summary>The minimal-API part of the app: the back-office admin API, checkout configuration and health.</summary>
public static class ShopEndpoints
{
    public static WebApplication MapShopEndpoints(this WebApplication app)
    {
        app.MapGet("/health", CheckHealth).AllowAnonymous();
        app.MapGet("/api/checkout/config", CheckoutEndpoints.GetConfiguration).AllowAnonymous();

        var admin = app.MapGroup("/api/admin").RequireAuthorization("Staff");
        admin.MapGet("/inventory", InventoryEndpoints.ListStock);
        admin.MapGet("/inventory/low-stock", InventoryEndpoints.LowStock);
        admin.MapPost("/inventory/{sku}/restock", InventoryEndpoints.RestockItem);
        admin.MapPost("/orders/{id:int}/ship", ShipOrder);
        admin.MapPost("/orders/{id:int}/refund", RefundOrder);
        admin.MapGet("/account-policy", () => new StaffAccountPolicy());

        app.MapDelete("/api/orders/{id:int}", DeleteOrder); // planted: AEG003

        return app;
    }

    private static async Task<IResult> CheckHealth(SqliteConnectionFactory connections, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var products = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM Products");
        return Results.Ok(new { status = "healthy", products });
    }

    private static async Task<IResult> ShipOrder(int id, OrderRepository orders, CancellationToken cancellationToken)
        => await orders.SetStatusAsync(id, OrderStatus.Shipped, cancellationToken) ? Results.NoContent() : Results.NotFound();

    private static async Task<IResult> RefundOrder(
        int id,
        OrderRepository orders,
        StripePaymentClient stripe,
        GitHubIssueReporter issues,
        CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(id, cancellationToken);
        if (order is null)
        {
            return Results.NotFound();
        }

        if (order.PaymentIntentId is null)
        {
            return Results.Conflict(new { error = "The order has no payment to refund." });
        }

        if (!await stripe.RefundAsync(order.PaymentIntentId, order.TotalCents, cancellationToken))
        {
            await issues.ReportAsync($"Refund of order {id} failed", "Stripe refused the refund; please check the payment.", cancellationToken);
            return Results.Problem("The payment provider refused the refund.", statusCode: StatusCodes.Status502BadGateway);
        }

        await orders.SetStatusAsync(id, OrderStatus.Refunded, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteOrder(int id, OrderRepository orders, CancellationToken cancellationToken)
        => await orders.DeleteAsync(id, cancellationToken) ? Results.NoContent() : Results.NotFound();
}
