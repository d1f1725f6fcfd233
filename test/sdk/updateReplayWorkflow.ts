/**
 * The smallest workflow that shows the SDK replay defect behind
 * ../shared/histories/ship-refund-after-worker-kill.bin: an Update handler that waits for an
 * activity, and a second Update that arrives while the workflow task handling that activity's
 * result is still running.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

const { work } = proxyActivities<{ work(name: string): Promise<string> }>({ startToCloseTimeout: '1m' });

export const doWork = defineUpdate<string, [string, number]>('doWork');
export const finish = defineUpdate<void>('finish');

/** Burns CPU inside the workflow task, standing in for a slow or overloaded worker. */
function busy(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

export async function updateReplayWorkflow(): Promise<void> {
  let done = false;
  setHandler(doWork, async (name, spin) => {
    const result = await work(name);
    busy(spin);
    return result;
  });
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
}
