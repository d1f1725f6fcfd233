import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServiceConfig } from '../config';
import { createLogger, type AppLogger } from '../observability/logger';
import { ServiceMetrics } from '../observability/serviceMetrics';
import { currentTracing } from '../observability/tracing';
import type { OrderClient } from '../orders/orderClient';
import demoShop from './demoShop';
import errorHandler from './errorHandler';
import healthRoutes from './healthRoutes';
import orderRoutes from './orderRoutes';
import requestObservability from './requestObservability';
import returnPage from './returnPage';
import webhookRoutes from './webhookRoutes';

export interface ServiceDeps {
  config: ServiceConfig;
  orders: OrderClient;
  /** Where its counters go; the caller serves them (startServiceTelemetry). A private one by default. */
  metrics?: ServiceMetrics;
  /** The service's logger (tests capture its lines); pino at LOG_LEVEL on stdout by default. */
  logger?: AppLogger;
}

export function webhookUrl(config: ServiceConfig): string {
  return config.webhookUrl;
}

/** The Fastify service: webhook receiver, order API, return page, health, and the demo shop when enabled. Each route group is a plugin. */
export async function buildService({ config, orders, metrics = new ServiceMetrics(), logger }: ServiceDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger, so the instance keeps the type every route plugin expects.
  const loggerInstance: FastifyBaseLogger = logger ?? createLogger({ level: config.logLevel, name: 'service' });
  const app = Fastify({
    loggerInstance,
    // requestObservability writes one line per request instead, with the order and workflow ids.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
  });
  const tracing = currentTracing();
  if (tracing.fastifyPlugin) await app.register(tracing.fastifyPlugin);
  await app.register(requestObservability, { metrics });
  await app.register(errorHandler);
  await app.register(healthRoutes, { temporal: orders.temporal });
  await app.register(webhookRoutes, {
    orders,
    webhookUrl: webhookUrl(config),
    ...(config.webhookSecret && { secret: config.webhookSecret }),
    clockSkewMs: config.webhookClockSkewMs,
    onOutcome: (outcome) => metrics.webhooks.inc({ outcome }),
  });
  await app.register(orderRoutes, { orders, apiKey: config.orderApiKey });
  await app.register(returnPage, { orders, waitMs: config.returnPageWaitMs });
  if (config.demoShop) {
    await app.register(demoShop, {
      orders,
      namespace: orders.temporal.options.namespace,
      ...(config.temporalUiUrl && { temporalUiUrl: config.temporalUiUrl }),
    });
  }
  return app;
}
