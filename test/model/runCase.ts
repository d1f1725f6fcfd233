/**
 * Plays one model case against the harness and records what happened: every command sent, when,
 * and its final answer. Commands still processing (202/503) are sent again, as a shop would, until
 * they get a final answer; then every order is left to come to rest before the checks.
 */
import { randomUUID } from 'node:crypto';
import type { OrderView } from '../../src/workflows/messages';
import { sampleOrder } from '../support/orders';
import type { ModelHarness } from './harness';
import { lineIds, type Command, type ModelCase, type OrderScript } from './model';

export interface SentCommand {
  orderId: string;
  command: Command;
  /** The shipment or refund id it used (repeats reuse an earlier one). */
  id?: string;
  lines?: string[];
  amount?: number;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
  sentAt: string;
  status?: number;
  json?: Record<string, unknown>;
}

export interface CaseRecord {
  orderIds: string[];
  scripts: OrderScript[];
  sent: SentCommand[];
  /** Answers that must never happen (5xx other than "still processing"). */
  unexpected: string[];
}

const FINAL = (status: number) => status < 500 && status !== 202;
const QUIET_MS = 40_000;

export async function runCase(h: ModelHarness, c: ModelCase): Promise<CaseRecord> {
  const run = randomUUID().slice(0, 8);
  const orderIds = c.orders.map((_, i) => `model-${run}-${i}`);
  const record: CaseRecord = { orderIds, scripts: c.orders, sent: [], unexpected: [] };
  await h.emulator('PUT', '/faults', {
    webhooks: c.webhooks,
    failNext: c.orders.flatMap((o, i) =>
      o.faults.map((f) => ({ operation: f.operation, reference: orderIds[i], when: f.when, count: f.count, ...(f.status && { status: f.status }), ...(f.errorCode && { errorCode: f.errorCode }), ...(f.answer && { answer: f.answer }), ...(f.answer === 'slow' && { delayMs: 2_000 }) })),
    ),
  });
  const started = Date.now();
  const kills = (async () => {
    for (const at of [...c.workerKillsAtMs].sort((a, b) => a - b)) {
      await sleep(Math.max(0, started + at - Date.now()));
      await h.killWorker();
    }
  })();
  await Promise.all(c.orders.map((script, i) => playOrder(h, orderIds[i]!, script, record)));
  await kills;
  await drain(h, record);
  await h.emulator('DELETE', '/faults');
  for (const orderId of orderIds) {
    try {
      await comeToRest(h, orderId);
    } catch (err) {
      record.unexpected.push(err instanceof Error ? err.message : String(err));
    }
  }
  return record;
}

async function playOrder(h: ModelHarness, orderId: string, script: OrderScript, record: CaseRecord): Promise<void> {
  // A shop repeats the same request while the answer is "still processing" (a worker may be down).
  let placed = await h.api('POST', '/orders', sampleOrder(orderId));
  for (let i = 0; placed.status === 503 && i < 60; i++) {
    await sleep(1_000);
    placed = await h.api('POST', '/orders', sampleOrder(orderId));
  }
  if (placed.status !== 201) {
    record.unexpected.push(`${orderId}: placing answered ${placed.status} ${JSON.stringify(placed.json)}`);
    return;
  }
  if (script.customer === 'approve') await h.emulator('POST', `/payments/${orderId}/approve`);
  if (script.customer === 'reject') await h.emulator('POST', `/payments/${orderId}/reject`);
  if (script.returns) {
    const page = await fetch(`${h.stack.serviceUrl}/orders/${orderId}/return`);
    if (page.status >= 500 && page.status !== 503) record.unexpected.push(`${orderId}: return page answered ${page.status}`);
  }
  const ships: SentCommand[] = [];
  const refunds: SentCommand[] = [];
  const concurrent: Promise<void>[] = [];
  let n = 0;
  for (const { command, delayMs, concurrent: async } of script.commands) {
    await sleep(delayMs);
    const sent = prepare(orderId, command, ++n, ships, refunds);
    if (command.kind === 'ship') ships.push(sent);
    if (command.kind === 'refund') refunds.push(sent);
    record.sent.push(sent);
    const done = send(h, sent, record);
    if (async) concurrent.push(done);
    else await done;
  }
  await Promise.all(concurrent);
}

function prepare(orderId: string, command: Command, n: number, ships: SentCommand[], refunds: SentCommand[]): SentCommand {
  const base = { orderId, command, headers: {}, sentAt: '' };
  switch (command.kind) {
    case 'ship': {
      const earlier = command.repeatOf !== undefined ? ships[command.repeatOf] : undefined;
      const id = earlier?.id ?? `s${n}`;
      const lines = earlier ? earlier.lines : command.lines === 'rest' ? undefined : lineIds(command.lines);
      return { ...base, id, ...(lines && { lines }), path: `/orders/${orderId}/shipments`, body: { shipmentId: id, ...(lines && { orderLineIds: lines }) } };
    }
    case 'refund': {
      const earlier = command.repeatOf !== undefined ? refunds[command.repeatOf] : undefined;
      const id = earlier?.id ?? `r${n}`;
      const amount = earlier?.amount ?? command.amount;
      return { ...base, id, amount, path: `/orders/${orderId}/refunds`, body: { refundId: id, amount: { value: amount, currency: 'NOK' } } };
    }
    case 'cancel':
      return { ...base, id: `c${n}`, path: `/orders/${orderId}/cancel`, body: {}, headers: { 'idempotency-key': `c${n}` } };
    case 'retryCapture':
      return { ...base, path: `/orders/${orderId}/retry-capture` };
    case 'read':
      return { ...base, path: `/orders/${orderId}` };
  }
}

async function send(h: ModelHarness, sent: SentCommand, record: CaseRecord): Promise<void> {
  sent.sentAt ||= new Date().toISOString();
  const method = sent.command.kind === 'read' ? 'GET' : 'POST';
  try {
    const { status, json } = await h.api(method, sent.path, sent.body, sent.headers);
    sent.status = status;
    sent.json = json;
    if (status >= 500 && !(status === 503 && ['still_processing', 'temporal_unavailable'].includes(String(json.error)))) {
      record.unexpected.push(`${sent.orderId} ${method} ${sent.path}: ${status} ${JSON.stringify(json).slice(0, 300)}`);
    }
  } catch (err) {
    sent.status = 0;
    sent.json = { error: String(err) };
  }
}

/** Sends every unfinished command again (same ids, same keys) until it has a final answer. */
async function drain(h: ModelHarness, record: CaseRecord): Promise<void> {
  const deadline = Date.now() + QUIET_MS;
  for (;;) {
    const open = record.sent.filter((s) => s.command.kind !== 'read' && !FINAL(s.status ?? 0));
    if (open.length === 0) return;
    if (Date.now() > deadline) {
      for (const s of open) record.unexpected.push(`${s.orderId} ${s.path} ${JSON.stringify(s.body)} never completed: last ${s.status} ${JSON.stringify(s.json).slice(0, 200)}`);
      return;
    }
    await sleep(500);
    await Promise.all(open.map((s) => send(h, s, record)));
  }
}

/** The order's view once it is closed, or waits for something named with nothing in flight. */
export async function comeToRest(h: ModelHarness, orderId: string): Promise<void> {
  const deadline = Date.now() + QUIET_MS;
  let retried = false;
  for (;;) {
    const glance = await h.stack.orders.glance(orderId);
    if (!glance || !glance.running) return;
    const { status, json } = await h.api('GET', `/orders/${orderId}`);
    const view = json as unknown as OrderView;
    if (status === 200 && atRest(view)) {
      // An operator resolves what is still unknown, once: always with the same keys.
      if (!retried && view.operations.some((o) => o.status === 'UNKNOWN')) {
        retried = true;
        await h.api('POST', `/orders/${orderId}/retry-capture`);
        continue;
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`order ${orderId} did not come to rest: ${status} ${JSON.stringify(json).slice(0, 600)}`);
    await sleep(300);
  }
}

function atRest(view: OrderView): boolean {
  if (view.busy || view.status === 'PENDING_PAYMENT') return false;
  if (view.cancel?.status === 'REQUESTED') return false;
  return view.operations.every((o) => o.status === 'DONE' || o.status === 'REFUSED' || (o.status === 'UNKNOWN' && view.status === 'NEEDS_ATTENTION'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
