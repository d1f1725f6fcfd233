/**
 * `npm run bench:overhead [-- --orders 120 --concurrency 12 --rounds 2]`: the product against a bare
 * workflow making the same Vipps calls, side by side in one run, on the same Temporal dev server and
 * the same emulator, in alternating phases (product, bare, product, bare, …).
 *
 * - product: POST /orders (update-with-start) → the emulator approves → signed webhook → the order
 *   confirms with getPayment, attaches the receipt → POST /orders/:id/shipments → capture;
 * - bare (bench/overhead/bareWorkflow.ts): update-with-start → the emulator approves → a Signal
 *   (what the webhook receiver sends) → getPayment, receipt → a ship Update → capture. Same
 *   activities, activity options, Vipps client, worker options and payload encryption
 *   (`createWorker` with only the workflow code swapped); no HTTP service, no timers, no search
 *   attributes, no view.
 *
 * Per phase: orders/s, p50/p95 latency of an order (start → capture confirmed), and CPU seconds per
 * order for each process, read from /proc: the Temporal dev server, the phase's worker, and this
 * process (which hosts the emulator, the HTTP service and the load driver for both sides). The
 * ratio product ÷ bare orders/s is printed last. A benchmark, not a test: figures depend on the machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { startLocalStack, type LocalStack } from '../scripts/local-stack';
import { PROJECT_ROOT } from '../scripts/temporal-cli';
import { startWorkerProcess, type WorkerProcess } from '../test/support/workerProcess';
import type { OrderView, PlaceOrderResult } from '../src/workflows/messages';
import { bareAuthorized, barePlace, bareShip, type bareOrderWorkflow } from './overhead/bareWorkflow';

const TICKS_PER_SECOND = 100;
const line = (id: string, total: number) => ({ id, name: id, totalAmount: total, totalAmountExcludingTax: total - total / 5, totalTaxAmount: total / 5, taxRate: 2500 });
const LINES = [line('a', 30_000), line('b', 20_000)];

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The dev server the local stack started: the `temporal server start-dev` process with its port. */
function devServerPid(address: string): number {
  const port = address.split(':').at(-1)!;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    if (cmd.includes('start-dev') && cmd.includes(port)) return Number(entry);
  }
  throw new Error(`no dev server process for ${address}`);
}

async function startBareWorker(env: Record<string, string | undefined>): Promise<{ pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'overhead', 'bareWorker.ts')], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('"worker running"') && resolve()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`bare worker exited (${code}):\n${out}`)));
  });
  return { pid: child.pid!, stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) };
}

async function api<T>(stack: LocalStack, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.serviceUrl}${p}`, { method, headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function emulator(stack: LocalStack, p: string): Promise<void> {
  const res = await fetch(`${stack.emulatorUrl}/_emulator${p}`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`emulator ${p}: ${res.status} ${await res.text()}`);
}

async function productOrder(stack: LocalStack, orderId: string): Promise<void> {
  await api<PlaceOrderResult>(stack, 'POST', '/orders', { orderId, amount: { value: 50_000, currency: 'NOK' }, description: 'Benchmark order', orderLines: LINES });
  await emulator(stack, `/payments/${orderId}/approve`);
  // The shop ships once the order is confirmed; a 409 means the webhook has not been handled yet.
  for (;;) {
    const res = await fetch(`${stack.serviceUrl}/orders/${orderId}/shipments`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ shipmentId: 'all' }) });
    if (res.status === 200) {
      const view = (await res.json()) as OrderView;
      if (view.payment.aggregate.captured !== 50_000) throw new Error(`order ${orderId}: captured ${view.payment.aggregate.captured}`);
      return;
    }
    if (res.status !== 409) throw new Error(`ship ${orderId}: ${res.status} ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function bareOrder(stack: LocalStack, taskQueue: string, reference: string): Promise<void> {
  const client = stack.client;
  const start = new WithStartWorkflowOperation<typeof bareOrderWorkflow>('bareOrderWorkflow', {
    workflowId: `bare-${reference}`,
    taskQueue,
    args: [{ reference, amount: { value: 50_000, currency: 'NOK' }, returnUrl: `${stack.serviceUrl}/orders/${reference}/return`, orderLines: LINES }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  await client.workflow.executeUpdateWithStart(barePlace, { startWorkflowOperation: start });
  await emulator(stack, `/payments/${reference}/approve`);
  const handle = client.workflow.getHandle(`bare-${reference}`);
  await handle.signal(bareAuthorized);
  const captured = await handle.executeUpdate(bareShip);
  if (captured !== 50_000) throw new Error(`bare ${reference}: captured ${captured}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Phase {
  side: 'product' | 'bare';
  ordersPerSecond: number;
  p50: number;
  p95: number;
  cpu: { server: number; worker: number; main: number };
}

async function phase(side: Phase['side'], n: number, concurrency: number, one: (i: number) => Promise<void>, pids: { server: number; worker: number }): Promise<Phase> {
  const before = { server: cpuSeconds(pids.server), worker: cpuSeconds(pids.worker), main: cpuSeconds(process.pid) };
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await one(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const per = (now: number, was: number) => (now - was) / n;
  return {
    side,
    ordersPerSecond: n / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    cpu: { server: per(cpuSeconds(pids.server), before.server), worker: per(cpuSeconds(pids.worker), before.worker), main: per(cpuSeconds(process.pid), before.main) },
  };
}

function show(p: Phase): string {
  const total = p.cpu.server + p.cpu.worker + p.cpu.main;
  return `${p.side.padEnd(7)} ${p.ordersPerSecond.toFixed(1).padStart(6)} orders/s  p50 ${p.p50.toFixed(0).padStart(5)} ms  p95 ${p.p95.toFixed(0).padStart(5)} ms  CPU s/order: total ${total.toFixed(3)} = server ${p.cpu.server.toFixed(3)} + worker ${p.cpu.worker.toFixed(3)} + main ${p.cpu.main.toFixed(3)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '120' }, concurrency: { type: 'string', default: '12' }, rounds: { type: 'string', default: '2' } } });
  const [n, concurrency, rounds] = [Number(values.orders), Number(values.concurrency), Number(values.rounds)];
  if (![n, concurrency, rounds].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--orders, --concurrency and --rounds must be positive whole numbers');
  const stack = await startLocalStack({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, ephemeralPorts: true, inProcessWorker: false, overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent' } });
  const bareQueue = `bare-${Date.now()}`;
  let product: WorkerProcess | undefined;
  let bare: Awaited<ReturnType<typeof startBareWorker>> | undefined;
  try {
    product = await startWorkerProcess(stack.workerEnv);
    bare = await startBareWorker({ ...stack.workerEnv, TEMPORAL_TASK_QUEUE: bareQueue });
    const server = devServerPid(stack.temporalAddress);
    const run = Date.now();
    // A few orders each to warm up (bundles loaded, connections open, JIT), not counted.
    await phase('product', 10, 5, (i) => productOrder(stack, `ovh-${run}-warm-${i}`), { server, worker: product.pid });
    await phase('bare', 10, 5, (i) => bareOrder(stack, bareQueue, `ovh-${run}-bwarm-${i}`), { server, worker: bare.pid });
    const phases: Phase[] = [];
    for (let r = 0; r < rounds; r++) {
      phases.push(await phase('product', n, concurrency, (i) => productOrder(stack, `ovh-${run}-p${r}-${i}`), { server, worker: product.pid }));
      console.log(show(phases.at(-1)!));
      phases.push(await phase('bare', n, concurrency, (i) => bareOrder(stack, bareQueue, `ovh-${run}-b${r}-${i}`), { server, worker: bare.pid }));
      console.log(show(phases.at(-1)!));
    }
    const mean = (side: Phase['side']) => {
      const of = phases.filter((p) => p.side === side);
      return of.reduce((s, p) => s + p.ordersPerSecond, 0) / of.length;
    };
    console.log(`${n} orders per phase, ${concurrency} in flight, ${rounds} rounds; mean product ${mean('product').toFixed(2)} orders/s, bare ${mean('bare').toFixed(2)} orders/s`);
    console.log(`ratio (product ÷ bare orders/s): ${(mean('product') / mean('bare')).toFixed(2)}`);
  } finally {
    await product?.kill('SIGTERM');
    await bare?.stop();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
