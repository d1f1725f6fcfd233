import type { Client } from '@temporalio/client';
import { ORDER_ALERTS, ORDER_STATUSES } from '../workflows/messages/views';
import { SETTLEMENT_ALERTS, SETTLEMENT_FINDINGS } from '../workflows/messages/settlement';
import { OrderAlerts, OrderStatusAttribute, SalesUnitAttribute } from '../workflows/messages/searchAttributes';
import type { ServiceMetrics } from './serviceMetrics';
import type { SalesUnits } from '../salesUnits/unitConfig';

/** One sales unit's share of the counts: its name (the `sales_unit` label) and its visibility filter. */
export interface UnitCount {
  name: string;
  /** Absent for a one-unit deployment: every order is the unit's. */
  filter?: string;
}

/**
 * The units to count. Orders of a unit from SALES_UNITS_FILE carry its SalesUnit search attribute;
 * the unit that keeps unprefixed order ids also owns the orders started before the file existed.
 */
export function unitCounts(units: SalesUnits | undefined): UnitCount[] {
  if (!units?.fromFile) return [{ name: units?.registry.units[0]?.name ?? 'default' }];
  return units.registry.units.map((u) => ({
    name: u.name,
    filter: u.unprefixedOrderIds ? `(${SalesUnitAttribute.name} = '${u.name}' OR ${SalesUnitAttribute.name} IS NULL)` : `${SalesUnitAttribute.name} = '${u.name}'`,
  }));
}

/**
 * Orders by status and open alerts, from visibility count queries on the OrderStatus and
 * OrderAlerts search attributes: no Query reaches a worker (Queries are billed and wake workflows
 * up), and scrapes never wait for Temporal, because the counts are refreshed on a timer and cached
 * in the gauges. Several service replicas report the same numbers: aggregate with max(), not sum().
 * Per sales unit: a unit with no open workflow costs one count, not one per status and alert.
 */
export class VisibilityGauges {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly metrics: ServiceMetrics,
    private readonly intervalMs: number,
    private readonly units: readonly UnitCount[] = [{ name: 'default' }],
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
    // All counts first, then the gauges: a scrape never sees half of one round and half of another.
    const rounds = await Promise.all(this.units.map((unit) => this.countUnit(unit)));
    for (const { unit, statuses, alerts, findings } of rounds) {
      for (const [status, n] of statuses) this.metrics.ordersOpen.set({ status, sales_unit: unit }, n);
      for (const [alert, n] of alerts) this.metrics.alertsOpen.set({ alert, sales_unit: unit }, n);
      for (const [kind, n] of findings) this.metrics.settlementFindings.set({ kind, sales_unit: unit }, n);
    }
  }

  private async countUnit(unit: UnitCount) {
    const open = `ExecutionStatus = 'Running'${unit.filter ? ` AND ${unit.filter}` : ''}`;
    const any = await this.count(open);
    const statuses = await Promise.all(
      ORDER_STATUSES.map(async (s) => [s, any === 0 ? 0 : await this.count(`WorkflowType = 'orderWorkflow' AND ${open} AND ${OrderStatusAttribute.name} = '${s}'`)] as const),
    );
    const alerts = await Promise.all(ORDER_ALERTS.map(async (a) => [a, any === 0 ? 0 : await this.count(`${open} AND ${OrderAlerts.name} = '${a}'`)] as const));
    // Settlement records are closed workflows: counted over the namespace's retention, not only open ones.
    const unitRecords = `WorkflowType = 'orderSettlementWorkflow'${unit.filter ? ` AND ${unit.filter}` : ''}`;
    const anyRecord = await this.count(unitRecords);
    const findings = await Promise.all(SETTLEMENT_FINDINGS.map(async (k) => [k, anyRecord === 0 ? 0 : await this.count(`${unitRecords} AND ${OrderAlerts.name} = '${SETTLEMENT_ALERTS[k]}'`)] as const));
    return { unit: unit.name, statuses, alerts, findings };
  }

  private async count(query: string): Promise<number> {
    return (await this.client.workflow.count(query)).count;
  }
}
