using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Aegis.Sample.Orders;

/// <summary>Checkout and tracking are public; the order book is for staff. Shipping and refunds live in the admin API.</summary>
[ApiController]
[Route("api/orders")]
[Authorize(Policy = "Staff")]
public sealed class OrdersController(OrderRepository orders, OrderTracking tracking) : ControllerBase
{
    [AllowAnonymous]
    [HttpPost]
    public async Task<ActionResult<CreatedOrder>> Create(CreateOrderRequest request, CancellationToken cancellationToken)
    {
        if (request.Lines.Count == 0)
        {
            return ValidationProblem("An order needs at least one line.");
        }

        var created = await orders.CreateAsync(request, cancellationToken);
        return created is null
            ? Conflict(new { error = "A product is unknown or out of stock." })
            : CreatedAtAction(nameof(Status), new { id = created.Id }, created);
    }

    [AllowAnonymous]
    [HttpGet("{id:int}/status")]
    public async Task<ActionResult<OrderStatusView>> Status(int id, CancellationToken cancellationToken)
    {
        var status = await tracking.FindAsync(id, cancellationToken);
        return status is null ? NotFound() : status;
    }

    [AllowAnonymous]
    [HttpGet("track/{trackingCode:guid}")]
    public async Task<ActionResult<OrderStatusView>> Track(Guid trackingCode, CancellationToken cancellationToken)
    {
        var order = await orders.FindByTrackingCodeAsync(trackingCode, cancellationToken);
        return order is null ? NotFound() : new OrderStatusView { Id = order.Id, Status = order.Status };
    }

    [HttpGet]
    public Task<IReadOnlyList<Order>> List([FromQuery] string? status, CancellationToken cancellationToken)
        => orders.ListAsync(status, cancellationToken);

    [HttpGet("{id:int}")]
    public async Task<ActionResult<Order>> Get(int id, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(id, cancellationToken);
        return order is null ? NotFound() : order;
    }

    [HttpGet("count")]
    public async Task<ActionResult<long>> Count([FromQuery] OrderStatus status, CancellationToken cancellationToken)
        => await orders.CountAsync(status, cancellationToken);
}
