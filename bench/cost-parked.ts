/**
 * Many orders parked awaiting shipment, then all shipped: the worker's memory (RSS of its process)
 * throughout, with the workflow cache sized by WORKER_MAX_CACHED_WORKFLOWS (default in src/config.ts).
 */
import { readFileSync } from 'node:fs';
import type { LocalStack } from '../scripts/local-stack';
import { sampleOrder } from '../test/support/orders';
import { startWorkerProcess } from '../test/support/workerProcess';

const CONCURRENCY = 16;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function inBatches(ids: string[], work: (id: string) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await work(ids[next++]!);
    }),
  );
}

async function count(stack: LocalStack, query: string): Promise<number> {
  return (await stack.client.workflow.count(query)).count;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 2_000))) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

export async function parkedOrders(stack: LocalStack, n: number): Promise<void> {
  const worker = await startWorkerProcess({ ...stack.workerEnv, ...(process.env.WORKER_MAX_CACHED_WORKFLOWS && { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS }) });
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(worker.pid)), 1_000);
  const run = Date.now().toString(36);
  const ids = Array.from({ length: n }, (_, i) => `parked-${run}-${i}`);
  try {
    const idle = rssMb(worker.pid);
    let started = Date.now();
    await inBatches(ids, async (id) => {
      await stack.orders.placeOrder(sampleOrder(id));
      await fetch(`${stack.emulatorUrl}/_emulator/payments/${id}/approve`, { method: 'POST' });
    });
    const waiting = `OrderStatus = 'AWAITING_SHIPMENT' AND ExecutionStatus = 'Running'`;
    await until(`${n} orders awaiting shipment`, async () => (await count(stack, waiting)) >= n, 60 * 60_000);
    const parkedSeconds = (Date.now() - started) / 1000;
    const parkedRss = rssMb(worker.pid);
    const peakParked = Math.max(...samples);
    console.log(`\nparked: ${n} orders awaiting shipment in ${parkedSeconds.toFixed(0)} s (${(n / parkedSeconds).toFixed(1)} orders/s)`);
    console.log(`  worker RSS: idle ${idle} MB, with ${n} parked ${parkedRss} MB, peak while parking ${peakParked} MB`);
    started = Date.now();
    await inBatches(ids, async (id) => {
      const { order } = await stack.orders.ship(id, { shipmentId: 'box' });
      if (order.status !== 'COMPLETED') throw new Error(`${id}: shipping answered ${order.status}`);
    });
    const shipSeconds = (Date.now() - started) / 1000;
    const completed = await count(stack, `OrderStatus = 'COMPLETED' AND VippsReference STARTS_WITH 'parked-${run}-'`).catch(() => Number.NaN);
    console.log(`shipped: all ${n} in ${shipSeconds.toFixed(0)} s (${(n / shipSeconds).toFixed(1)} orders/s); COMPLETED by visibility: ${completed}`);
    console.log(`  worker RSS after shipping ${rssMb(worker.pid)} MB, peak overall ${Math.max(...samples)} MB`);
  } finally {
    clearInterval(sampler);
    await worker.kill('SIGTERM');
  }
}
