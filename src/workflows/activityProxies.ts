import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { OrderActivities } from './activityContract';
import type { OrderPolicy } from './requests';

/**
 * Transient failures (5xx, 429, network, timeouts) are retried with backoff; an activity may
 * shorten or lengthen the next delay to honour Retry-After. Every retry repeats the same
 * Idempotency-Key, so a retry can never move money twice. Definite refusals come back as values.
 */
const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' };

export interface WorkflowActivities {
  /** Reading a payment: a failed read is simply tried again at the next look, so give up soon. */
  read: ActivityInterfaceFor<OrderActivities>;
  /** Creating the payment: the customer is waiting for the landing page. */
  create: ActivityInterfaceFor<OrderActivities>;
  /**
   * Capture, cancel and refund: quick retries with the same key for `callRetryWindowMs`; if Vipps
   * still has not answered, the outcome is unknown and the workflow resolves it (event log, then
   * the same key again, slower and slower) rather than holding one activity open for hours.
   */
  money: ActivityInterfaceFor<OrderActivities>;
  receipt: ActivityInterfaceFor<OrderActivities>;
}

export function activityProxies(policy: Pick<OrderPolicy, 'callRetryWindowMs'>): WorkflowActivities {
  const window = policy.callRetryWindowMs;
  const options = (scheduleToCloseTimeout: number): ActivityOptions => ({ startToCloseTimeout: '20s', scheduleToCloseTimeout, retry });
  return {
    read: proxyActivities<OrderActivities>(options(Math.min(window, 60_000))),
    // A crashed worker must not fail a customer's payment: a minute at least, whatever the money window.
    create: proxyActivities<OrderActivities>(options(Math.max(window, 60_000))),
    money: proxyActivities<OrderActivities>(options(window)),
    receipt: proxyActivities<OrderActivities>(options(Math.max(window, 30 * 60_000))),
  };
}
