import { WorkflowNotFoundError } from '@temporalio/client';
import { looksLikeOurKey } from '@vipps-orders/vipps/keys';
import { paymentEventSignal, type PaymentEventSignal } from '../../workflows/messages';
import { PAST_AUTHORIZATION_STATUSES, isIn } from '../../workflows/messages/statusGroups';
import type { OrderAccess } from './orderAccess';

/** Activities whose result a webhook with our key can prove before they answer. */
const MONEY_ACTIVITIES: ReadonlySet<string> = new Set(['capturePayment', 'cancelPayment', 'refundPayment', 'getPaymentEvents']);
const SIGNAL_DEADLINE_MS = 5_000;

/**
 * Wakes the order for a Vipps webhook; 'unknown-order' when no such order runs (or it is settled).
 * An event carrying one of our own keys is usually known already: it is passed on only while an
 * outcome is unresolved or a money call of the order is in flight (its answer may be slow or
 * lost, and the webhook is the fastest proof), so a normal capture's webhook costs no billed
 * Signal. Bounded in time: when Temporal is down the receiver must answer (503) before Vipps'
 * 10-second timeout.
 */
export async function notifyPaymentEvent(
  order: OrderAccess,
  reference: string,
  event: PaymentEventSignal,
  now: () => number | Promise<number>,
): Promise<'signalled' | 'not-needed' | 'unknown-order'> {
  try {
    return await order.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, async () => {
      if (event.name === 'CREATED') return 'not-needed';
      const glance = await order.reads.glance(reference);
      const ours = looksLikeOurKey(reference, event.idempotencyKey);
      // A settled order's own keys are its refunds after settlement: each refund workflow proves its outcome itself.
      if (glance && !glance.running && ours) return 'not-needed';
      if (!glance?.running) return 'unknown-order';
      if (ours && !glance.alerts.includes('OUTCOME_UNKNOWN') && !(await moneyCallInFlight(order, reference))) return 'not-needed';
      if (event.name === 'AUTHORIZED' && isIn(PAST_AUTHORIZATION_STATUSES, glance.status)) return 'not-needed';
      // The receipt time moves the order's clock (src/workflows/runtime/decisionClock.ts).
      const receivedAt = await now();
      await order.handle(reference).signal(paymentEventSignal, { ...event, receivedAt });
      return 'signalled';
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'unknown-order';
    throw await order.mapError(err, reference);
  }
}

/**
 * Whether the order has a money call (or the event-log look after one) running now, from the
 * workflow's description: its pending activities. No Query, so no worker is asked and nothing is billed.
 */
async function moneyCallInFlight(order: OrderAccess, orderId: string): Promise<boolean> {
  const d = await order.handle(orderId).describe();
  return (d.raw.pendingActivities ?? []).some((a) => MONEY_ACTIVITIES.has(a.activityType?.name ?? ''));
}
