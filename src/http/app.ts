import Fastify, { type FastifyInstance } from 'fastify';
import type { ServiceConfig } from '../config';
import type { OrderClient } from '../orders/orderClient';
import demoShop from './demoShop';
import errorHandler from './errorHandler';
import healthRoutes from './healthRoutes';
import orderRoutes from './orderRoutes';
import returnPage from './returnPage';
import webhookRoutes from './webhookRoutes';

export interface ServiceDeps {
  config: ServiceConfig;
  orders: OrderClient;
}

export function webhookUrl(config: ServiceConfig): string {
  return config.webhookUrl;
}

/** The Fastify service: webhook receiver, order API, return page, health, and the demo shop when enabled. Each route group is a plugin. */
export async function buildService({ config, orders }: ServiceDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Defence in depth: the default serializers log no headers, but never let these through.
      redact: ['req.headers.authorization', 'req.headers["x-ms-content-sha256"]', 'req.headers.cookie'],
    },
    trustProxy: true,
  });
  await app.register(errorHandler);
  await app.register(healthRoutes, { temporal: orders.temporal });
  await app.register(webhookRoutes, {
    orders,
    webhookUrl: webhookUrl(config),
    ...(config.webhookSecret && { secret: config.webhookSecret }),
    clockSkewMs: config.webhookClockSkewMs,
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
