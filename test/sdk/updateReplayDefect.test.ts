/**
 * A Temporal SDK defect (sdk-core in @temporalio/worker 1.24.0), reproduced minimally: in one
 * workflow task a worker completes Update A (whose handler waited for an activity) and then accepts
 * Update B, which arrived in that same task. The server stores that order; on replay, sdk-core
 * delivers B's request together with A's activity result, the SDK accepts B first, and replay
 * fails: "UpdateMachine in state AcceptCommandCreated says the transition is invalid".
 *
 * A TypeScript worker wrote exactly this shape in our chaos run, after a worker was killed
 * (test/replay/shared/ship-refund-after-worker-kill.bin, events 63–65). Workflow code cannot choose
 * the order (the SDK accepts an Update as soon as its validator passes), so what protects orders is
 * elsewhere: see docs/workflow.md ("A Temporal SDK defect"). When a new SDK fixes this, the first
 * test fails: then delete it and say so in the changelog.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { sdkTestSetup } from './sdkTestSetup';
import { RawWorker } from './rawWorker';

const sdk = sdkTestSetup(require.resolve('./updateReplayWorkflow'));
const EventType = temporal.api.enums.v1.EventType;

/** Writes the history up to the task that carries A's activity result and B's request, answered in `order`. */
async function history(order: 'complete A, accept B' | 'accept B, B schedules, complete A'): Promise<temporal.api.history.v1.IHistory> {
  const client = sdk.server.env.client;
  const raw = new RawWorker(client, `defect-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const handle = await client.workflow.start('updateReplayWorkflow', { taskQueue: raw.taskQueue, workflowId: raw.taskQueue });
  await raw.completeWorkflowTask(await raw.pollWorkflowTask(), []);
  const a = handle.startUpdate('doWork', { args: ['A'], updateId: 'A', waitForStage: 'ACCEPTED' });
  const t2 = await raw.pollWorkflowTask();
  const requestA = RawWorker.request(t2, 'A');
  await raw.completeWorkflowTask(t2, [RawWorker.accept(requestA), raw.scheduleActivity('1', 'A')]);
  await a;
  await raw.completeActivity('A');
  const b = handle.startUpdate('doWork', { args: ['B'], updateId: 'B', waitForStage: 'ACCEPTED' });
  await new Promise((r) => setTimeout(r, 500)); // B's request must reach the server before the next poll
  const t3 = await raw.pollWorkflowTask();
  const acceptB = RawWorker.accept(RawWorker.request(t3, 'B'));
  const completeA = RawWorker.complete(requestA, 'A', 'A');
  await raw.completeWorkflowTask(t3, order === 'complete A, accept B' ? [completeA, acceptB, raw.scheduleActivity('2', 'B')] : [acceptB, raw.scheduleActivity('2', 'B'), completeA]);
  await b;
  const h = await handle.fetchHistory();
  await handle.terminate();
  return h;
}

async function replayError(h: temporal.api.history.v1.IHistory): Promise<string | undefined> {
  try {
    await Worker.runReplayHistory({ workflowBundle: sdk.bundle }, h);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

test('the SDK cannot replay a task that completes one Update and then accepts another (known defect, SDK 1.24.0)', async () => {
  const h = await history('complete A, accept B');
  const types = h.events!.map((e) => e.eventType);
  const completed = types.indexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  expect(types[completed + 1]).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  expect(await replayError(h)).toContain('UpdateMachine in state AcceptCommandCreated says the transition is invalid');
});

test('the same task in the order the SDK itself emits when both arrive together replays', async () => {
  expect(await replayError(await history('accept B, B schedules, complete A'))).toBeUndefined();
});

test('the shared history from the chaos run has that shape: an Update completed, then another accepted, in one task after a worker kill', () => {
  const h = temporal.api.history.v1.History.decode(readFileSync(join(__dirname, '..', 'replay', 'shared', 'ship-refund-after-worker-kill.bin')));
  const events = h.events;
  const at = (id: number) => events.find((e) => Number(e.eventId) === id)!;
  expect(at(60).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
  expect(at(63).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  expect(at(64).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  expect(at(64).workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId).toBe('refund:refund-1');
  expect(at(65).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  expect(at(65).workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId).toBe('refund:refund-2');
});
