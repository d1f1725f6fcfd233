/**
 * Plays one model case against the harness and records what happened: every command sent, when,
 * and its final answer. Commands still processing (202/503) are sent again, as a shop would, until
 * they get a final answer; then every order is left to come to rest before the checks.
 */
import { randomUUID } from 'node:crypto';
import { OrderCommandError } from '../../src/orders/errors';
import type { OrderView } from '../../src/workflows/messages';
import { sampleOrder } from '../support/orders';
import type { ModelHarness } from './harness';
import { FREE_LINE, LINES, UNITS, lineIds, otherLines, type Command, type ModelCase, type ModelUnit, type OrderScript } from './model';

/** One order of a case: its id on its sales unit (the same id may be on another unit too). */
export interface ModelOrder {
  /** `<unit>/<orderId>`: what the record is keyed by. */
  key: string;
  orderId: string;
  unit: ModelUnit;
  /** Its routes: /sales-units/<unit>/orders/<orderId>. */
  path: string;
}

export interface SentCommand {
  /** The order's key (ModelOrder.key). */
  order: string;
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
  orders: ModelOrder[];
  /** When each order's capture deadline is, as the emulator set it at approval (epoch ms), by key. */
  deadlines: Map<string, number>;
  scripts: OrderScript[];
  sent: SentCommand[];
  /** Answers that must never happen (5xx other than "still processing"). */
  unexpected: string[];
  /**
   * When no worker could act (epoch ms): from a kill until the new worker is up and the killed
   * worker's sticky tasks have gone back to the shared queue. No order can act on time in there.
   */
  outages: { from: number; to: number }[];
}

/** The worker's sticky-queue timeout (WORKER_STICKY_QUEUE_TIMEOUT_SECONDS' default) plus a task's own time. */
const STICKY_HANDBACK_MS = 10_000 + 2_000;

const FINAL = (status: number) => status < 500 && status !== 202;
const QUIET_MS = 40_000;

export async function runCase(h: ModelHarness, c: ModelCase): Promise<CaseRecord> {
  const orders = caseOrders(c, randomUUID().slice(0, 8));
  const record: CaseRecord = { orders, deadlines: new Map(), scripts: c.orders, sent: [], unexpected: [], outages: [] };
  // Faults name a reference, not an MSN: an order's faults may hit its namesake on another unit too.
  await h.emulator('PUT', '/faults', {
    webhooks: c.webhooks,
    failNext: c.orders.flatMap((o, i) =>
      o.faults.map((f) => ({ operation: f.operation, reference: orders[i]!.orderId, when: f.when, count: f.count, ...(f.status && { status: f.status }), ...(f.errorCode && { errorCode: f.errorCode }), ...(f.answer && { answer: f.answer }), ...(f.answer === 'slow' && { delayMs: 2_000 }) })),
    ),
  });
  const started = Date.now();
  const kills = (async () => {
    for (const at of [...c.workerKillsAtMs].sort((a, b) => a - b)) {
      await sleep(Math.max(0, started + at - Date.now()));
      const from = Date.now();
      await h.killWorker();
      record.outages.push({ from, to: Date.now() + STICKY_HANDBACK_MS });
    }
  })();
  await Promise.all(c.orders.map((script, i) => playOrder(h, orders[i]!, script, record)));
  await kills;
  await drain(h, record);
  await h.emulator('DELETE', '/faults');
  for (const order of orders) {
    try {
      await comeToRest(h, order);
    } catch (err) {
      record.unexpected.push(err instanceof Error ? err.message : String(err));
    }
  }
  // Every alert has an exit: an operator's commands end every order that is still open.
  await Promise.all(orders.map((order) => operatorEnds(h, order, record)));
  return record;
}

/**
 * The case's orders: fresh ids, an id extending the previous one, or the previous one's very id
 * on a unit none of the earlier orders with that id is on (so every order is its own).
 */
export function caseOrders(c: ModelCase, run: string): ModelOrder[] {
  const orders: ModelOrder[] = [];
  c.orders.forEach((script, i) => {
    const previous = orders[i - 1];
    const orderId = !previous || script.id === 'fresh' ? `model-${run}-${i}` : script.id === 'extendsPrevious' ? `${previous.orderId}-2` : previous.orderId;
    const taken = new Set(orders.filter((o) => o.orderId === orderId).map((o) => o.unit.name));
    let u = script.unit % UNITS.length;
    while (taken.has(UNITS[u]!.name)) u = (u + 1) % UNITS.length;
    const unit = UNITS[u]!;
    orders.push({ key: `${unit.name}/${orderId}`, orderId, unit, path: `/sales-units/${unit.name}/orders/${orderId}` });
  });
  return orders;
}

/** The order client of the order's unit (glances and workflow ids without HTTP). */
export function unitOrders(h: ModelHarness, order: ModelOrder) {
  return h.stack.orders.forUnit(order.unit.name);
}

const ACKNOWLEDGEABLE = ['OVER_CAPTURED', 'CAPTURE_MISMATCH', 'EXTERNAL_CHANGE', 'RELEASE_FAILED'];

/**
 * What an operator does with an order that is still open once the case is over: resolve unknown
 * outcomes (same keys), acknowledge what Vipps shows that the order did not do, and cancel what is
 * left. After that the order must close; one that does not is an order that never ends.
 */
async function operatorEnds(h: ModelHarness, order: ModelOrder, record: CaseRecord): Promise<void> {
  const deadline = Date.now() + QUIET_MS;
  let last = '';
  while (Date.now() < deadline) {
    const glance = await unitOrders(h, order).glance(order.orderId);
    if (!glance?.running) return;
    const { status, json } = await h.api('GET', order.path);
    const view = json as unknown as OrderView;
    last = `${status} ${view.status} alerts ${JSON.stringify(view.alerts)} waiting for ${view.waitingFor}`;
    if (status === 200 && !view.busy) {
      const acks = view.alerts.filter((a) => ACKNOWLEDGEABLE.includes(a));
      // Vipps is back: unknown outcomes are resolved and failed looks made now, with the same keys.
      if (view.operations?.some((o) => o.status === 'UNKNOWN') || view.alerts.includes('PAYMENT_UNRESOLVED') || lookupBackingOff(view)) await h.api('POST', `${order.path}/retry-capture`);
      else if (acks.length) for (const alert of acks) await h.api('POST', `${order.path}/acknowledge`, { alert, reason: 'operator closing the order (model test)' });
      else if (view.cancel?.status !== 'REQUESTED') await h.api('POST', `${order.path}/cancel`, { reason: 'operator closing the order (model test)' });
    }
    await sleep(2_000);
  }
  record.unexpected.push(`${order.key} never ended after the operator's retry, acknowledge and cancel: ${last}`);
}

/** The sample order on the order's unit, in its currency, with a free line (totalAmount 0) when the script says so. */
function orderRequest(o: ModelOrder, script: OrderScript) {
  const order = { ...sampleOrder(o.orderId), salesUnit: o.unit.name, amount: { value: 54_800, currency: o.unit.currency } };
  if (!script.freeLine) return order;
  const free = LINES[FREE_LINE];
  return { ...order, orderLines: [...order.orderLines, { id: free.id, name: 'Gift wrap', totalAmount: 0, totalAmountExcludingTax: 0, totalTaxAmount: 0, taxRate: 2500, unitInfo: { unitPrice: 0, quantity: '1' } }] };
}

/**
 * Places the order: over HTTP as a shop does, or, for an order with a short capture deadline,
 * through an order client whose policy is scaled down with it (the service has one policy).
 */
async function place(h: ModelHarness, order: ModelOrder, script: OrderScript): Promise<{ status: number; json: unknown }> {
  if (!script.deadline) return h.api('POST', '/orders', orderRequest(order, script));
  const d = script.deadline;
  const orders = h.stack.ordersWithPolicy({ captureDeadlinePolicy: d.policy, captureDeadlineWarningMs: d.warningSeconds * 1000, captureDeadlineFallbackMs: d.guaranteeSeconds * 1000, captureDeadlineReleaseMarginMs: 1000 });
  try {
    return { status: 201, json: await orders.placeOrder(orderRequest(order, script)) };
  } catch (err) {
    if (err instanceof OrderCommandError) return { status: err.httpStatus, json: { error: err.code, message: err.message } };
    return { status: 500, json: { error: String(err) } };
  }
}

async function playOrder(h: ModelHarness, order: ModelOrder, script: OrderScript, record: CaseRecord): Promise<void> {
  // A shop repeats the same request while the answer is "still processing" (a worker may be down).
  let placed = await place(h, order, script);
  for (let i = 0; placed.status === 503 && i < 60; i++) {
    await sleep(1_000);
    placed = await place(h, order, script);
  }
  if (placed.status !== 201) {
    record.unexpected.push(`${order.key}: placing answered ${placed.status} ${JSON.stringify(placed.json)}`);
    return;
  }
  const payment = `/payments/${order.orderId}`;
  const msn = `?msn=${order.unit.msn}`;
  if (script.customer === 'approve') {
    const guarantee = script.deadline && { captureGuaranteeSeconds: script.deadline.guaranteeSeconds };
    const approved = await h.emulator<{ captureGuaranteedUntil?: string }>('POST', `${payment}/approve${msn}`, guarantee);
    if (approved?.captureGuaranteedUntil) record.deadlines.set(order.key, Date.parse(approved.captureGuaranteedUntil));
  }
  if (script.customer === 'reject') await h.emulator('POST', `${payment}/reject${msn}`);
  if (script.returns) {
    const page = await fetch(h.stack.returnUrl(order.orderId, order.unit.name));
    if (page.status >= 500 && page.status !== 503) record.unexpected.push(`${order.key}: return page answered ${page.status}`);
  }
  const ships: SentCommand[] = [];
  const concurrent: Promise<void>[] = [];
  let n = 0;
  for (const { command, delayMs, concurrent: async } of script.commands) {
    await sleep(delayMs);
    if (command.kind === 'wait') {
      await sleep(command.ms);
      continue;
    }
    const sent = prepare(h, order, script, command, ++n, ships);
    if (command.kind === 'ship') ships.push(sent);
    record.sent.push(sent);
    const done = send(h, sent, record);
    if (async) concurrent.push(done);
    else await done;
  }
  await Promise.all(concurrent);
}

function prepare(h: ModelHarness, order: ModelOrder, script: OrderScript, command: Exclude<Command, { kind: 'wait' }>, n: number, ships: SentCommand[]): SentCommand {
  const base = { order: order.key, command, headers: {}, sentAt: '' };
  const path = order.path;
  switch (command.kind) {
    case 'ship': {
      const earlier = command.repeatOf !== undefined ? ships[command.repeatOf] : undefined;
      const id = earlier?.id ?? `s${n}`;
      // A repeated id either asks for the same again (a retry) or for other lines (a conflict: 409).
      const lines = earlier ? (command.otherContent ? otherLines(earlier.lines, script.freeLine) : earlier.lines) : command.lines === 'rest' ? undefined : lineIds(command.lines, script.freeLine);
      return { ...base, id, ...(lines && { lines }), path: `${path}/shipments`, body: { shipmentId: id, ...(lines && { orderLineIds: lines }) } };
    }
    case 'refund':
      // Ids from a small pool: the same id again, with the same or another amount, is part of the game.
      return { ...base, id: command.refundId, amount: command.amount, path: `${path}/refunds`, body: { refundId: command.refundId, amount: { value: command.amount, currency: order.unit.currency } } };
    case 'cancelWorkflow':
      return { ...base, path: `temporal:cancel ${unitOrders(h, order).workflowId(order.orderId)}` };
    case 'cancel':
      return { ...base, id: `c${n}`, path: `${path}/cancel`, body: {}, headers: { 'idempotency-key': `c${n}` } };
    case 'retryCapture':
      return { ...base, path: `${path}/retry-capture` };
    case 'acknowledge':
      return { ...base, path: `${path}/acknowledge`, body: { alert: command.alert, reason: 'seen in the Vipps portal (model test)' } };
    case 'read':
      return { ...base, path };
  }
}

async function send(h: ModelHarness, sent: SentCommand, record: CaseRecord): Promise<void> {
  sent.sentAt ||= new Date().toISOString();
  if (sent.command.kind === 'cancelWorkflow') return cancelWorkflow(h, sent);
  const method = sent.command.kind === 'read' ? 'GET' : 'POST';
  try {
    const { status, json } = await h.api(method, sent.path, sent.body, sent.headers);
    sent.status = status;
    sent.json = json;
    if (status >= 500 && !(status === 503 && ['still_processing', 'temporal_unavailable'].includes(String(json.error)))) {
      record.unexpected.push(`${sent.order} ${method} ${sent.path}: ${status} ${JSON.stringify(json).slice(0, 300)}`);
    }
  } catch (err) {
    sent.status = 0;
    sent.json = { error: String(err) };
  }
}

/** Temporal's Request Cancellation of the order's workflow, as an operator does it in the UI. */
async function cancelWorkflow(h: ModelHarness, sent: SentCommand): Promise<void> {
  try {
    await h.stack.client.workflow.getHandle(sent.path.replace(/^temporal:cancel /, '')).cancel();
    sent.status = 200;
  } catch (err) {
    // A closed (or never started) workflow cannot be cancelled: that is an answer, not a failure.
    sent.status = 409;
    sent.json = { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Sends every unfinished command again (same ids, same keys) until it has a final answer. While
 * Vipps still fails (the case's faults) a command may wait on the order's backoff for longer than
 * the case lasts: then Vipps comes back (faults cleared), the operator asks those orders to retry
 * now (the exit docs/operations.md names), and every command must be answered after that.
 */
async function drain(h: ModelHarness, record: CaseRecord): Promise<void> {
  if (await answered(h, record)) return;
  await h.emulator('DELETE', '/faults');
  const waiting = new Set(unfinished(record).map((s) => s.order));
  for (const order of record.orders.filter((o) => waiting.has(o.key))) await h.api('POST', `${order.path}/retry-capture`);
  if (await answered(h, record)) return;
  for (const s of unfinished(record)) record.unexpected.push(`${s.order} ${s.path} ${JSON.stringify(s.body)} never completed: last ${s.status} ${JSON.stringify(s.json).slice(0, 200)}`);
}

function unfinished(record: CaseRecord): CaseRecord['sent'] {
  return record.sent.filter((s) => s.command.kind !== 'read' && s.command.kind !== 'cancelWorkflow' && !FINAL(s.status ?? 0));
}

/** True once every command has a final answer, false when QUIET_MS passed first. */
async function answered(h: ModelHarness, record: CaseRecord): Promise<boolean> {
  const deadline = Date.now() + QUIET_MS;
  for (;;) {
    const open = unfinished(record);
    if (open.length === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
    await Promise.all(open.map((s) => send(h, s, record)));
  }
}

/** The order's view once it is closed, or waits for something named with nothing in flight. */
export async function comeToRest(h: ModelHarness, order: ModelOrder): Promise<void> {
  const deadline = Date.now() + QUIET_MS;
  let retried = false;
  for (;;) {
    const glance = await unitOrders(h, order).glance(order.orderId);
    if (!glance || !glance.running) return;
    const { status, json } = await h.api('GET', order.path);
    const view = json as unknown as OrderView;
    if (status === 200 && atRest(view)) {
      // An operator resolves what is still unknown, once: always with the same keys.
      if (!retried && view.operations.some((o) => o.status === 'UNKNOWN')) {
        retried = true;
        await h.api('POST', `${order.path}/retry-capture`);
        continue;
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`order ${order.key} did not come to rest: ${status} ${JSON.stringify(json).slice(0, 600)}`);
    await sleep(300);
  }
}

/** A queued operation whose look in the event log failed and backs off (it has an error and no attempt of its key yet). */
function lookupBackingOff(view: OrderView): boolean {
  return view.operations.some((o) => o.status === 'QUEUED' && o.error !== undefined && o.attempts === 0);
}

function atRest(view: OrderView): boolean {
  if (view.busy || view.status === 'PENDING_PAYMENT') return false;
  // Waiting for an operator, with nothing in flight: what ends it is the operator's (operatorEnds).
  if (view.status === 'NEEDS_ATTENTION') return view.operations.every((o) => o.status !== 'IN_FLIGHT');
  if (view.cancel?.status === 'REQUESTED') return false;
  return view.operations.every((o) => o.status === 'DONE' || o.status === 'REFUSED' || (o.status === 'UNKNOWN' && view.status === 'NEEDS_ATTENTION'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
