import { Worker, bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
async function main() {
  const cliPath = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1', ui: false } });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./updateReplayWorkflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const actWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro-activities', activities: { async work(name: string) { if (name === 'first') await gate; return name; } } });
  const actRun = actWorker.run();
  const wfWorker1 = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro', workflowBundle: bundle, stickyQueueScheduleToStartTimeout: '3s' });
  const run1 = wfWorker1.run();
  const h = await env.client.workflow.start('updateReplayWorkflow', { taskQueue: 'sdk-repro', workflowId: 'repro-' + Date.now() });
  const first = await h.startUpdate('doWork', { args: ['first'], waitForStage: 'ACCEPTED', updateId: 'u1' });
  wfWorker1.shutdown(); await run1;
  release();
  await new Promise((r) => setTimeout(r, 500));
  const second = h.startUpdate('doWork', { args: ['second'], waitForStage: 'ACCEPTED', updateId: 'u2' });
  await new Promise((r) => setTimeout(r, 4000));
  let stop = false;
  const hammer = (async () => { while (!stop) { try { await h.query('__stack_trace'); } catch {} await new Promise((r) => setTimeout(r, 5)); } })();
  const wfWorker2 = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro', workflowBundle: bundle });
  const run2 = wfWorker2.run();
  console.log('first', await first.result());
  console.log('second', await (await second).result());
  stop = true; await hammer;
  await h.executeUpdate('finish', {});
  await h.result();
  const history = await h.fetchHistory();
  for (const e of history.events!) console.log(e.eventId?.toString(), e.eventType, String(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequestSequencingEventId ?? ''));
  try { await Worker.runReplayHistory({ workflowBundle: bundle }, history); console.log('REPLAY OK'); } catch (e) { console.log('REPLAY FAIL', (e as Error).message); }
  wfWorker2.shutdown(); actWorker.shutdown(); await run2; await actRun; await env.teardown();
}
main().catch((e) => { console.error(e); process.exit(1); });
