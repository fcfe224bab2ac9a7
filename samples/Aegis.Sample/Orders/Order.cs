namespace Aegis.Sample.Orders;

public enum OrderStatus
{
    Pending,
    Shipped,
    Refunded,
}

public sealed class Order
{
    public int Id { get; set; }

    public string TrackingCode { get; set; } = "";

    public string CustomerEmail { get; set; } = "";

    public string Status { get; set; } = "";

    public long TotalCents { get; set; }

    public string? PaymentIntentId { get; set; }

    public string CreatedAt { get; set; } = "";
}

public sealed record OrderLineRequest(string Sku, int Quantity);

public sealed record CreateOrderRequest(string CustomerEmail, IReadOnlyList<OrderLineRequest> Lines, string? PaymentIntentId = null);

public sealed record CreatedOrder(int Id, Guid TrackingCode, long TotalCents);

public sealed class OrderStatusView
{
    public int Id { get; set; }

    public string Status { get; set; } = "";
}
