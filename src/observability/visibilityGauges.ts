import type { Client } from '@temporalio/client';
import { ORDER_ALERTS, ORDER_STATUSES } from '../workflows/messages/views';
import { OrderAlerts, OrderStatusAttribute } from '../workflows/messages/searchAttributes';
import type { ServiceMetrics } from './serviceMetrics';

/**
 * Orders by status and open alerts, from visibility count queries on the OrderStatus and
 * OrderAlerts search attributes: no Query reaches a worker (Queries are billed and wake workflows
 * up), and scrapes never wait for Temporal, because the counts are refreshed on a timer and cached
 * in the gauges. Several service replicas report the same numbers: aggregate with max(), not sum().
 */
export class VisibilityGauges {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly metrics: ServiceMetrics,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    // Never keeps a process alive on its own.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round of counts; a failure leaves the last counts in place and is counted. */
  refresh(): Promise<void> {
    this.running ??= this.countAll()
      .then(() => this.metrics.visibilityRefreshed.set(Date.now() / 1000))
      .catch(() => this.metrics.visibilityFailures.inc())
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async countAll(): Promise<void> {
    const open = `ExecutionStatus = 'Running'`;
    // All counts first, then the gauges: a scrape never sees half of one round and half of another.
    const statuses = await Promise.all(
      ORDER_STATUSES.map(async (s) => [s, await this.count(`WorkflowType = 'orderWorkflow' AND ${open} AND ${OrderStatusAttribute.name} = '${s}'`)] as const),
    );
    const alerts = await Promise.all(ORDER_ALERTS.map(async (a) => [a, await this.count(`${open} AND ${OrderAlerts.name} = '${a}'`)] as const));
    for (const [status, n] of statuses) this.metrics.ordersOpen.set({ status }, n);
    for (const [alert, n] of alerts) this.metrics.alertsOpen.set({ alert }, n);
  }

  private async count(query: string): Promise<number> {
    return (await this.client.workflow.count(query)).count;
  }
}
