/**
 * The replay check of the production-shape tests (the process cluster's failover test and the
 * compose test): every order's history, fetched from the server, replayed on the given workflow
 * code. Histories hold encrypted payloads, so the options carry the data converter that decrypts them.
 */
import type { Client } from '@temporalio/client';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

export async function replayEvery(client: Client, workflowIds: readonly string[], options: ReplayWorkerOptions): Promise<{ replayed: number; errors: string[] }> {
  const histories = await Promise.all(workflowIds.map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })));
  const errors: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(options, histories)) {
    replayed++;
    if (result.error) errors.push(`${result.workflowId}: ${result.error.message}`);
  }
  return { replayed, errors };
}
