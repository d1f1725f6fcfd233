/**
 * `npm run bench:cost`: what an order costs on Temporal Cloud's meter, counted by the dev server
 * itself (its Prometheus `action` counter, by action_type), not by reading histories.
 *
 *   (a) a person-driven happy path: place → landing page approve → return page → ship one box → one GET
 *   (b) two partial shipments, then a refund after settlement
 *   (c) a lost webhook: the order finds the authorization by polling
 *   plus history events and bytes per order, how long a workflow stays open after settlement, and
 *   the worker's RSS with many orders parked awaiting shipment (then all of them shipped).
 *
 * Options: --orders N (per scenario, default 10), --parked N (default 10000, 0 to skip).
 */
import { parseArgs } from 'node:util';
import { freePort, startLocalStack } from '../scripts/local-stack';
import { startWorkerProcess, type WorkerProcess } from '../test/support/workerProcess';
import { diffCounts, scrapeActions } from './cluster-metrics';
import { parkedOrders } from './cost-parked';
import { settledOrder, type OrderTrace, type Shop } from './cost-shop';

interface ScenarioResult {
  name: string;
  actions: { perOrder: number[]; byType: Map<string, number> };
  events: number[];
  bytes: number[];
  openAfterSettledMs: number[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '10' }, parked: { type: 'string', default: '10000' } } });
  const perScenario = Number(values.orders);
  const parked = Number(values.parked);
  const metricsPort = await freePort();
  const stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    inProcessWorker: false,
    temporalMetricsPort: metricsPort,
    overrides: { ORDER_POLL_INITIAL_SECONDS: '2', ORDER_POLL_MAX_SECONDS: '2', LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent' },
  });
  let worker: WorkerProcess | undefined;
  try {
    worker = await startWorkerProcess(stack.workerEnv);
    const shop: Shop = { stack, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
    const results: ScenarioResult[] = [];
    for (const name of ['a: person-driven happy path', 'b: two shipments, refund after settlement', 'c: lost webhook (polling)'] as const) {
      results.push(await scenario(shop, name, perScenario));
    }
    report(results);
    if (parked > 0) {
      await worker.kill('SIGTERM');
      worker = undefined;
      await parkedOrders(stack, parked);
    }
  } finally {
    await worker?.kill('SIGTERM');
    await stack.stop();
  }
}

async function scenario(shop: Shop, name: string, n: number): Promise<ScenarioResult> {
  const result: ScenarioResult = { name, actions: { perOrder: [], byType: new Map() }, events: [], bytes: [], openAfterSettledMs: [] };
  const kind = name[0] as 'a' | 'b' | 'c';
  for (let i = 0; i < n; i++) {
    const before = await scrapeActions(shop.metricsUrl, shop.stack.namespace);
    const trace: OrderTrace = await settledOrder(shop, kind, `cost-${kind}-${Date.now().toString(36)}-${i}`);
    // Webhooks for our own captures and refunds may still arrive: give them time to be counted.
    await new Promise((r) => setTimeout(r, 1_500));
    const diff = diffCounts(await scrapeActions(shop.metricsUrl, shop.stack.namespace), before);
    result.actions.perOrder.push([...diff.values()].reduce((s, v) => s + v, 0));
    for (const [type, count] of diff) result.actions.byType.set(type, (result.actions.byType.get(type) ?? 0) + count);
    result.events.push(trace.events);
    result.bytes.push(trace.bytes);
    result.openAfterSettledMs.push(trace.openAfterSettledMs);
  }
  return result;
}

function stats(xs: number[]): string {
  const sorted = [...xs].sort((a, b) => a - b);
  const avg = xs.reduce((s, x) => s + x, 0) / xs.length;
  return `avg ${avg.toFixed(1)}, min ${sorted[0]}, max ${sorted[sorted.length - 1]}`;
}

function report(results: ScenarioResult[]): void {
  for (const r of results) {
    const n = r.actions.perOrder.length;
    const byType = [...r.actions.byType].sort().map(([t, c]) => `${t} ${(c / n).toFixed(1)}`).join(', ');
    console.log(`\n${r.name} (${n} orders)`);
    console.log(`  Actions per order: ${stats(r.actions.perOrder)}   [${byType}]`);
    console.log(`  history: events ${stats(r.events)}; bytes ${stats(r.bytes)} (order workflow${r.name.startsWith('b') ? ' + refund workflow' : ''})`);
    console.log(`  open after settlement (ms): ${stats(r.openAfterSettledMs)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

