import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { OrderActivities } from './activityContract';

/**
 * Vipps refusals (4xx) arrive as non-retryable ApplicationFailures; 5xx, 429 and network errors are
 * retried with backoff (an activity may shorten or lengthen the next delay to honour Retry-After).
 * Every retry repeats the same Idempotency-Key, so a retry can never move money twice.
 */
const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' };

/** Creating and reading payments: the customer is waiting, so give up after minutes, not hours. */
export const paymentActivities = proxyActivities<OrderActivities>({
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '5m',
  retry,
});

/** Capture, cancel and refund: keep trying through a Vipps outage for an hour, then tell an operator. */
export const moneyActivities = proxyActivities<OrderActivities>({
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '1h',
  retry,
});

export const receiptActivities = proxyActivities<OrderActivities>({
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '30m',
  retry,
});
