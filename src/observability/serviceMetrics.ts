import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a webhook delivery came to; the label values of `order_webhooks_total`. */
export type WebhookOutcome = 'signalled' | 'not_needed' | 'duplicate' | 'unknown_order' | 'bad_signature' | 'malformed' | 'temporal_unavailable' | 'not_configured' | 'probe';

/**
 * The service's metrics, in a registry of its own (not prom-client's global one), so that several
 * services in one process (tests, the local stack) never collide.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP requests answered by the service, by route (the pattern, not the URL) and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [this.registry],
  });

  readonly webhooks = new Counter({
    name: 'order_webhooks_total',
    help: 'Vipps webhook deliveries by outcome: signalled to the order, not_needed, duplicate, unknown_order, bad_signature, malformed, temporal_unavailable, not_configured, probe; by the receiver sales unit',
    labelNames: ['outcome', 'sales_unit'] as const,
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: 'order_commands_total',
    help: 'Order API commands by outcome: ok, pending (accepted, still working) or the error code answered; sales_unit unknown for a unit this service does not have',
    labelNames: ['command', 'outcome', 'sales_unit'] as const,
    registers: [this.registry],
  });

  readonly ordersOpen = new Gauge({
    name: 'orders_open',
    help: 'Open order workflows by OrderStatus and sales unit, counted in Temporal visibility (refreshed on an interval)',
    labelNames: ['status', 'sales_unit'] as const,
    registers: [this.registry],
  });

  readonly alertsOpen = new Gauge({
    name: 'order_alerts_open',
    help: 'Open order and refund workflows carrying each OrderAlerts value, by sales unit, counted in Temporal visibility',
    labelNames: ['alert', 'sales_unit'] as const,
    registers: [this.registry],
  });

  readonly settlementFindings = new Gauge({
    name: 'settlement_findings_total',
    help: 'Orders flagged by settlement reconciliation (capture-mismatch, portal-refund, disputed, corrected, unknown-order, not-paid-out), by sales unit: settlement records carrying each finding, counted in Temporal visibility over the namespace retention',
    labelNames: ['kind', 'sales_unit'] as const,
    registers: [this.registry],
  });

  readonly visibilityRefreshed = new Gauge({
    name: 'orders_visibility_refreshed_timestamp_seconds',
    help: 'When the visibility counts above were last refreshed successfully (Unix time)',
    registers: [this.registry],
  });

  readonly visibilityFailures = new Counter({
    name: 'orders_visibility_refresh_failures_total',
    help: 'Refreshes of the visibility counts that failed (Temporal unreachable, query refused)',
    registers: [this.registry],
  });

  constructor() {
    // CPU, memory, event loop lag, GC of the service process.
    collectDefaultMetrics({ register: this.registry });
  }
}
