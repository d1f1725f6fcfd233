/**
 * `npm run worker`: runs order workflows and their activities. Scale by running more of these on
 * the same task queue. Temporal connection from the standard TEMPORAL_* environment.
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import { VippsClient } from '@vipps-orders/vipps';
import { createActivities } from './activities';
import { ConfigError, loadPiiSealingKey, loadTaskQueue, loadVippsConfig, loadWorkerTuning, redactConfig } from './config';
import { PiiSealer } from './security/piiSealing';
import { connectWorker } from './temporal/connection';

export interface WorkerSetup {
  env?: Record<string, string | undefined>;
  /** An existing connection (the local stack); otherwise one from the TEMPORAL_* environment. */
  temporal?: { connection: NativeConnection; namespace: string };
  quiet?: boolean;
}

export async function createWorker({ env = process.env, temporal, quiet = false }: WorkerSetup = {}): Promise<Worker> {
  const vippsConfig = loadVippsConfig(env);
  const vipps = new VippsClient(vippsConfig);
  const pii = new PiiSealer(loadPiiSealingKey(env, vippsConfig));
  const { connection, namespace } = temporal ?? (await connectWorker());
  const taskQueue = loadTaskQueue(env);
  const tuning = loadWorkerTuning(env);
  if (!quiet) console.log(JSON.stringify({ msg: 'worker starting', taskQueue, namespace, tuning, vipps: redactConfig(vippsConfig) }));
  const maxCachedWorkflows = tuning.maxCachedWorkflows;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    maxCachedWorkflows,
    // At least two task slots, never more than the cache holds (the SDK requires both).
    maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.min(40, maxCachedWorkflows)),
    stickyQueueScheduleToStartTimeout: tuning.stickyQueueScheduleToStartTimeoutMs,
    // A prebuilt bundle (npm run build) starts faster; otherwise the workflows are bundled at start.
    ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: env.WORKFLOW_BUNDLE_PATH } } : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities({ vipps, pii }),
  });
}

if (require.main === module) {
  createWorker()
    .then((worker) => {
      console.log(JSON.stringify({ msg: 'worker running' }));
      return worker.run();
    })
    .catch((err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(1);
    });
}
