/**
 * The smallest workflow that shows the Temporal SDK replay defect behind
 * ../shared/histories/ship-refund-after-worker-kill.bin: an Update whose handler waits for an
 * activity, and a second Update accepted in the workflow task that completes the first.
 */
import { defineUpdate, proxyActivities, setHandler, condition } from '@temporalio/workflow';

const { work } = proxyActivities<{ work(name: string): Promise<string> }>({ startToCloseTimeout: '1m' });

export const doWork = defineUpdate<string, [string]>('doWork');

export async function updateReplayWorkflow(): Promise<void> {
  setHandler(doWork, async (name) => work(name));
  await condition(() => false);
}
