/**
 * `npm run bench:cluster [-- --orders 150 --in-flight 20]`: one load, three setups, one run.
 *   1. the cluster (PostgreSQL, Temporal as separate processes, two history nodes) with one worker;
 *   2. the same cluster with a second worker process;
 *   3. the dev server (`temporal server start-dev`, SQLite file, one shard) with one worker process.
 * The load is the customer's happy path through the public HTTP API: place the order, approve on
 * the landing page, open the return page ("Your order is confirmed"), then the shop ships everything.
 * Reported per setup: orders/s, latency, billable Actions per order from the frontend's own
 * `action` metric (by action_type), history events per order, and CPU seconds per order of each
 * process. A benchmark, not a test: the figures depend on the machine and on what else runs on it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { removeClusterData, startCluster } from '../scripts/cluster/cluster';
import { PROJECT_ROOT } from '../scripts/temporal-cli';
import { Shop } from '../test/cluster/shop';
import { diffCounts, scrapeActions, treeCpuSeconds } from './cluster-metrics';
import { APP_ENV, clusterTarget, devTarget, NAMESPACE, type Target } from './cluster-targets';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '150' }, 'in-flight': { type: 'string', default: '20' } } });
const ORDERS = Number(values.orders);
const IN_FLIGHT = Number(values['in-flight']);
const WARMUP = 10;

interface PhaseResult {
  name: string;
  ordersPerSecond: number;
  p50: number;
  p95: number;
  actions: Map<string, number>;
  eventsPerOrder: number;
  cpu: Map<string, number>;
  /** The machine's 1-minute load average at the end: other work on it slows every setup. */
  load: number;
}

/** The customer's and the shop's happy path; milliseconds from POST /orders to the confirmed capture. */
async function oneOrder(shop: Shop, t: Target, orderId: string): Promise<number> {
  const started = performance.now();
  const placed = await shop.place(orderId);
  await shop.approve(orderId, placed.redirectUrl, 'landing');
  // The return URL the order gave Vipps (with the page's token), as the emulator keeps it.
  const payment = (await (await fetch(`${t.app.emulatorUrl}/_emulator/payments/${orderId}`)).json()) as { returnUrl: string };
  const page = await (await fetch(payment.returnUrl)).text();
  if (!page.includes('Your order is confirmed')) throw new Error(`order ${orderId}: the return page did not confirm`);
  await shop.ship(orderId, 'all');
  const view = await shop.waitFor(orderId, (v) => v.status === 'COMPLETED' && v.shipments.every((s) => s.status === 'CAPTURED'), 60_000);
  if (view.payment.aggregate.captured !== view.payment.aggregate.authorized) throw new Error(`order ${orderId}: captured ${view.payment.aggregate.captured}`);
  return performance.now() - started;
}

async function phase(t: Target, label: string): Promise<PhaseResult> {
  const shop = new Shop({ serviceUrl: t.app.serviceUrl, emulatorUrl: t.app.emulatorUrl, apiKey: t.app.apiKey });
  const tag = `${label}-${Date.now().toString(36)}`;
  for (let i = 0; i < WARMUP; i++) await oneOrder(shop, t, `bw-${tag}-${i}`);
  await new Promise((r) => setTimeout(r, 1_000)); // let the warm-up's last tasks (receipts) finish

  const actionsBefore = await scrapeActions(t.metricsUrl, NAMESPACE);
  const cpuBefore = cpuNow(t);
  const latencies: number[] = [];
  const ids = Array.from({ length: ORDERS }, (_, i) => `bm-${tag}-${i}`);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ids.length) latencies.push(await oneOrder(shop, t, ids[next++]!));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const load = os.loadavg()[0]!;
  await new Promise((r) => setTimeout(r, 2_000)); // receipts and last workflow tasks land in this phase's counts
  const cpu = diffCpu(cpuNow(t), cpuBefore);
  const actions = diffCounts(await scrapeActions(t.metricsUrl, NAMESPACE), actionsBefore);

  const sample = ids.slice(0, 20);
  let events = 0;
  for (const id of sample) events += (await t.client.workflow.getHandle(`order-${id}`).fetchHistory()).events?.length ?? 0;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { name: t.name, ordersPerSecond: ORDERS / seconds, p50: pct(50), p95: pct(95), actions, eventsPerOrder: events / sample.length, cpu, load };
}

function cpuNow(t: Target): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const [label, pgid] of t.processes()) if (pgid) cpu.set(label, (cpu.get(label) ?? 0) + treeCpuSeconds(pgid));
  const self = process.cpuUsage();
  cpu.set('service+emulator+load', (self.user + self.system) / 1e6);
  return cpu;
}

function diffCpu(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));
}

function report(results: PhaseResult[]): void {
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`\n${ORDERS} orders per setup, ${IN_FLIGHT} in flight, after ${WARMUP} warm-up orders (happy path over HTTP: place, approve, return page, ship all, capture)\n`);
  console.log('| setup | orders/s | p50 ms | p95 ms | Actions/order | of which queries | history events/order | CPU s/order | CPU s/order by process | load avg |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const total = [...r.actions.values()].reduce((a, b) => a + b, 0);
    const queries = r.actions.get('grpc_QueryWorkflow') ?? 0;
    const cpu = [...r.cpu].map(([k, v]) => `${k} ${f(v / ORDERS, 3)}`).join(', ');
    const cpuTotal = [...r.cpu.values()].reduce((a, b) => a + b, 0);
    console.log(`| ${r.name} | ${f(r.ordersPerSecond)} | ${f(r.p50, 0)} | ${f(r.p95, 0)} | ${f(total / ORDERS, 2)} | ${f(queries / ORDERS, 2)} | ${f(r.eventsPerOrder)} | ${f(cpuTotal / ORDERS, 3)} | ${cpu} | ${f(r.load)} |`);
  }
  const [one, two] = results;
  if (one && two) console.log(`\nTwo workers / one worker on the cluster: ${f(two.ordersPerSecond / one.ordersPerSecond, 2)}×`);
  for (const r of results) {
    console.log(`\nActions per order by action_type (frontend metric \`action\`, namespace ${NAMESPACE}), ${r.name}:`);
    console.log('  ' + [...r.actions].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${f(v / ORDERS, 2)}`).join(', '));
  }
}

async function main(): Promise<void> {
  const log = (line: string) => console.error(`  ${line}`);
  const dir = path.join(PROJECT_ROOT, '.data', `bench-cluster-${process.pid}`);
  const results: PhaseResult[] = [];
  try {
    console.error('Cluster: starting (PostgreSQL, frontend, matching, internal worker, 2 history nodes, 1 worker)…');
    const cluster = await startCluster({ dataDir: path.join(dir, 'cluster'), fresh: true, ports: 'free', workers: 1, appEnv: APP_ENV, log });
    try {
      console.error('Cluster, 1 worker: measuring…');
      results.push(await phase(clusterTarget(cluster, 'cluster, 1 worker'), 'c1'));
      await cluster.startWorker(1);
      console.error('Cluster, 2 workers: measuring…');
      results.push(await phase(clusterTarget(cluster, 'cluster, 2 workers'), 'c2'));
    } finally {
      await cluster.stop();
    }
    console.error('Dev server: starting…');
    const dev = await devTarget(path.join(dir, 'dev'), log);
    try {
      console.error('Dev server, 1 worker: measuring…');
      results.push(await phase(dev.target, 'd1'));
    } finally {
      await dev.stop();
    }
    report(results);
  } finally {
    await removeClusterData(path.join(dir, 'cluster'));
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
