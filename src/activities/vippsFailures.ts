import { ApplicationFailure } from '@temporalio/activity';
import { VippsApiError } from '@vipps-orders/vipps';
import type { VippsFailureDetails } from '../workflows/messages/activityContract';

/** Longest wait we accept from a Retry-After header before Temporal's own backoff takes over again. */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * Turns a Vipps client error into the failure Temporal acts on: refusals (4xx) are final and carry
 * the status and ErrorCode; transient errors (5xx, 423, 429, 6160/6250/6280, network, timeout)
 * are retried, after the Retry-After delay when Vipps sent one.
 */
export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof VippsApiError)) return err;
  const details: VippsFailureDetails = { retryable: err.retryable, kind: err.kind };
  if (err.status !== undefined) details.status = err.status;
  if (err.errorCode !== undefined) details.errorCode = err.errorCode;
  if (err.retryable) {
    return ApplicationFailure.create({
      message: err.message,
      type: 'VippsTransientError',
      details: [details],
      nonRetryable: false,
      ...(err.retryAfterMs !== undefined && { nextRetryDelay: Math.min(err.retryAfterMs, MAX_RETRY_AFTER_MS) }),
    });
  }
  // A 2xx whose body does not parse: the call may have worked. Not retried here; callers of
  // money operations resolve it by proof (the payment's event log, then the same key again).
  if (err.kind === 'invalid-response') return ApplicationFailure.create({ message: err.message, type: 'VippsUnparsableAnswer', details: [details], nonRetryable: true });
  return ApplicationFailure.create({ message: err.message, type: 'VippsRejectedError', details: [details], nonRetryable: true });
}
