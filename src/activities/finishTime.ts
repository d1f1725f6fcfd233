import { ApplicationFailure } from '@temporalio/activity';
import { TemporalFailure } from '@temporalio/common';
import type { FinishTime, OrderActivities } from '../workflows/messages/activityContract';

/**
 * Stamps every result, and every failure, of the activities with the time they finished. The
 * workflow cannot read a trustworthy wall clock of its own (src/workflows/runtime/decisionClock.ts); this
 * time travels in the history with the result, so the order's clock keeps up with the wall clock
 * across calls that take long, the same on every replay.
 *
 * `now` is the activity worker's clock; tests on the time-skipping server pass the server's time.
 */
export function withFinishTime(activities: OrderActivities, now: () => number | Promise<number> = Date.now): OrderActivities {
  const stamped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as [string, (...args: unknown[]) => Promise<object>][]) {
    stamped[name] = async (...args: unknown[]) => {
      let result: object;
      try {
        result = await fn(...args);
      } catch (err) {
        throw stampFailure(err, await now());
      }
      return { ...result, finishedAt: await now() } satisfies FinishTime;
    };
  }
  return stamped as unknown as OrderActivities;
}

/** The same failure (type, retryability, Retry-After delay, cause) with `finishedAt` in its first detail. */
function stampFailure(err: unknown, finishedAt: number): Error {
  if (err instanceof ApplicationFailure) {
    const [first, ...rest] = err.details ?? [];
    const detail = typeof first === 'object' && first !== null ? { ...first, finishedAt } : { finishedAt };
    return ApplicationFailure.create({
      message: err.message,
      ...(err.type != null && { type: err.type }),
      nonRetryable: err.nonRetryable ?? false,
      details: [detail, ...rest],
      // Retry-After delays are set in milliseconds (vippsFailures.ts).
      ...(typeof err.nextRetryDelay === 'number' && { nextRetryDelay: err.nextRetryDelay }),
      ...(err.cause && { cause: err.cause }),
      ...(err.category != null && { category: err.category }),
    });
  }
  // Cancellation and other Temporal failures keep their meaning.
  if (err instanceof TemporalFailure) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  return ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: false, details: [{ finishedAt }], cause: error });
}
