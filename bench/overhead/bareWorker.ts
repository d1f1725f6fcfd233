/**
 * The bare workflow's worker for `npm run bench:overhead`: `createWorker` of src/worker.ts with
 * only the workflow code swapped, so the worker options, activities, Vipps client and payload
 * encryption are the product's own. Prints "worker running" when it polls (the bench waits for it).
 */
import { createWorker } from '../../src/worker';
import { installWorkerRuntime } from '../../src/observability/workerRuntime';
import { createLogger } from '../../src/observability/logger';

async function main(): Promise<void> {
  const logger = createLogger({ level: 'warn', name: 'bare-worker' });
  installWorkerRuntime({ logger, metrics: { host: '127.0.0.1', visibilityRefreshMs: 30_000 } });
  const worker = await createWorker({ env: process.env, logger, quiet: true, workflowsPath: require.resolve('./bareWorkflow') });
  const running = worker.run();
  console.log('"worker running"');
  await running;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
