import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServiceConfig } from '../config';
import { createLogger, type AppLogger } from '../observability/logger';
import { ServiceMetrics } from '../observability/serviceMetrics';
import { currentTracing } from '../observability/tracing';
import type { OrderClient } from '../orders/orderClient';
import demoShop from './pages/demoShop';
import errorHandler from './errorHandler';
import { clientErrorHandler, frameworkErrorHandler, MAX_PARAM_LENGTH } from './frameworkErrors';
import healthRoutes from './healthRoutes';
import openApi from './openApi';
import pageAssets from './pages/pageAssets';
import orderRoutes from './orderRoutes';
import settlementRoutes from './settlement/settlementRoutes';
import type { SettlementClient } from '../settlement/settlementClient';
import requestObservability from './requestObservability';
import returnPage from './pages/returnPage';
import webhookRoutes from './webhooks/webhookRoutes';
import { jsonSerializerCompiler, zodValidatorCompiler } from './zodCompilers';

/** The API's version in the OpenAPI document: the package's. */
const SERVICE_VERSION = '0.1.0';

export interface ServiceDeps {
  config: ServiceConfig;
  orders: OrderClient;
  /** Where its counters go; the caller serves them (startServiceTelemetry). A private one by default. */
  metrics?: ServiceMetrics;
  /** The service's logger (tests capture its lines); pino at LOG_LEVEL on stdout by default. */
  logger?: AppLogger;
  /** The settlement API (/settlements/…); absent, the service has none. */
  settlements?: SettlementClient;
}

export function webhookUrl(config: ServiceConfig): string {
  return config.webhookUrl;
}

/** The Fastify service: webhook receiver, order API, return page, health, and the demo shop when enabled. Each route group is a plugin. */
export async function buildService({ config, orders, metrics = new ServiceMetrics(), logger, settlements }: ServiceDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger, so the instance keeps the type every route plugin expects.
  const loggerInstance: FastifyBaseLogger = logger ?? createLogger({ level: config.logLevel, name: 'service' });
  const app = Fastify({
    loggerInstance,
    // requestObservability writes one line per request instead, with the order and workflow ids.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  // The API takes JSON only: any other body is a 415, not a string handed to a schema.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  const tracing = currentTracing();
  if (tracing.fastifyPlugin) await app.register(tracing.fastifyPlugin);
  await app.register(requestObservability, { metrics, orders });
  await app.register(errorHandler);
  // Before the routes: the document is made from the routes registered after it.
  await app.register(openApi, { version: SERVICE_VERSION, currency: config.currency });
  await app.register(healthRoutes, { temporal: orders.temporal });
  await app.register(webhookRoutes, {
    orders,
    webhookUrl: webhookUrl(config),
    secretRefs: config.webhookSecretFile ? [{ file: config.webhookSecretFile }] : config.webhookSecret ? [{ value: config.webhookSecret }] : [],
    clockSkewMs: config.webhookClockSkewMs,
    onOutcome: (outcome, salesUnit) => metrics.webhooks.inc({ outcome, sales_unit: salesUnit }),
  });
  await app.register(orderRoutes, { orders, apiKey: config.orderApiKey, currency: config.currency, ...(orders.units && { units: orders.units }) });
  const unitNames = orders.units?.registry.units.map((u) => u.name);
  if (settlements && unitNames?.[0] !== undefined) await app.register(settlementRoutes, { settlements, apiKey: config.orderApiKey, unitNames: [unitNames[0], ...unitNames.slice(1)] });
  await app.register(returnPage, {
    orders,
    waitMs: config.returnPageWaitMs,
    merchantName: config.merchantName,
    pageSecret: config.pageSecret,
    ...(config.shopUrl && { shopUrl: config.shopUrl }),
  });
  await app.register(pageAssets);
  if (config.demoShop) {
    // With several units, the demo shop sells through the file's first unit, or the one `?unit=`
    // names; its merchant pages reach every unit's orders through that unit's client (merchantUnits.ts).
    const first = orders.salesUnit ?? orders.units?.registry.units[0];
    const shopOrders = first && !orders.salesUnit ? orders.forUnit(first.name) : orders;
    await app.register(demoShop, {
      orders: shopOrders,
      ...(orders.units?.fromFile && orders.units.registry.units.length > 1 && { units: orders.units.registry.units.map((u) => orders.forUnit(u.name)) }),
      namespace: orders.temporal.options.namespace,
      merchantName: config.merchantName,
      currency: shopOrders.salesUnit?.currency ?? config.currency,
      apiKey: config.orderApiKey,
      pageSecret: config.pageSecret,
      publicUrl: config.publicUrl,
      ...(config.temporalUiUrl && { temporalUiUrl: config.temporalUiUrl }),
      ...(settlements && { settlements }),
    });
  }
  return app;
}
