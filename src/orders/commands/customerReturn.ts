import { customerReturnedUpdate, type OrderView } from '../../workflows/messages';
import { FINAL_STATUSES, isIn } from '../../workflows/messages/statusGroups';
import type { OrderAccess } from './orderAccess';
import { TIMED_OUT, withTimeout } from '../waiting';

/** How long the return page watches for the webhook's authorization before it wakes the order itself. */
const RETURN_WATCH_MS = 1_500;

/**
 * The customer is back from Vipps. While the payment is pending this asks the order to look at
 * the payment once and waits up to `waitMs` for that look; otherwise nothing is sent.
 * Returns undefined when no such order exists.
 */
export async function customerReturned(order: OrderAccess, orderId: string, waitMs: number): Promise<OrderView | undefined> {
  const { reads } = order;
  let glance = await reads.glance(orderId);
  if (!glance) return undefined;
  if (!glance.running) return order.getOrder(orderId);
  // The webhook usually lands within a moment of the customer: watch the order's description
  // (free) for a little while before waking the order (a billed Update).
  const watchUntil = Date.now() + Math.min(RETURN_WATCH_MS, waitMs);
  while (glance.status === 'PENDING_PAYMENT' && Date.now() < watchUntil) {
    await new Promise((r) => setTimeout(r, 150));
    glance = (await reads.glance(orderId)) ?? glance;
  }
  if (isIn(FINAL_STATUSES, glance.status)) {
    // Settled (paid and captured, cancelled, or not paid): the workflow closes within moments and
    // its result says why; waiting for the result is free, unlike a Query.
    const settled = await withTimeout(reads.settledView(orderId), waitMs).catch((): typeof TIMED_OUT => TIMED_OUT);
    return settled === TIMED_OUT ? reads.summaryView(glance) : settled;
  }
  if (glance.status !== 'PENDING_PAYMENT') return reads.summaryView(glance);
  try {
    const update = await order.handle(orderId).startUpdate(customerReturnedUpdate, { args: [], waitForStage: 'ACCEPTED' });
    const view = await withTimeout(update.result(), Math.max(0, watchUntil + waitMs - Date.now()));
    if (view !== TIMED_OUT) return view;
    return reads.summaryView((await reads.glance(orderId)) ?? glance);
  } catch (err) {
    throw await order.mapError(err, orderId);
  }
}
