/**
 * The order as a merchant reads it: words instead of codes, money formatted, the next possible
 * actions. Pure functions of the order view (or of a visibility row), so they are easy to test.
 */
import type { OrderSummary } from '../../orders/orderClient';
import type { OrderAlert, OrderView, RefundView, ShipmentView } from '../../workflows/messages';
import { amount as money } from './merchantFormat';

export const STATUS_WORDS: Record<string, string> = {
  PENDING_PAYMENT: 'Waiting for payment',
  AWAITING_SHIPMENT: 'Paid, ready to ship',
  PARTIALLY_SHIPPED: 'Partly shipped',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  PAYMENT_FAILED: 'Not paid',
  NEEDS_ATTENTION: 'Needs attention',
  UNKNOWN: 'Unknown',
};

export const ALERT_WORDS: Record<OrderAlert, string> = {
  CAPTURE_FAILED: 'Vipps refused a capture after shipment: retry the capture once the cause is fixed, or cancel to release the money.',
  OUTCOME_UNKNOWN: 'A capture, refund or release has no answer from Vipps yet; it is being resolved with the same key.',
  OVER_CAPTURED: 'Vipps shows more captured than this order asked for.',
  CAPTURE_MISMATCH: 'Vipps shows less captured than the captures it confirmed.',
  CAPTURE_DEADLINE_NEAR: 'The reservation expires soon: ship (capture) or cancel before the capture deadline.',
  CAPTURE_DEADLINE_PASSED: 'The capture deadline has passed.',
  RECEIPT_FAILED: 'The receipt could not be attached in Vipps (the payment itself is fine).',
  REFUND_FAILED: 'Vipps refused the last refund.',
  RELEASE_FAILED: 'Vipps refused to release the rest of the reservation.',
  PAYMENT_UNRESOLVED: 'The payment’s fate is unknown after it expired: Vipps did not answer.',
  EXTERNAL_CHANGE: 'Money moved outside this order (e.g. in the Vipps business portal).',
};

/** An alert in a few words, for lists and the timeline (ALERT_WORDS says what to do about it). */
export const ALERT_LABELS: Record<OrderAlert, string> = {
  CAPTURE_FAILED: 'Capture refused',
  OUTCOME_UNKNOWN: 'Outcome unknown',
  OVER_CAPTURED: 'Over-captured',
  CAPTURE_MISMATCH: 'Capture shortfall',
  CAPTURE_DEADLINE_NEAR: 'Capture deadline near',
  CAPTURE_DEADLINE_PASSED: 'Capture deadline passed',
  RECEIPT_FAILED: 'Receipt not attached',
  REFUND_FAILED: 'Refund refused',
  RELEASE_FAILED: 'Release refused',
  PAYMENT_UNRESOLVED: 'Payment unresolved',
  EXTERNAL_CHANGE: 'Changed outside this order',
};

export const SHIPMENT_WORDS: Record<ShipmentView['status'], string> = {
  CAPTURING: 'Capturing',
  CAPTURED: 'Captured',
  CAPTURE_FAILED: 'Capture refused',
  CAPTURE_UNKNOWN: 'Capture outcome unknown',
  NOT_CAPTURED: 'Not captured (released)',
};

export const REFUND_WORDS: Record<RefundView['status'], string> = {
  REFUNDING: 'Refunding',
  REFUNDED: 'Refunded',
  REFUND_FAILED: 'Refused',
  REFUND_UNKNOWN: 'Outcome unknown',
};

export const STATUS_CLASS: Record<string, string> = { COMPLETED: 'ok', AWAITING_SHIPMENT: 'wait', PARTIALLY_SHIPPED: 'wait', PENDING_PAYMENT: 'wait', NEEDS_ATTENTION: 'bad', PAYMENT_FAILED: 'bad' };

/** The payment in one phrase (Vipps keeps the state AUTHORIZED after captures; the amounts tell). */
export function paymentWords(view: OrderView): string {
  const { state, aggregate } = view.payment;
  const c = view.amount.currency;
  if (state === 'ABORTED') return 'stopped by the customer';
  if (state === 'EXPIRED') return 'expired before the customer approved it';
  if (state === 'TERMINATED') return 'cancelled before it was approved';
  if (!state) return view.status === 'PAYMENT_FAILED' ? 'could not be created' : 'being created';
  if (state === 'CREATED') return 'waiting for the customer in Vipps MobilePay';
  const parts: string[] = [];
  if (aggregate.captured === 0 && aggregate.cancelled === 0) parts.push(`${money(aggregate.authorized, c)} reserved`);
  else if (aggregate.captured >= aggregate.authorized) parts.push(`captured in full (${money(aggregate.captured, c)})`);
  else parts.push(`${money(aggregate.captured, c)} of ${money(aggregate.authorized, c)} captured`);
  if (aggregate.cancelled > 0) parts.push(`${money(aggregate.cancelled, c)} released`);
  if (aggregate.refunded > 0) parts.push(`${money(aggregate.refunded, c)} refunded`);
  return parts.join(', ');
}

export interface MerchantActions {
  ship: boolean;
  cancel: boolean;
  retryCapture: boolean;
  /** What can still be refunded, in minor units (0: none). */
  refundable: number;
}

const OPEN_FOR_COMMANDS = new Set(['PENDING_PAYMENT', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION']);

export function actionsFor(view: OrderView): MerchantActions {
  const open = OPEN_FOR_COMMANDS.has(view.status) && !view.settled;
  const authorized = view.payment.aggregate.authorized > 0;
  return {
    ship: open && authorized && view.orderLines.some((l) => l.state === 'OPEN'),
    cancel: open && view.cancel?.status !== 'REQUESTED',
    retryCapture: view.alerts.includes('CAPTURE_FAILED') || view.alerts.includes('OUTCOME_UNKNOWN'),
    refundable: Math.max(0, view.payment.aggregate.captured - view.payment.aggregate.refunded),
  };
}

/** A list row's actions, from its search attributes alone (no Query per row). */
export function listActionsFor(row: OrderSummary): Pick<MerchantActions, 'ship' | 'cancel'> {
  return {
    ship: !row.closed && (row.status === 'AWAITING_SHIPMENT' || row.status === 'PARTIALLY_SHIPPED'),
    cancel: !row.closed && OPEN_FOR_COMMANDS.has(row.status),
  };
}
