import { Runtime } from '@temporalio/worker';
import { ConfigError } from '../config';
import type { MetricsConfig } from './metricsConfig';
import { temporalLogger, type AppLogger } from './logger';
import { VIPPS_DURATION_BUCKETS, VIPPS_DURATION_METRIC } from './vippsCalls';

export interface WorkerRuntimeOptions {
  logger: AppLogger;
  metrics: MetricsConfig;
  /** Signals on which the SDK shuts workers down itself; [] when the caller stops them in order. */
  shutdownSignals?: NodeJS.Signals[];
}

/**
 * Installs the Temporal SDK's process-wide runtime: its log lines through our pino logger, and its
 * own Prometheus exporter (worker task latencies, schedule-to-start, activity failures, slots,
 * sticky cache, and our Vipps call metrics through its metric meter) on WORKER_METRICS_PORT.
 * Returns the metrics URL, or undefined when metrics are off or a runtime was installed before
 * (tests install a quiet one).
 */
export function installWorkerRuntime({ logger, metrics, shutdownSignals }: WorkerRuntimeOptions): { metricsUrl?: string } {
  const bindAddress = metrics.workerPort === undefined ? undefined : `${metrics.host}:${metrics.workerPort}`;
  try {
    Runtime.install({
      logger: temporalLogger(logger),
      ...(shutdownSignals && { shutdownSignals }),
      telemetryOptions: {
        ...(bindAddress && {
          metrics: {
            prometheus: {
              bindAddress,
              // Prometheus conventions: counters end in _total, durations are seconds.
              countersTotalSuffix: true,
              useSecondsForDurations: true,
              histogramBucketOverrides: { [VIPPS_DURATION_METRIC]: VIPPS_DURATION_BUCKETS },
            },
          },
        }),
      },
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/already been instantiated|already been installed/i.test(message)) return {};
    if (/address already in use/i.test(message)) {
      throw new ConfigError(`Invalid metrics configuration:\n  WORKER_METRICS_PORT: ${bindAddress} is in use (another worker on this machine?); set another port, or off`);
    }
    throw err;
  }
  return bindAddress ? { metricsUrl: `http://${bindAddress}/metrics` } : {};
}
