/**
 * The order mix of the failover test: what the shop does to each order, what it expects at the end,
 * and the check of each order against the emulator's ledger (the money that really moved).
 */
import { LINES, ORDER_TOTAL, type OrderView, type Shop } from './shop';

export type ScenarioKind = 'ship-all' | 'two-shipments' | 'ship-then-refund' | 'cancel' | 'ship-part-then-cancel' | 'two-shipments-two-refunds';
export const SCENARIOS: readonly ScenarioKind[] = ['ship-all', 'two-shipments', 'ship-then-refund', 'cancel', 'ship-part-then-cancel', 'two-shipments-two-refunds'];

/** What the shop asked for, with the times it asked (a capture earlier than its shipment is a bug). */
export interface OrderRecord {
  orderId: string;
  workflowId: string;
  kind: ScenarioKind;
  shipments: { shipmentId: string; amount: number; requestedAt: string }[];
  refunds: { refundId: string; amount: number }[];
  cancelled: boolean;
  expectedStatus: 'COMPLETED' | 'CANCELLED';
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pause = (maxMs: number) => new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxMs)));
const A = LINES[0];

/** One order from placing to its last command; pauses between steps keep many orders mid-flight. */
export async function runScenario(shop: Shop, orderId: string, kind: ScenarioKind, index: number, pauseMs = 1_500): Promise<OrderRecord> {
  const placed = await shop.place(orderId);
  const record: OrderRecord = { orderId, workflowId: placed.workflowId, kind, shipments: [], refunds: [], cancelled: false, expectedStatus: kind === 'cancel' ? 'CANCELLED' : 'COMPLETED' };
  await pause(pauseMs);
  // Half approve on the landing page (as a person would), half through the emulator's test endpoint.
  await shop.approve(orderId, placed.redirectUrl, index % 2 === 0 ? 'landing' : 'test-endpoint');
  await shop.waitFor(orderId, (v) => v.status === 'AWAITING_SHIPMENT');
  await pause(pauseMs);

  const ship = async (shipmentId: string, amount: number, lines?: string[]) => {
    record.shipments.push({ shipmentId, amount, requestedAt: new Date().toISOString() });
    await shop.ship(orderId, shipmentId, lines);
  };
  const refund = async (refundId: string, amount: number) => {
    record.refunds.push({ refundId, amount });
    await shop.refund(orderId, refundId, amount);
  };
  // A refund is for money already captured: wait until the shipments are.
  const captured = () => shop.waitFor(orderId, (v) => v.shipments.length === record.shipments.length && v.shipments.every((s) => s.status === 'CAPTURED'));

  switch (kind) {
    case 'ship-all':
      await ship('parcel-1', ORDER_TOTAL);
      break;
    case 'two-shipments':
      await ship('parcel-1', A.total, [A.id]);
      await pause(pauseMs);
      await ship('parcel-2', ORDER_TOTAL - A.total);
      break;
    case 'ship-then-refund':
      await ship('parcel-1', ORDER_TOTAL);
      await captured();
      await pause(pauseMs);
      await refund('refund-1', 5_000);
      break;
    case 'cancel':
      record.cancelled = true;
      await shop.cancel(orderId);
      break;
    case 'ship-part-then-cancel':
      await ship('parcel-1', A.total, [A.id]);
      await pause(pauseMs);
      record.cancelled = true;
      await shop.cancel(orderId);
      break;
    case 'two-shipments-two-refunds':
      await ship('parcel-1', A.total, [A.id]);
      await ship('parcel-2', ORDER_TOTAL - A.total);
      await captured();
      await refund('refund-1', 4_900);
      await pause(pauseMs);
      await refund('refund-2', 10_000);
      break;
  }
  return record;
}

/** The order has settled: its end status, every shipment captured, every refund done. */
export function settled(record: OrderRecord, view: OrderView): boolean {
  return (
    view.status === record.expectedStatus &&
    view.shipments.length === record.shipments.length &&
    view.shipments.every((s) => s.status === 'CAPTURED') &&
    view.refunds.length === record.refunds.length &&
    view.refunds.every((r) => r.status === 'REFUNDED')
  );
}

export interface LedgerEntry {
  kind: 'authorize' | 'capture' | 'cancel' | 'refund';
  reference: string;
  amount: { value: number };
  idempotencyKey: string | null;
  at: string;
}

/** Everything wrong with one order, in words; empty when it is right. */
export function checkOrder(record: OrderRecord, view: OrderView, ledger: LedgerEntry[]): string[] {
  const problems: string[] = [];
  const id = record.orderId;
  const of = (kind: LedgerEntry['kind']) => ledger.filter((e) => e.kind === kind);
  const authorized = sum(of('authorize').map((e) => e.amount.value));
  const captures = of('capture');
  const cancels = of('cancel');
  const refunds = of('refund');
  const captured = sum(captures.map((e) => e.amount.value));
  const cancelled = sum(cancels.map((e) => e.amount.value));
  const refunded = sum(refunds.map((e) => e.amount.value));

  if (view.status !== record.expectedStatus) problems.push(`${id}: status ${view.status}, expected ${record.expectedStatus}`);
  if (of('authorize').length !== 1 || authorized !== ORDER_TOTAL) problems.push(`${id}: ${of('authorize').length} authorizations of ${authorized} in the ledger`);

  // Each shipment captured once, for what it shipped, and never before it was shipped.
  if (captures.length !== record.shipments.length) problems.push(`${id}: ${captures.length} captures for ${record.shipments.length} shipments`);
  const keys = captures.map((c) => c.idempotencyKey);
  if (new Set(keys).size !== keys.length || keys.some((k) => !k)) problems.push(`${id}: capture idempotency keys not unique: ${keys.join(', ')}`);
  const wanted = record.shipments.map((s) => s.amount).sort((a, b) => a - b);
  const got = captures.map((c) => c.amount.value).sort((a, b) => a - b);
  if (JSON.stringify(wanted) !== JSON.stringify(got)) problems.push(`${id}: captured ${JSON.stringify(got)}, shipped ${JSON.stringify(wanted)}`);
  const capturesInOrder = captures.map((c) => c.at).sort();
  const asked = record.shipments.map((s) => s.requestedAt).sort();
  capturesInOrder.forEach((at, i) => {
    if (asked[i] === undefined || at < asked[i]) problems.push(`${id}: capture at ${at} before its shipment was requested (${asked[i] ?? 'never'})`);
  });
  if (view.payment.aggregate.captured !== captured) problems.push(`${id}: the view says captured ${view.payment.aggregate.captured}, the ledger ${captured}`);

  // A settled order holds no money any more: all of it was captured or released.
  const a = view.payment.aggregate;
  if (a.authorized - a.captured - a.cancelled !== 0) problems.push(`${id}: view aggregate leaves ${a.authorized - a.captured - a.cancelled} reserved`);
  if (authorized - captured - cancelled !== 0) problems.push(`${id}: ledger leaves ${authorized - captured - cancelled} reserved (authorized ${authorized}, captured ${captured}, cancelled ${cancelled})`);
  // A cancel releases exactly what was not shipped, once; an order not cancelled releases nothing.
  const unshipped = ORDER_TOTAL - sum(wanted);
  if (record.cancelled ? cancels.length !== 1 || cancelled !== unshipped : cancels.length !== 0) {
    problems.push(`${id}: cancel asked: ${record.cancelled}; ${cancels.length} cancels of ${cancelled} in the ledger (unshipped ${unshipped})`);
  }

  // Refunds: each once, as asked, never more than captured.
  const wantedRefunds = record.refunds.map((r) => r.amount).sort((x, y) => x - y);
  const gotRefunds = refunds.map((r) => r.amount.value).sort((x, y) => x - y);
  if (JSON.stringify(wantedRefunds) !== JSON.stringify(gotRefunds)) problems.push(`${id}: refunded ${JSON.stringify(gotRefunds)}, asked ${JSON.stringify(wantedRefunds)}`);
  if (refunded > captured) problems.push(`${id}: refunded ${refunded} > captured ${captured}`);
  if (view.payment.aggregate.refunded !== refunded) problems.push(`${id}: the view says refunded ${view.payment.aggregate.refunded}, the ledger ${refunded}`);
  return problems;
}
