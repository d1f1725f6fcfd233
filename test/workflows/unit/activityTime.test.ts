import { ActivityFailure, ApplicationFailure, CancelledFailure, TimeoutFailure } from '@temporalio/common';
import { withFinishTime } from '../../../src/activities/finishTime';
import { toActivityFailure } from '../../../src/activities/vippsFailures';
import { VippsApiError } from '@vipps-orders/vipps';
import type { OrderActivities } from '../../../src/workflows/messages/activityContract';
import { failureTime } from '../../../src/workflows/runtime/activityTime';

const timeouts = { startToCloseMs: 20_000, scheduleToCloseMs: 60_000 };
const failed = (cause: Error) => new ActivityFailure('activity failed', 'getPayment', '1', 'TIMEOUT', 'worker', cause);

test('a failure tells the clock the finish time its activity reported', () => {
  const cause = ApplicationFailure.create({ message: 'fake outage', type: 'VippsTransientError', details: [{ retryable: true, kind: 'http', finishedAt: 5_000 }] });
  expect(failureTime(failed(cause), 1_000, timeouts)).toBe(5_000);
});

test('a timeout tells the clock at least the schedule time plus the timeout that fired', () => {
  expect(failureTime(failed(new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE')), 1_000, timeouts)).toBe(21_000);
  expect(failureTime(failed(new TimeoutFailure('timed out', undefined, 'SCHEDULE_TO_CLOSE')), 1_000, timeouts)).toBe(61_000);
});

test('a cancellation or a failure without a time tells the clock nothing', () => {
  expect(failureTime(new CancelledFailure('cancelled'), 1_000, timeouts)).toBeUndefined();
  expect(failureTime(failed(ApplicationFailure.create({ message: 'no time' })), 1_000, timeouts)).toBeUndefined();
});

describe('activities stamped with their finish time', () => {
  const fakeActs = (impl: Partial<OrderActivities>) => withFinishTime(impl as OrderActivities, () => 42);

  test('a result carries the finish time', async () => {
    const acts = fakeActs({ getPayment: () => Promise.resolve({ found: false }) });
    await expect(acts.getPayment('ref')).resolves.toEqual({ found: false, finishedAt: 42 });
  });

  test('a Vipps failure keeps its type, retryability, Retry-After delay and details, and gains the finish time', async () => {
    const vipps = toActivityFailure(new VippsApiError({ kind: 'http', operation: 'getPayment', status: 503, title: 'down', retryAfterMs: 2_000 })) as ApplicationFailure;
    const acts = fakeActs({ getPayment: () => Promise.reject(vipps) });
    const err = (await acts.getPayment('ref').catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect({ type: err.type, nonRetryable: err.nonRetryable }).toEqual({ type: 'VippsTransientError', nonRetryable: false });
    expect(err.nextRetryDelay).toBe(2_000);
    expect(err.details).toEqual([{ retryable: true, kind: 'http', status: 503, finishedAt: 42 }]);
  });

  test('a plain error becomes a retryable failure of the same name with the finish time', async () => {
    const acts = fakeActs({ getPayment: () => Promise.reject(new TypeError('boom')) });
    const err = (await acts.getPayment('ref').catch((e: unknown) => e)) as ApplicationFailure;
    expect({ type: err.type, nonRetryable: err.nonRetryable, details: err.details }).toEqual({ type: 'TypeError', nonRetryable: false, details: [{ finishedAt: 42 }] });
  });
});
