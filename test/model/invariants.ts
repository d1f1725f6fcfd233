/**
 * What must hold after every case, checked against the emulator's ledger (every money movement
 * exactly once) rather than against what the order says about itself; and every history replays.
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { OrderView } from '../../src/workflows/messages';
import { prebuiltBundle } from '../support/workerProcess';
import type { ModelHarness } from './harness';
import { LINES } from './model';
import { unitOrders, type CaseRecord, type ModelOrder } from './runCase';

interface LedgerEntry {
  kind: 'authorize' | 'capture' | 'cancel' | 'refund';
  amount: { value: number };
  idempotencyKey: string | null;
  at: string;
}

type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

/** A bound on history growth: events per order run, whatever the faults and waits of a case. */
export const MAX_EVENTS_PER_RUN = 400;

export async function checkCase(h: ModelHarness, record: CaseRecord): Promise<string[]> {
  const problems = [...record.unexpected];
  const histories = await fetchHistories(h, record.orders);
  for (const order of record.orders) {
    const found = [...(await checkOrder(h, record, order)), ...checkCommands(record, order), ...(await checkReturnPage(h, order))];
    for (const { workflowId, history } of histories.filter((x) => x.order === order.key)) found.push(...checkHistory(record, order, workflowId, history));
    problems.push(...found.map((p) => `${order.key}: ${p}`));
  }
  problems.push(...(await replayAll(h, histories)));
  return problems;
}

/** A repeated shipment or refund id with other content than the one accepted must be refused (409), never answered with the first result. */
function checkCommands(record: CaseRecord, order: ModelOrder): string[] {
  const problems: string[] = [];
  const sent = record.sent.filter((s) => s.order === order.key && (s.command.kind === 'ship' || s.command.kind === 'refund'));
  for (const s of sent) {
    const first = sent.find((e) => e.command.kind === s.command.kind && e.id === s.id && (e.status === 200 || e.status === 202));
    if (!first || first === s) continue;
    const same = s.command.kind === 'refund' ? first.amount === s.amount : s.lines === undefined || JSON.stringify([...(first.lines ?? [])].sort()) === JSON.stringify([...s.lines].sort());
    if (!same && s.status !== 409 && s.status !== 400) problems.push(`${s.command.kind} ${s.id} again with other content answered ${s.status}, not 409`);
  }
  return problems;
}

/** The customer's page never says "confirmed" for an order whose payment was never authorized. */
async function checkReturnPage(h: ModelHarness, order: ModelOrder): Promise<string[]> {
  const { entries } = await h.emulator<{ entries: LedgerEntry[] }>('GET', ledgerPath(order));
  if (entries.some((e) => e.kind === 'authorize')) return [];
  const payment = await h.emulator<{ returnUrl?: string }>('GET', `/payments/${order.orderId}?msn=${order.unit.msn}`).catch(() => undefined);
  if (!payment?.returnUrl) return [];
  const page = await fetch(payment.returnUrl);
  const text = await page.text();
  return /confirmed/i.test(text.replace(/<script[\s\S]*?<\/script>/g, '')) ? [`the return page says "confirmed" for an order that was never paid (${page.status})`] : [];
}

/** What every run's history must show: no failed workflow task, bounded growth, the deadline warning before the deadline. */
function checkHistory(record: CaseRecord, order: ModelOrder, workflowId: string, history: History): string[] {
  const problems: string[] = [];
  const events = history.events ?? [];
  // UnhandledCommand is the server's own retry when a Signal or Update lands while the run completes
  // (the worker then decides again with it): a normal step of Temporal's protocol, not a failure of ours.
  const failed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED && e.workflowTaskFailedEventAttributes?.cause !== temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
  if (failed.length) problems.push(`${workflowId}: ${failed.length} workflow task(s) failed: ${failed[0]!.workflowTaskFailedEventAttributes?.failure?.message?.slice(0, 200)}`);
  if (events.length > MAX_EVENTS_PER_RUN) problems.push(`${workflowId}: ${events.length} history events in one run (bound ${MAX_EVENTS_PER_RUN})`);
  const deadline = record.deadlines.get(order.key);
  if (deadline !== undefined) {
    const index = events.findIndex((e) => Buffer.from(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.OrderAlerts?.data ?? []).toString().includes('CAPTURE_DEADLINE_NEAR'));
    if (index >= 0) {
      const at = eventTime(events[index]!);
      const allowed = lateAllowance(record, events.slice(0, index), at);
      if (at > deadline + allowed) problems.push(`${workflowId}: the capture deadline warning came at ${new Date(at).toISOString()}, after the deadline ${new Date(deadline).toISOString()} (late by ${at - deadline} ms, allowed ${allowed} ms for lost tasks and outages)`);
    }
  }
  return problems;
}

/** Normal workflow-task latency, summed over the few timers between the last fact the clock saw and the warning. */
const TASK_LATENCY_SLACK_MS = 3_000;

/**
 * How late a deadline event may come by the clock's documented bound (docs/workflow.md, "The decision
 * clock: what it guarantees"): the time every task lost with a worker took to time out (the clock
 * does not see it, so every later timer fires that much later, after the outage too), plus the
 * outages themselves (no worker, nothing acts), plus normal task latency.
 */
function lateAllowance(record: CaseRecord, before: temporal.api.history.v1.IHistoryEvent[], at: number): number {
  const scheduledAt = new Map<number, number>();
  let lost = 0;
  for (const e of before) {
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) scheduledAt.set(Number(e.eventId), eventTime(e));
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) lost += eventTime(e) - (scheduledAt.get(Number(e.workflowTaskTimedOutEventAttributes?.scheduledEventId)) ?? eventTime(e));
  }
  const down = record.outages.filter((o) => o.from <= at).reduce((sum, o) => sum + Math.min(o.to, at) - o.from, 0);
  return TASK_LATENCY_SLACK_MS + lost + down;
}

function eventTime(e: temporal.api.history.v1.IHistoryEvent): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
}

/** The emulator's ledger of this order's payment only: the same reference at another MSN is another order's. */
function ledgerPath(order: ModelOrder): string {
  return `/ledger?reference=${order.orderId}&msn=${order.unit.msn}`;
}

async function checkOrder(h: ModelHarness, record: CaseRecord, order: ModelOrder): Promise<string[]> {
  const problems: string[] = [];
  const orderId = order.orderId;
  const { entries } = await h.emulator<{ entries: LedgerEntry[] }>('GET', ledgerPath(order));
  const sum = (kind: LedgerEntry['kind']) => entries.filter((e) => e.kind === kind).reduce((s, e) => s + e.amount.value, 0);
  const ledger = { authorized: sum('authorize'), captured: sum('capture'), cancelled: sum('cancel'), refunded: sum('refund') };
  const sent = record.sent.filter((s) => s.order === order.key);

  if (ledger.captured + ledger.cancelled > ledger.authorized) problems.push(`captured ${ledger.captured} + cancelled ${ledger.cancelled} > authorized ${ledger.authorized}`);
  if (ledger.refunded > ledger.captured) problems.push(`refunded ${ledger.refunded} > captured ${ledger.captured}`);

  // Captures: only for accepted shipments, after they were sent, once each, for their lines' amount.
  const captured = new Map<string, number>();
  for (const e of entries.filter((x) => x.kind === 'capture')) {
    const match = new RegExp(`^${orderId}\\.capture\\.s\\.([a-zA-Z0-9-]+?)(?:\\.(\\d+))?$`).exec(e.idempotencyKey ?? '');
    if (!match) {
      problems.push(`capture with a key that is no shipment's: ${e.idempotencyKey}`);
      continue;
    }
    const shipmentId = match[1]!;
    captured.set(shipmentId, (captured.get(shipmentId) ?? 0) + 1);
    const ships = sent.filter((s) => s.command.kind === 'ship' && s.id === shipmentId);
    const accepted = ships.find((s) => s.status === 200 || s.status === 202);
    if (!accepted) problems.push(`captured ${e.amount.value} for shipment ${shipmentId}, which was never accepted`);
    else if (e.at < ships.map((s) => s.sentAt).sort()[0]!) problems.push(`captured shipment ${shipmentId} at ${e.at}, before it was shipped`);
    const view = accepted?.json as unknown as OrderView | undefined;
    const lines = view?.shipments?.find((s) => s.shipmentId === shipmentId)?.orderLineIds;
    if (lines) {
      const expected = lines.reduce((s, id) => s + LINES.find((l) => l.id === id)!.total, 0);
      if (expected !== e.amount.value) problems.push(`shipment ${shipmentId} captured ${e.amount.value}, its lines total ${expected}`);
    }
  }
  for (const [shipmentId, n] of captured) if (n > 1) problems.push(`shipment ${shipmentId} captured ${n} times`);

  // Refunds: once per refund id, for the amount asked.
  const refunds = new Map<string, number>();
  for (const e of entries.filter((x) => x.kind === 'refund')) {
    const match = new RegExp(`^${orderId}\\.refund\\.r\\.([a-zA-Z0-9-]+)$`).exec(e.idempotencyKey ?? '');
    if (!match) {
      problems.push(`refund with a key that is no refund id's: ${e.idempotencyKey}`);
      continue;
    }
    refunds.set(match[1]!, (refunds.get(match[1]!) ?? 0) + 1);
    const asked = sent.find((s) => s.command.kind === 'refund' && s.id === match[1] && (s.status === 200 || s.status === 202)) ?? sent.find((s) => s.command.kind === 'refund' && s.id === match[1]);
    if (asked?.amount !== e.amount.value) problems.push(`refund ${match[1]} of ${e.amount.value}, asked ${asked?.amount}`);
  }
  for (const [refundId, n] of refunds) if (n > 1) problems.push(`refund ${refundId} refunded ${n} times`);

  // The order at rest: ended, or waiting for something named; its view agrees with the ledger.
  const { status, json } = await h.api('GET', order.path);
  if (status !== 200) return [...problems, `GET answered ${status}`];
  const view = json as unknown as OrderView;
  if (view.amount.currency !== order.unit.currency) problems.push(`the view's currency is ${view.amount.currency}, the unit's ${order.unit.currency}`);
  const glance = await unitOrders(h, order).glance(orderId);
  if (glance?.running && !['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION'].includes(view.status)) problems.push(`still running as ${view.status}`);
  if (glance?.running && !view.waitingFor) problems.push('running without saying what it waits for');
  if (!glance?.running && !['COMPLETED', 'CANCELLED', 'PAYMENT_FAILED'].includes(view.status)) problems.push(`ended as ${view.status}`);
  const unknown = view.operations.some((o) => o.status === 'UNKNOWN');
  // Terminating a payment that was never authorized moves no money (the ledger has no entry), while
  // Vipps reports its whole amount as cancelled: compare what was reserved only.
  const viewed = ledger.authorized === 0 ? { ...view.payment.aggregate, cancelled: 0 } : view.payment.aggregate;
  if (!unknown && JSON.stringify(viewed) !== JSON.stringify(ledger)) problems.push(`view ${JSON.stringify(view.payment.aggregate)} ≠ ledger ${JSON.stringify(ledger)} (${view.status}, waiting for ${view.waitingFor}; operations ${JSON.stringify(view.operations)})`);
  // An operator may record a reservation Vipps refused to release after the capture deadline (6030)
  // as lapsed (acknowledge RELEASE_FAILED): then, and only then, Vipps' figures still show it.
  const lapsed = view.timeline.some((t) => t.step === 'reservation released' && /as no longer reserved/.test(t.detail ?? ''));
  if (['COMPLETED', 'CANCELLED'].includes(view.status) && ledger.authorized - ledger.captured - ledger.cancelled !== 0 && !lapsed) {
    problems.push(`${view.status} but ${ledger.authorized - ledger.captured - ledger.cancelled} still reserved`);
  }
  if (view.status === 'PAYMENT_FAILED' && ledger.authorized !== 0) problems.push(`PAYMENT_FAILED with ${ledger.authorized} authorized`);
  const capturedShipments = view.shipments.filter((s) => s.status === 'CAPTURED').reduce((s, x) => s + x.amount.value, 0);
  if (!unknown && capturedShipments !== ledger.captured) problems.push(`captured shipments add up to ${capturedShipments}, ledger captured ${ledger.captured}`);
  return problems;
}

/** Every run of the case's order and refund workflows, with its history. */
export async function fetchHistories(h: ModelHarness, orders: ModelOrder[]): Promise<{ order: string; workflowId: string; history: History }[]> {
  const client = h.stack.client;
  const ids: { order: string; workflowId: string; runId: string }[] = [];
  for (const order of orders) {
    const query = `VippsReference = '${order.orderId}' AND SalesUnit = '${order.unit.name}'`;
    for await (const wf of client.workflow.list({ query })) ids.push({ order: order.key, workflowId: wf.workflowId, runId: wf.runId });
  }
  return Promise.all(ids.map(async ({ order, workflowId, runId }) => ({ order, workflowId, history: await client.workflow.getHandle(workflowId, runId).fetchHistory() })));
}

/** Every order and refund workflow of the case replays on today's workflow code. */
async function replayAll(h: ModelHarness, histories: { workflowId: string; history: History }[]): Promise<string[]> {
  const problems: string[] = [];
  // Histories hold encrypted payloads: the replay decrypts them as the workers do.
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: await prebuiltBundle() }, dataConverter: h.stack.dataConverter }, histories)) {
    if (result.error) problems.push(`${result.workflowId} does not replay: ${result.error.message.slice(0, 300)}`);
  }
  return problems;
}
