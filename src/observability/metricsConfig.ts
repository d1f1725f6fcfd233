import { z } from 'zod';
import { parseEnv, portSchema, positiveIntSchema } from '../config';

type Env = Record<string, string | undefined>;

const portOrOff = z.union([z.literal('off'), portSchema.min(1, 'must be a port (1-65535) or off')], { message: 'must be a port (1-65535) or off' });

const MetricsEnv = z.object({
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SERVICE_METRICS_PORT: portOrOff.default(9464),
  WORKER_METRICS_PORT: portOrOff.default(9465),
  VISIBILITY_METRICS_INTERVAL_SECONDS: positiveIntSchema.max(3600).default(30),
});

export interface MetricsConfig {
  /** Where the metrics endpoints listen (0.0.0.0 in containers, so Prometheus can scrape them). */
  host: string;
  /** The service's Prometheus endpoint (prom-client); undefined when off. */
  servicePort?: number;
  /** The worker's Prometheus endpoint (the Temporal SDK's Runtime exporter); undefined when off. */
  workerPort?: number;
  /** How often the service refreshes the order counts it reads from Temporal visibility. */
  visibilityRefreshMs: number;
}

export function loadMetricsConfig(env: Env = process.env): MetricsConfig {
  const e = parseEnv(MetricsEnv, env, 'metrics');
  return {
    host: e.METRICS_HOST,
    ...(e.SERVICE_METRICS_PORT !== 'off' && { servicePort: e.SERVICE_METRICS_PORT }),
    ...(e.WORKER_METRICS_PORT !== 'off' && { workerPort: e.WORKER_METRICS_PORT }),
    visibilityRefreshMs: e.VISIBILITY_METRICS_INTERVAL_SECONDS * 1000,
  };
}
