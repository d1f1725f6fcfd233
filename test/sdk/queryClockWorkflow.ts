/**
 * Two versions of one small order-like workflow for queryClockDefect.test.ts: an Update waits for
 * a first activity, a timer runs, and when it fires the workflow picks an activity by how much time
 * has passed. One reads the time with Date.now(), the other with the order workflow's DecisionClock.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { Alarm } from '../../src/workflows/runtime/alarm';
import { DecisionClock } from '../../src/workflows/runtime/decisionClock';
import type { queryClockActivities } from './queryClockActivities';

const { create, early, late } = proxyActivities<typeof queryClockActivities>({ startToCloseTimeout: '1m' });

export const placeUpdate = defineUpdate<string>('place');
export const elapsedQuery = defineQuery<number | undefined>('elapsed');

export interface Decision {
  elapsedMs: number;
  chose: string;
}

/** `now` reads the time; `sleep` waits on a timer and leaves the clock where the workflow's rules put it. */
async function lifecycle(thresholdMs: number, now: () => number, sleepMs: (ms: number) => Promise<void>): Promise<Decision> {
  let created = false;
  const seen: { elapsedMs?: number } = {};
  setHandler(placeUpdate, async () => {
    await condition(() => created);
    return 'placed';
  });
  setHandler(elapsedQuery, () => seen.elapsedMs);
  await create();
  created = true;
  const started = now();
  await sleepMs(1_000);
  const elapsedMs = now() - started;
  seen.elapsedMs = elapsedMs;
  const chose = elapsedMs > thresholdMs ? await late() : await early();
  return { elapsedMs, chose };
}

export function wallClockWorkflow(thresholdMs: number): Promise<Decision> {
  return lifecycle(thresholdMs, () => Date.now(), (ms) => sleep(ms));
}

export function decisionClockWorkflow(thresholdMs: number): Promise<Decision> {
  const clock = new DecisionClock(workflowInfo().runStartTime.getTime());
  const alarm = new Alarm(clock);
  return lifecycle(
    thresholdMs,
    () => clock.now(),
    async (ms) => {
      alarm.set(clock.now() + ms, 'wait');
      await condition(() => alarm.ringing);
    },
  );
}
