using Prometheus;

namespace Aegis.Service;

/// <summary>
/// What <c>GET /metrics</c> exports besides prometheus-net's own request metrics (<c>http_requests_received_total</c>
/// and <c>http_request_duration_seconds</c>, by route, method and status code). One registry per service instance,
/// so two services in one process (tests) never share counts.
/// </summary>
public sealed class ServiceMetrics
{
    public ServiceMetrics(ICardIndex cards, EventIntake inbox)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Cards = factory.CreateGauge("aegis_cards", "Risk Cards in .aegis/history, by status and recommendation.", "status", "recommendation");
        Proposals = factory.CreateCounter("aegis_proposals_total", "Proposed actions judged by this service, by status.", "status");
        SandboxDuration = factory.CreateHistogram("aegis_sandbox_duration_seconds", "Time to judge a proposed action (policy, scan, sandbox, card), by sandbox mode.", new HistogramConfiguration
        {
            LabelNames = new[] { "sandbox" },
            Buckets = Histogram.ExponentialBuckets(0.05, 2, 12),
        });
        EventsAccepted = factory.CreateCounter("aegis_events_accepted_total", "Events accepted into the inbox by POST /events, by kind and source.", "kind", "source");
        EventsProcessed = factory.CreateCounter("aegis_events_processed_total", "Events the service's worker processed with a result.", "kind");
        EventsFailed = factory.CreateCounter("aegis_events_failed_total", "Events the service's worker processed whose result is an error.", "kind");
        InboxDepth = factory.CreateGauge("aegis_inbox_depth", "Events waiting in .aegis/inbox/events/.");

        // Gauges of state on disk are read when scraped, not kept in step with every writer (builds write cards too).
        Registry.AddBeforeCollectCallback(() =>
        {
            var counts = cards.CountByVerdict();
            foreach (var labels in Cards.GetAllLabelValues().ToList())
            {
                if (!counts.ContainsKey((labels[0], labels[1])))
                {
                    Cards.WithLabels(labels).Set(0);
                }
            }

            foreach (var ((status, recommendation), count) in counts)
            {
                Cards.WithLabels(status, recommendation).Set(count);
            }

            InboxDepth.Set(inbox.Depth());
        });
    }

    public CollectorRegistry Registry { get; }

    public Gauge Cards { get; }

    public Counter Proposals { get; }

    public Histogram SandboxDuration { get; }

    public Counter EventsAccepted { get; }

    public Counter EventsProcessed { get; }

    public Counter EventsFailed { get; }

    public Gauge InboxDepth { get; }
}
