import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
async function main() {
  const delay = Number(process.argv[2] ?? 200);
  const cliPath = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1', ui: false } });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./updateReplayWorkflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const aw = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro', activities: { async work(name: string) { if (name === 'first') await gate; return name; } } });
  const ar = aw.run();
  const w1 = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro', workflowBundle: bundle, stickyQueueScheduleToStartTimeout: '1s' });
  const r1 = w1.run();
  const h = await env.client.workflow.start('updateReplayWorkflow', { taskQueue: 'sdk-repro', workflowId: 'repro-' + Date.now() });
  const first = await h.startUpdate('doWork', { args: ['first', 300_000_000], waitForStage: 'ACCEPTED', updateId: 'u1' });
  w1.shutdown(); await r1;
  release();
  await new Promise((r) => setTimeout(r, 1500));
  const w2 = await Worker.create({ connection: env.nativeConnection, taskQueue: 'sdk-repro', workflowBundle: bundle });
  const r2 = w2.run();
  await new Promise((r) => setTimeout(r, delay));
  const second = await h.startUpdate('doWork', { args: ['second', 0], waitForStage: 'ACCEPTED', updateId: 'u2' });
  console.log('first', await first.result(), 'second', await second.result());
  await h.executeUpdate('finish', {});
  await h.result();
  const history = await h.fetchHistory();
  console.log(history.events!.map((e) => `${e.eventId}:${e.eventType}`).join(' '));
  try { await Worker.runReplayHistory({ workflowBundle: bundle }, history); console.log('REPLAY OK'); } catch (e) { console.log('REPLAY FAIL', (e as Error).message.slice(0,300)); }
  w2.shutdown(); aw.shutdown(); await r2; await ar; await env.teardown();
}
main().catch((e) => { console.error(e); process.exit(1); });
