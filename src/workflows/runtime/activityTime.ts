import { ActivityFailure, ApplicationFailure, TimeoutFailure, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { FinishTime } from '../messages/activityContract';
import type { DecisionClock } from './decisionClock';

export interface ActivityTimeouts {
  startToCloseMs: number;
  scheduleToCloseMs: number;
}

/**
 * Makes every call of the activities move the decision clock when its outcome arrives: to the
 * finish time the activity reports in its result or failure (src/activities/finishTime.ts), and
 * after a timeout to at least the time the timeout fired (the clock when the call was scheduled,
 * which is never ahead of the server, plus the timeout). Both come from the history, so a replay,
 * or a task the SDK runs early for a Query (decisionClock.ts), sees the same time.
 */
export function followActivities<T>(acts: ActivityInterfaceFor<T>, clock: DecisionClock, timeouts: ActivityTimeouts): ActivityInterfaceFor<T> {
  async function follow<R>(call: () => Promise<R>): Promise<R> {
    const scheduledBy = clock.now();
    try {
      const result = await call();
      clock.reach(finishTimeOf(result) ?? scheduledBy);
      return result;
    } catch (err) {
      clock.reach(failureTime(err, scheduledBy, timeouts) ?? scheduledBy);
      throw err;
    }
  }
  return new Proxy(acts, {
    get(target, name) {
      const fn = (target as Record<string | symbol, ((...args: unknown[]) => Promise<unknown>) & { executeWithOptions(o: unknown, a: unknown[]): Promise<unknown> }>)[name]!;
      const followed = (...args: unknown[]) => follow(() => fn(...args));
      followed.executeWithOptions = (options: unknown, args: unknown[]) => follow(() => fn.executeWithOptions(options, args));
      return followed;
    },
  });
}

function finishTimeOf(value: unknown): number | undefined {
  const at = (value as FinishTime | undefined)?.finishedAt;
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

/** The latest time the failure proves has come; undefined when it proves nothing (e.g. a cancellation). */
export function failureTime(err: unknown, scheduledBy: number, timeouts: ActivityTimeouts): number | undefined {
  const times: number[] = [];
  let cause: unknown = err instanceof ActivityFailure ? err.cause : err;
  // A timeout may carry the last attempt's failure as its cause: both tell the time.
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    if (cause instanceof ApplicationFailure) {
      const at = finishTimeOf(cause.details?.[0]);
      if (at !== undefined) times.push(at);
    } else if (cause instanceof TimeoutFailure) {
      if (cause.timeoutType === 'START_TO_CLOSE') times.push(scheduledBy + timeouts.startToCloseMs);
      if (cause.timeoutType === 'SCHEDULE_TO_CLOSE') times.push(scheduledBy + timeouts.scheduleToCloseMs);
    }
    cause = cause.cause;
  }
  return times.length ? Math.max(...times) : undefined;
}
