/**
 * `npm run server`: the HTTP service (webhook receiver, order API, return page, demo shop when
 * DEMO_SHOP=true). Configuration comes from the environment; see the README.
 */
import { ConfigError, loadServiceConfig } from './config';
import { buildService, webhookUrl } from './http/app';
import { createLogger } from './observability/logger';
import { loadMetricsConfig } from './observability/metricsConfig';
import { ServiceMetrics } from './observability/serviceMetrics';
import { startServiceTelemetry } from './observability/serviceTelemetry';
import { unitCounts } from './observability/visibilityGauges';
import { setupTracing } from './observability/tracing';
import { createOrderClient } from './orders/factory';
import { createSettlementClient } from './settlement/factory';
import { connectClient, temporalSettings } from './temporal/connection';

async function main(): Promise<void> {
  const config = loadServiceConfig();
  const metricsConfig = loadMetricsConfig();
  // Before any client or server exists: the HTTP instrumentation must see them being made.
  const tracing = setupTracing({ serviceName: 'vipps-orders-service' });
  const logger = createLogger({ level: config.logLevel, name: 'service' });
  const client = await connectClient();
  const orders = createOrderClient(client, process.env, config);
  const metrics = new ServiceMetrics();
  const settlements = orders.units && createSettlementClient(client, orders.units);
  const app = await buildService({ config, orders, metrics, logger, ...(settlements && { settlements }) });
  await app.listen({ port: config.port, host: config.host });
  const telemetry = await startServiceTelemetry({ client, metrics, config: metricsConfig, units: unitCounts(orders.units) });
  const { address, namespace } = temporalSettings();
  app.log.info({ temporal: address, namespace, webhook: webhookUrl(config), metrics: telemetry.metricsUrl ?? 'off', tracing: tracing.enabled }, 'service ready');
  if (config.usingDevApiKey) app.log.warn('ORDER_API_KEY is not set: using the development key "dev-order-api-key"');
  if (!orders.units?.fromFile && !config.webhookSecret) app.log.warn('VIPPS_WEBHOOK_SECRET is not set: webhooks are refused until it is (run npm run webhooks:register)');
  for (const unit of orders.units?.fromFile ? orders.units.registry.units : []) {
    if (unit.webhookSecrets.length === 0) app.log.warn({ salesUnit: unit.name }, 'sales unit has no webhook secret yet: its webhooks are refused until it has (run npm run webhooks:register)');
  }

  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await telemetry.stop();
    await client.connection.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
