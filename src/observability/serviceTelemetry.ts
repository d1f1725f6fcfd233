import type { Client } from '@temporalio/client';
import type { MetricsConfig } from './metricsConfig';
import { serveMetrics } from './metricsServer';
import type { ServiceMetrics } from './serviceMetrics';
import { VisibilityGauges, type UnitCount } from './visibilityGauges';

export interface ServiceTelemetry {
  metricsUrl?: string;
  stop(): Promise<void>;
}

/** The service's metrics endpoint and the visibility counts behind it; nothing when SERVICE_METRICS_PORT=off. */
export async function startServiceTelemetry(opts: { client: Client; metrics: ServiceMetrics; config: MetricsConfig; units?: UnitCount[] }): Promise<ServiceTelemetry> {
  if (opts.config.servicePort === undefined) return { stop: () => Promise.resolve() };
  const endpoint = await serveMetrics(opts.metrics.registry, opts.config.host, opts.config.servicePort);
  const gauges = new VisibilityGauges(opts.client, opts.metrics, opts.config.visibilityRefreshMs, opts.units);
  gauges.start();
  return {
    metricsUrl: endpoint.url,
    async stop() {
      await gauges.stop();
      await endpoint.close();
    },
  };
}
