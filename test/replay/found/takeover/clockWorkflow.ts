/** The reduced shape of pending-timer-task-timed-out.json (see ../README.md): an Update waiting for an activity, a timer, and a decision on the clock when it fires. */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { activities } from './activities';

const { create, early, late } = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });

export const placeUpdate = defineUpdate<string>('place');
export const startedQuery = defineQuery<number>('started');
export async function clockWorkflow(thresholdMs: number): Promise<{ elapsedMs: number; chose: string }> {
  let created = false;
  setHandler(placeUpdate, async () => {
    await condition(() => created);
    return 'placed';
  });
  await create();
  created = true;
  const started = Date.now();
  setHandler(startedQuery, () => started);
  await sleep(1_000);
  const elapsedMs = Date.now() - started;
  const chose = elapsedMs > thresholdMs ? await late() : await early();
  return { elapsedMs, chose };
}
