/**
 * Bookkeeping over the order's data: amounts, alerts, timeline, and how shipments and refunds
 * read through their money operations. Pure functions; no Temporal calls.
 */
import { formatMoney } from '../messages/money';
import { isOpen, type MoneyOp } from '../money/moneyOperation';
import type { Aggregate, OrderData, RefundRecord, ShipmentRecord } from './orderData';
import type { OrderAlert, OrderError, OrderStatus, RefundView, ShipmentView } from '../messages/views';

const MAX_TIMELINE = 200;
const MAX_SEEN_EVENTS = 100;

export function nowIso(now: number): string {
  return new Date(now).toISOString();
}

export function note(order: OrderData, now: number, step: string, detail?: string): void {
  order.timeline.push(detail === undefined ? { at: nowIso(now), step } : { at: nowIso(now), step, detail });
  // Keep how the order began and the latest entries.
  if (order.timeline.length > MAX_TIMELINE) order.timeline.splice(10, 1);
}

export function recordError(order: OrderData, now: number, error: OrderError): void {
  order.lastError = error;
  note(order, now, `error in ${error.step}`, error.message);
}

export function setStatus(order: OrderData, now: number, status: OrderStatus, detail?: string): void {
  if (order.status === status) return;
  order.status = status;
  order.searchVersion++;
  note(order, now, `status ${status}`, detail);
}

export function addAlert(order: OrderData, alert: OrderAlert): void {
  if (order.alerts.includes(alert)) return;
  order.alerts.push(alert);
  order.alerts.sort();
  order.searchVersion++;
}

export function clearAlert(order: OrderData, alert: OrderAlert): void {
  const i = order.alerts.indexOf(alert);
  if (i < 0) return;
  order.alerts.splice(i, 1);
  order.searchVersion++;
}

export function setAlert(order: OrderData, alert: OrderAlert, on: boolean): void {
  if (on) addAlert(order, alert);
  else clearAlert(order, alert);
}

/** Asks for a fresh read of the payment; an earlier, still pending request keeps its time. */
export function requestReconcile(order: OrderData, now: number): void {
  order.reconcile ??= { at: now, failures: 0 };
}

/** Records a webhook; false for one already seen (Vipps delivers at least once). */
export function firstSighting(order: OrderData, key: string): boolean {
  if (order.seenEvents.includes(key)) return false;
  order.seenEvents.push(key);
  if (order.seenEvents.length > MAX_SEEN_EVENTS) order.seenEvents.shift();
  return true;
}

// ---- amounts ----------------------------------------------------------------------------------

/** What may still be captured: authorized − captured − cancelled. */
export function capturable(order: OrderData): number {
  const a = order.payment.aggregate;
  // Less what an operator recorded as lapsed after a release Vipps refused for good.
  return Math.max(0, a.authorized - a.captured - a.cancelled - (order.acknowledged?.lapsed ?? 0));
}

export function op(order: OrderData, id: string): MoneyOp {
  const found = order.ops.find((o) => o.id === id);
  if (!found) throw new Error(`no money operation ${id}`);
  return found;
}

export function openOps(order: OrderData): MoneyOp[] {
  return order.ops.filter(isOpen);
}

function sumOf(ops: MoneyOp[]): number {
  return ops.reduce((s, o) => s + (o.amount?.value ?? 0), 0);
}

/** Captured (or refunded) by our operations: confirmed, and confirmed plus still open. */
export function ourTotals(order: OrderData, kind: 'capture' | 'refund'): { done: number; open: number } {
  const ofKind = order.ops.filter((o) => o.kind === kind);
  return { done: sumOf(ofKind.filter((o) => o.status === 'DONE')), open: sumOf(ofKind.filter(isOpen)) };
}

/** Refundable now: captured − refunded − refunds still open. */
export function refundable(order: OrderData): number {
  return Math.max(0, order.payment.aggregate.captured - order.payment.aggregate.refunded - ourTotals(order, 'refund').open);
}

/**
 * Takes a payment's amounts. A fresh read replaces them; an answer to a modification may be a
 * replay of an older answer (same key again), so it can only raise them (Vipps' totals never fall).
 */
export function applyAggregate(order: OrderData, next: Aggregate, fresh: boolean): void {
  const cur = order.payment.aggregate;
  order.payment.aggregate = fresh
    ? { ...next }
    : {
        authorized: Math.max(cur.authorized, next.authorized),
        captured: Math.max(cur.captured, next.captured),
        cancelled: Math.max(cur.cancelled, next.cancelled),
        refunded: Math.max(cur.refunded, next.refunded),
      };
  checkCapturedAmount(order);
}

/** Vipps' captured total must lie between what we confirmed and what we confirmed plus what is open. */
function checkCapturedAmount(order: OrderData): void {
  if (!order.payment.authorizedAt) return;
  setAlert(order, 'OVER_CAPTURED', unexplainedCapture(order).extra > 0);
  setAlert(order, 'CAPTURE_MISMATCH', unexplainedCapture(order).missing > 0);
}

/**
 * Vipps' captured total beyond our captures (done and open), and short of those confirmed, less
 * what operators acknowledged: what OVER_CAPTURED and CAPTURE_MISMATCH are about.
 */
export function unexplainedCapture(order: OrderData): { extra: number; missing: number } {
  const { done, open } = ourTotals(order, 'capture');
  const captured = order.payment.aggregate.captured;
  const ack = order.acknowledged;
  return { extra: Math.max(0, captured - done - open - (ack?.extraCaptured ?? 0)), missing: Math.max(0, done - captured - (ack?.missingCaptured ?? 0)) };
}

// ---- shipments and refunds through their operations -------------------------------------------

export function shipment(order: OrderData, id: string): ShipmentRecord | undefined {
  return order.shipments.find((s) => s.shipmentId === id);
}

export function refundRecord(order: OrderData, id: string): RefundRecord | undefined {
  return order.refunds.find((r) => r.refundId === id);
}

export function shipmentStatus(order: OrderData, s: ShipmentRecord): ShipmentView['status'] {
  const o = op(order, s.opId);
  if (o.status === 'DONE') return 'CAPTURED';
  if (s.released) return 'NOT_CAPTURED';
  if (o.status === 'REFUSED') return 'CAPTURE_FAILED';
  if (o.status === 'UNKNOWN' && o.escalated) return 'CAPTURE_UNKNOWN';
  return 'CAPTURING';
}

export function refundStatus(order: OrderData, r: RefundRecord): RefundView['status'] {
  const o = op(order, r.opId);
  if (o.status === 'DONE') return 'REFUNDED';
  if (o.status === 'REFUSED') return 'REFUND_FAILED';
  if (o.status === 'UNKNOWN' && o.escalated) return 'REFUND_UNKNOWN';
  return 'REFUNDING';
}

export function openLines(order: OrderData) {
  return order.lines.filter((l) => l.state === 'OPEN');
}

/** A release or void is queued, running or unresolved: no new shipment may be accepted. */
export function releasing(order: OrderData): boolean {
  return order.cancel?.status === 'REQUESTED' || order.ops.some((o) => (o.kind === 'release' || o.kind === 'void') && isOpen(o));
}

export function describeAmount(order: OrderData, value: number): string {
  return formatMoney({ value, currency: order.input.amount.currency });
}
