import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
async function main() {
  const cliPath = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1', ui: false } });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./updateReplayWorkflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const w = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro', workflowBundle: bundle, activities: { async work(name: string) { if (name === 'first') await gate; return name; } } });
  const run = w.run();
  const h = await env.client.workflow.start('updateReplayWorkflow', { taskQueue: 'sdk-repro', workflowId: 'repro-' + Date.now() });
  const first = await h.startUpdate('doWork', { args: ['first', 300_000_000], waitForStage: 'ACCEPTED', updateId: 'u1' });
  release();
  await new Promise((r) => setTimeout(r, 300));
  const second = await h.startUpdate('doWork', { args: ['second', 0], waitForStage: 'ACCEPTED', updateId: 'u2' });
  console.log('first', await first.result(), 'second', await second.result());
  await h.executeUpdate('finish', {});
  await h.result();
  const history = await h.fetchHistory();
  for (const e of history.events!) console.log(e.eventId?.toString(), e.eventType, String(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequestSequencingEventId ?? ''));
  try { await Worker.runReplayHistory({ workflowBundle: bundle }, history); console.log('REPLAY OK'); } catch (e) { console.log('REPLAY FAIL', (e as Error).message.slice(0,300)); }
  w.shutdown(); await run; await env.teardown();
}
main().catch((e) => { console.error(e); process.exit(1); });
