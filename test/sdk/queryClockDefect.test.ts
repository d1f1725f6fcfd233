/**
 * A Temporal SDK defect (sdk-core in @temporalio/worker 1.24.0), found by the model test and
 * reproduced here step by step, and the workflow clock that makes our orders immune to it.
 *
 * 1. Worker A holds the workflow (sticky). It freezes with its polls open, as a dying process does.
 * 2. A Query arrives while no task is pending, so the server sends it straight to A's sticky queue,
 *    where A's open poll takes it and never answers.
 * 3. The timer fires; A's other open poll takes that workflow task (started at T1) and never answers.
 *    A is killed.
 * 4. After the sticky timeout (2 s) the server gives the Query to worker B, with the history as it
 *    is then: it ends in A's task, started but not completed. sdk-core runs that task's events as if
 *    it were B's own task, at T1, answers the Query and keeps the run in its cache.
 * 5. A's task times out; B gets the real task (started at T2, 10 s later) and, with no new event to
 *    run, sends the commands decided at T1.
 * A replay decides at T2. Whatever compared the clock with a deadline can decide otherwise, and the
 * history no longer replays. Our order workflow decides by a DecisionClock (src/workflows/
 * decisionClock.ts): when a timer fires it reads the time the timer was set for, the same in both.
 * When a new SDK fixes this, the first test fails: then say so in docs/workflow.md.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { sdkTestSetup } from './sdkTestSetup';
import { queryClockActivities } from './queryClockActivities';
import type { Decision } from './queryClockWorkflow';

const sdk = sdkTestSetup(require.resolve('./queryClockWorkflow'));
const EventType = temporal.api.enums.v1.EventType;

function startFirstWorker(taskQueue: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'queryClockWorker.ts'), sdk.server.address, taskQueue], { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the first worker exited (${code}) before it was ready`)));
  });
}

interface Takeover {
  live: Decision;
  queryAnswer: string;
  events: temporal.api.history.v1.IHistoryEvent[];
  replayError?: string;
}

/** Steps 1–5 above with the given workflow (threshold 2.5 s: a decision at T1 picks early, at T2 late). */
async function takeover(workflowType: 'wallClockWorkflow' | 'decisionClockWorkflow'): Promise<Takeover> {
  const client = sdk.server.env.client;
  const taskQueue = `${workflowType}-${Date.now()}`;
  const handle = await client.workflow.start(workflowType, { taskQueue, workflowId: taskQueue, args: [2_500], workflowTaskTimeout: '10s' });
  const placed = handle.executeUpdate('place');
  const first = await startFirstWorker(taskQueue);
  try {
    await placed;
    first.kill('SIGSTOP');
    const query = client.withDeadline(Date.now() + 30_000, () => handle.query<number | undefined>('elapsed')).then(
      (v) => `answered ${String(v)}`,
      (e: Error) => `failed: ${e.message}`,
    );
    const connection = await NativeConnection.connect({ address: sdk.server.address });
    try {
      const second = await Worker.create({ connection, taskQueue, workflowBundle: sdk.bundle, maxCachedWorkflows: 10, activities: queryClockActivities });
      const { live, queryAnswer } = await second.runUntil(async () => {
        // Step 3: the timer's task is started by the frozen worker; then it dies.
        for (let i = 0; i < 100; i++) {
          const h = await handle.fetchHistory();
          if (h.events!.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED)) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await new Promise((r) => setTimeout(r, 200));
        first.kill('SIGKILL');
        const queryAnswer = await query;
        return { live: (await handle.result()) as Decision, queryAnswer };
      });
      const history = await handle.fetchHistory();
      let replayError: string | undefined;
      try {
        await Worker.runReplayHistory({ workflowBundle: sdk.bundle }, history, taskQueue);
      } catch (err) {
        replayError = (err as Error).message;
      }
      return { live, queryAnswer, events: history.events!, replayError };
    } finally {
      await connection.close();
    }
  } finally {
    first.kill('SIGKILL');
  }
}

/** The shape of steps 3–5 in the history: the timer's task started, timed out, then taken by another worker. */
function expectTakeoverShape(events: temporal.api.history.v1.IHistoryEvent[]): void {
  const types = events.map((e) => e.eventType);
  const fired = types.indexOf(EventType.EVENT_TYPE_TIMER_FIRED);
  expect(types.slice(fired, fired + 6)).toEqual([
    EventType.EVENT_TYPE_TIMER_FIRED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  ]);
  const dead = events[fired + 2]!.workflowTaskStartedEventAttributes!.identity;
  const taker = events[fired + 5]!.workflowTaskStartedEventAttributes!.identity;
  expect(taker).not.toBe(dead);
}

test('SDK defect: a Query handed over from a dead worker makes the next worker decide at the dead task time, and the history does not replay', async () => {
  const t = await takeover('wallClockWorkflow');
  expectTakeoverShape(t.events);
  expect(t.queryAnswer).toMatch(/^answered \d+$/);
  // Live: decided 1 s after the start (at the dead task's time), though the task that sent it ran 10 s later.
  expect(t.live.chose).toBe('early');
  expect(t.live.elapsedMs).toBeLessThan(2_500);
  expect(t.replayError).toContain("Activity type of scheduled event 'early' does not match activity type of activity command 'late'");
});

test('the decision clock decides the same live and on replay after the same takeover', async () => {
  const t = await takeover('decisionClockWorkflow');
  expectTakeoverShape(t.events);
  expect(t.queryAnswer).toMatch(/^answered \d+$/);
  // The timer fired at the time it was set for: 1 s after the start, live and on replay.
  expect(t.live).toEqual({ elapsedMs: 1_000, chose: 'early' });
  expect(t.replayError).toBeUndefined();
});
