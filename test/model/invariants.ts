/**
 * What must hold after every case, checked against the emulator's ledger (every money movement
 * exactly once) rather than against what the order says about itself; and every history replays.
 */
import { Worker } from '@temporalio/worker';
import type { OrderView } from '../../src/workflows/messages';
import { prebuiltBundle } from '../support/workerProcess';
import type { ModelHarness } from './harness';
import { LINES } from './model';
import type { CaseRecord } from './runCase';

interface LedgerEntry {
  kind: 'authorize' | 'capture' | 'cancel' | 'refund';
  amount: { value: number };
  idempotencyKey: string | null;
  at: string;
}

export async function checkCase(h: ModelHarness, record: CaseRecord): Promise<string[]> {
  const problems = [...record.unexpected];
  for (const orderId of record.orderIds) problems.push(...(await checkOrder(h, record, orderId)).map((p) => `${orderId}: ${p}`));
  problems.push(...(await replayAll(h, record.orderIds)));
  return problems;
}

async function checkOrder(h: ModelHarness, record: CaseRecord, orderId: string): Promise<string[]> {
  const problems: string[] = [];
  const { entries } = await h.emulator<{ entries: LedgerEntry[] }>('GET', `/ledger?reference=${orderId}`);
  const sum = (kind: LedgerEntry['kind']) => entries.filter((e) => e.kind === kind).reduce((s, e) => s + e.amount.value, 0);
  const ledger = { authorized: sum('authorize'), captured: sum('capture'), cancelled: sum('cancel'), refunded: sum('refund') };
  const sent = record.sent.filter((s) => s.orderId === orderId);

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
    const asked = sent.find((s) => s.command.kind === 'refund' && s.id === match[1]);
    if (asked?.amount !== e.amount.value) problems.push(`refund ${match[1]} of ${e.amount.value}, asked ${asked?.amount}`);
  }
  for (const [refundId, n] of refunds) if (n > 1) problems.push(`refund ${refundId} refunded ${n} times`);

  // The order at rest: ended, or waiting for something named; its view agrees with the ledger.
  const { status, json } = await h.api('GET', `/orders/${orderId}`);
  if (status !== 200) return [...problems, `GET answered ${status}`];
  const view = json as unknown as OrderView;
  const glance = await h.stack.orders.glance(orderId);
  if (glance?.running && !['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION'].includes(view.status)) problems.push(`still running as ${view.status}`);
  if (glance?.running && !view.waitingFor) problems.push('running without saying what it waits for');
  if (!glance?.running && !['COMPLETED', 'CANCELLED', 'PAYMENT_FAILED'].includes(view.status)) problems.push(`ended as ${view.status}`);
  const unknown = view.operations.some((o) => o.status === 'UNKNOWN');
  // Terminating a payment that was never authorized moves no money (the ledger has no entry), while
  // Vipps reports its whole amount as cancelled: compare what was reserved only.
  const viewed = ledger.authorized === 0 ? { ...view.payment.aggregate, cancelled: 0 } : view.payment.aggregate;
  if (!unknown && JSON.stringify(viewed) !== JSON.stringify(ledger)) problems.push(`view ${JSON.stringify(view.payment.aggregate)} ≠ ledger ${JSON.stringify(ledger)} (${view.status}, waiting for ${view.waitingFor}; operations ${JSON.stringify(view.operations)})`);
  if (['COMPLETED', 'CANCELLED'].includes(view.status) && ledger.authorized - ledger.captured - ledger.cancelled !== 0) {
    problems.push(`${view.status} but ${ledger.authorized - ledger.captured - ledger.cancelled} still reserved`);
  }
  if (view.status === 'PAYMENT_FAILED' && ledger.authorized !== 0) problems.push(`PAYMENT_FAILED with ${ledger.authorized} authorized`);
  const capturedShipments = view.shipments.filter((s) => s.status === 'CAPTURED').reduce((s, x) => s + x.amount.value, 0);
  if (!unknown && capturedShipments !== ledger.captured) problems.push(`captured shipments add up to ${capturedShipments}, ledger captured ${ledger.captured}`);
  return problems;
}

/** Every order and refund workflow of the case replays on today's workflow code. */
async function replayAll(h: ModelHarness, orderIds: string[]): Promise<string[]> {
  const client = h.stack.client;
  const ids: { workflowId: string; runId: string }[] = [];
  for (const orderId of orderIds) {
    const query = `VippsReference = '${orderId}'`;
    for await (const wf of client.workflow.list({ query })) ids.push({ workflowId: wf.workflowId, runId: wf.runId });
  }
  const histories = await Promise.all(ids.map(async ({ workflowId, runId }) => ({ workflowId, history: await client.workflow.getHandle(workflowId, runId).fetchHistory() })));
  const problems: string[] = [];
  // Histories hold encrypted payloads: the replay decrypts them as the workers do.
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: await prebuiltBundle() }, dataConverter: h.stack.dataConverter }, histories)) {
    if (result.error) problems.push(`${result.workflowId} does not replay: ${result.error.message.slice(0, 300)}`);
  }
  return problems;
}
