/**
 * `npm run worker`: runs order workflows and their activities. Scale by running more of these on
 * the same task queue. Temporal connection from the standard TEMPORAL_* environment.
 */
import { Client } from '@temporalio/client';
import { Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities, createOrderSettlementActivities, createSettlementActivities } from './activities';
import { startSettlementSchedules } from './settlement/startSchedules';
import { loadSalesUnits } from './salesUnits/unitConfig';
import { VippsClients } from './salesUnits/vippsClients';
import { ConfigError, loadPiiSealingKey, loadTaskQueue, loadVippsConfig, loadWorkerTuning } from './config';
import { redactConfig } from './observability/redactConfig';
import { loadOrderEventsSecret } from './security/keyConfig';
import { orderIdInActivityLogs } from './observability/activityLogContext';
import { createLogger, type AppLogger } from './observability/logger';
import { loadMetricsConfig } from './observability/metricsConfig';
import { currentTracing, setupTracing } from './observability/tracing';
import { observeVippsCalls } from './observability/vippsCalls';
import { installWorkerRuntime } from './observability/workerRuntime';
import { PiiSealer } from './security/piiSealing';
import { connectWorker } from './temporal/connection';
import { orderDataConverter } from './temporal/dataConverter';

export interface WorkerSetup {
  env?: Record<string, string | undefined>;
  /** An existing connection (the local stack); otherwise one from the TEMPORAL_* environment. */
  temporal?: { connection: NativeConnection; namespace: string };
  quiet?: boolean;
  /** Lines outside activities (start, Vipps calls made elsewhere); activities log through the SDK runtime. */
  logger?: AppLogger;
  /** Other workflow code with every other option the same (the bare side of `npm run bench:overhead`). */
  workflowsPath?: string;
}

export async function createWorker({ env = process.env, temporal, quiet = false, logger, workflowsPath }: WorkerSetup = {}): Promise<Worker> {
  const log = logger ?? createLogger({ level: quiet ? 'warn' : (env.LOG_LEVEL ?? 'info'), name: 'worker' });
  const vippsConfig = loadVippsConfig(env);
  const units = loadSalesUnits(env);
  const vipps = new VippsClients(units, { onRequest: observeVippsCalls(Runtime.instance().metricMeter, log) });
  const pii = new PiiSealer(loadPiiSealingKey(env, vippsConfig));
  const orderEventsSecret = loadOrderEventsSecret(env);
  const dataConverter = orderDataConverter(env);
  const { connection, namespace } = temporal ?? (await connectWorker());
  const taskQueue = loadTaskQueue(env);
  const tuning = loadWorkerTuning(env);
  log.info({ taskQueue, namespace, tuning, vipps: redactConfig(vippsConfig), salesUnits: units.registry.units.map((u) => `${u.name} (${u.msn})`), tracing: currentTracing().enabled }, 'worker starting');
  const maxCachedWorkflows = tuning.maxCachedWorkflows;
  // NativeConnection serves a Client too: the settlement wake-up's signal-with-start and the schedules.
  const client = new Client({ connection, namespace, dataConverter });
  await startSettlementSchedules({ env, units, vipps, client, taskQueue, log });
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    maxCachedWorkflows,
    // With a cache: at least two task slots, never more than it holds (the SDK requires both).
    maxConcurrentWorkflowTaskExecutions: maxCachedWorkflows === 0 ? 10 : Math.max(2, Math.min(40, maxCachedWorkflows)),
    stickyQueueScheduleToStartTimeout: tuning.stickyQueueScheduleToStartTimeoutMs,
    // At SIGTERM the worker stops polling and waits for its running activities. After this grace they
    // are sent a cancellation, which fails an attempt only if the activity confirms it; ours do not
    // (a Vipps call in flight always finishes: the compose test's drain measured the same with 0, the
    // SDK's default). The grace is for any activity that would honour cancellation.
    shutdownGraceTime: tuning.shutdownGraceMs,
    // A prebuilt bundle (npm run build) starts faster; otherwise the workflows are bundled at start.
    ...(workflowsPath ? { workflowsPath } : env.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: env.WORKFLOW_BUNDLE_PATH } } : { workflowsPath: require.resolve('./workflows') }),
    activities: { ...createActivities({ vipps, pii, orderEvents: { secret: orderEventsSecret } }), ...createSettlementActivities({ vipps, temporal: { client, taskQueue } }),
      ...createOrderSettlementActivities({ client, taskQueue, vipps, units }),
    },
    // Every payload encrypted, as the clients do; tracing (a no-op unless OTEL_* turn it on).
    dataConverter,
    plugins: [currentTracing().temporalPlugin],
    interceptors: { activity: [orderIdInActivityLogs()] },
  });
}

if (require.main === module) {
  const env = process.env;
  let logger: AppLogger | undefined;
  Promise.resolve()
    .then(() => {
      logger = createLogger({ level: env.LOG_LEVEL ?? 'info', name: 'worker' });
      setupTracing({ env, serviceName: 'vipps-orders-worker' });
      const { metricsUrl } = installWorkerRuntime({ logger, metrics: loadMetricsConfig(env) });
      if (metricsUrl) logger.info({ metricsUrl }, 'worker metrics');
      return createWorker({ env, logger });
    })
    .then((worker) => {
      logger?.info('worker running');
      return worker.run();
    })
    .then(() => currentTracing().shutdown())
    .catch((err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(1);
    });
}
