/**
 * `npm run bench:orders [-- --orders 50 --concurrency 10]`: measures, on a local stack (Temporal dev
 * server, emulator, worker, service over HTTP):
 *   1. one happy-path order: its history events and the billable Temporal Cloud Actions they imply,
 *      counted from the history (place → approve → webhook → return page → receipt → ship → capture);
 *   2. end-to-end latency of sequential orders (POST /orders until the capture is confirmed);
 *   3. throughput with several orders in flight.
 * A benchmark script, not a test: figures vary with the machine.
 */
import { parseArgs } from 'node:util';
import { temporal } from '@temporalio/proto';
import { VippsClient } from '@vipps-orders/vipps';
import { loadVippsConfig } from '../src/config';
import type { OrderView, PlaceOrderResult } from '../src/workflows/messages';
import { startLocalStack, type LocalStack } from '../scripts/local-stack';

interface HistoryEvent {
  eventType?: string | number | null;
  activityTaskStartedEventAttributes?: { attempt?: number | null } | null;
}

const line = (id: string, total: number) => ({ id, name: id, totalAmount: total, totalAmountExcludingTax: total - total / 5, totalTaxAmount: total / 5, taxRate: 2500 });

async function api<T>(stack: LocalStack, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.serviceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** One order through the happy path; returns milliseconds from POST /orders to the confirmed capture. */
async function oneOrder(stack: LocalStack, vipps: VippsClient, orderId: string, withReturnPage: boolean): Promise<number> {
  const started = performance.now();
  const placed = await api<PlaceOrderResult>(stack, 'POST', '/orders', {
    orderId,
    amount: { value: 50_000, currency: 'NOK' },
    description: 'Benchmark order',
    orderLines: [line('a', 30_000), line('b', 20_000)],
  });
  await vipps.forceApprove(orderId, { token: new URL(placed.redirectUrl).searchParams.get('token')! });
  if (withReturnPage) {
    const page = await (await fetch(stack.returnUrl(orderId))).text();
    if (!page.includes('Your order is confirmed')) throw new Error(`order ${orderId}: return page did not confirm`);
  } else {
    for (;;) {
      const view = await api<OrderView>(stack, 'GET', `/orders/${orderId}`);
      if (view.status === 'AWAITING_SHIPMENT') break;
      if (view.status !== 'PENDING_PAYMENT') throw new Error(`order ${orderId} is ${view.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const shipped = await api<OrderView>(stack, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'all' });
  if (shipped.status !== 'COMPLETED' || shipped.payment.aggregate.captured !== 50_000) throw new Error(`order ${orderId} ended ${shipped.status}`);
  return performance.now() - started;
}

function eventName(e: HistoryEvent): string {
  const name = typeof e.eventType === 'number' ? temporal.api.enums.v1.EventType[e.eventType] : String(e.eventType);
  return String(name).replace(/^EVENT_TYPE_/, '');
}

/**
 * Temporal Cloud bills, per workflow: the start, each activity attempt, each timer, each signal,
 * each Update received, each search-attribute upsert (start-time ones are free), side effects and
 * local-activity markers. Queries are counted separately by the caller.
 */
function billableActions(events: HistoryEvent[]): Record<string, number> {
  const actions: Record<string, number> = {};
  const add = (k: string, n = 1) => (actions[k] = (actions[k] ?? 0) + n);
  for (const e of events) {
    const name = eventName(e);
    if (name === 'WORKFLOW_EXECUTION_STARTED') add('workflow started');
    if (name === 'ACTIVITY_TASK_STARTED') add('activity attempts', 1);
    if (name === 'TIMER_STARTED') add('timers started');
    if (name === 'WORKFLOW_EXECUTION_SIGNALED') add('signals');
    if (name === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED') add('updates');
    if (name === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES') add('search-attribute upserts');
    if (name === 'MARKER_RECORDED') add('markers');
  }
  return actions;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '30' }, concurrency: { type: 'string', default: '10' } } });
  const count = Number(values.orders);
  const concurrency = Number(values.concurrency);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const stack = await startLocalStack({ env, ephemeralPorts: true, overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', ...(process.env.WORKER_MAX_CACHED_WORKFLOWS && { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS }) } });
  try {
    const vipps = new VippsClient(loadVippsConfig({ VIPPS_BASE_URL: stack.emulatorUrl }));
    const run = Date.now();

    // 1. One happy-path order, counted from its history.
    const probeId = `bench-${run}-probe`;
    const probeMs = await oneOrder(stack, vipps, probeId, true);
    await new Promise((r) => setTimeout(r, 500)); // let the receipt activity and last task settle
    const history = await stack.client.workflow.getHandle(`order-${probeId}`).fetchHistory();
    const events = (history.events ?? []) as HistoryEvent[];
    const byType: Record<string, number> = {};
    for (const e of events) byType[eventName(e)] = (byType[eventName(e)] ?? 0) + 1;
    const actions = billableActions(events);
    const totalActions = Object.values(actions).reduce((a, b) => a + b, 0);
    console.log(`One happy-path order (place, approve, webhook, return page, receipt, ship, capture): ${probeMs.toFixed(0)} ms`);
    console.log(`  history events: ${events.length}`);
    console.log(`  by type: ${Object.entries(byType).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  billable Actions: ${totalActions} (${Object.entries(actions).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    console.log('  (the order stays open for refunds; closing it later adds the firing of the timer already counted, no new Action)');

    // 2. Sequential latency.
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) latencies.push(await oneOrder(stack, vipps, `bench-${run}-seq-${i}`, false));
    latencies.sort((a, b) => a - b);
    console.log(`\nSequential, ${count} orders (POST /orders → capture confirmed): p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`);

    // 3. Throughput with `concurrency` orders in flight.
    const started = performance.now();
    let next = 0;
    const parallel: number[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          parallel.push(await oneOrder(stack, vipps, `bench-${run}-par-${i}`, false));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    parallel.sort((a, b) => a - b);
    console.log(`Concurrent, ${count} orders, ${concurrency} in flight: ${(count / seconds).toFixed(1)} orders/s, p50 ${percentile(parallel, 50).toFixed(0)} ms, p95 ${percentile(parallel, 95).toFixed(0)} ms`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
