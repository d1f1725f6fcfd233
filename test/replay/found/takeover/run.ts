/**
 * The experiment behind ../README.md: a worker holding the timer's task is frozen and killed,
 * another (with a cache) takes the task over after its timeout while the workflow is queried every
 * 300 ms, then the history is replayed. Run: npx tsx test/replay/found/takeover/run.ts
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { startTestTemporal } from '../../../support/temporalServer';
import { activities } from './activities';
import type { clockWorkflow } from './clockWorkflow';

const ET = temporal.api.enums.v1.EventType;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const server = await startTestTemporal();
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./clockWorkflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  const taskQueue = `clock-${Date.now()}`;
  const handle = await client.workflow.start<typeof clockWorkflow>('clockWorkflow', { taskQueue, workflowId: taskQueue, args: [2_500], workflowTaskTimeout: '3s' });
  const placed = handle.executeUpdate('place');
  const first = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'worker.ts'), server.address, taskQueue], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => first.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  await placed;
  first.kill('SIGSTOP'); // frozen with its sticky poll open: it is handed the timer's task and never answers
  const connection = await NativeConnection.connect({ address: server.address });
  const second = await Worker.create({ connection, taskQueue, workflowBundle: bundle, maxCachedWorkflows: 10, activities });
  const result = await second.runUntil(async () => {
    for (let i = 0; i < 100 && !(await handle.fetchHistory()).events!.some((e) => e.eventType === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED && Number(e.eventId) > 10); i++) await sleep(100);
    first.kill('SIGKILL');
    let done = false;
    const outcome = handle.result().finally(() => (done = true));
    while (!done) {
      const answer = await client.withDeadline(Date.now() + 10_000, () => handle.query<number>('started')).then(
        (v) => `answered ${v}`,
        (e: Error) => `failed: ${e.message}`,
      );
      console.log(new Date().toISOString(), 'query', answer);
      await sleep(300);
    }
    return outcome;
  });
  const history = await handle.fetchHistory();
  console.log('live:', JSON.stringify(result));
  console.log(history.events!.map((e) => `${String(e.eventId)}:${ET[e.eventType!].replace('EVENT_TYPE_', '')}`).join(' '));
  try {
    await Worker.runReplayHistory({ workflowBundle: bundle }, history);
    console.log('replay: the same decisions');
  } catch (err) {
    console.log('replay FAILS:', (err as Error).message);
  }
  await connection.close();
  await server.teardown();
}

void main();
