import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CommandResult, OrderClient } from '../orders/orderClient';
import type { OrderCurrency } from '../orders/placeOrderRequest';
import { apiKeyGuard } from './apiKeyAuth';
import { orderApiSchemas } from './schemas/orderApi';

export interface OrderRouteOptions {
  orders: OrderClient;
  apiKey: string;
  currency: OrderCurrency;
}

const BODY_LIMIT = 256 * 1024;

/** 200 with the order when the command finished; 202 with the current order while it is still running. */
function sendCommandResult(reply: FastifyReply, result: CommandResult): FastifyReply {
  return reply.code(result.complete ? 200 : 202).send(result.order);
}

/**
 * The order API for backend services (bearer API key). Requests are parsed by the route's zod
 * schemas (the ones the order client uses), so a bad request is a 400 naming the field before
 * anything starts or changes; the schemas also make the OpenAPI document.
 */
export default function orderRoutes(parent: FastifyInstance, opts: OrderRouteOptions): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { orders } = opts;
  const schemas = orderApiSchemas(opts.currency);
  app.addHook('onRequest', apiKeyGuard(opts.apiKey));

  app.post('/orders', { bodyLimit: BODY_LIMIT, schema: schemas.placeOrder }, async (request, reply) => {
    const placed = await orders.placeOrder(request.body);
    return reply.code(201).header('Location', `/orders/${placed.orderId}`).send(placed);
  });

  app.get('/orders/:orderId', { schema: schemas.getOrder }, async (request) =>
    orders.getOrder(request.params.orderId, { live: request.query.live === 'true' }),
  );

  app.post('/orders/:orderId/shipments', { bodyLimit: BODY_LIMIT, schema: schemas.ship }, async (request, reply) =>
    sendCommandResult(reply, await orders.ship(request.params.orderId, request.body)),
  );

  app.post('/orders/:orderId/cancel', { schema: schemas.cancel }, async (request, reply) =>
    sendCommandResult(reply, await orders.cancel(request.params.orderId, request.body ?? {}, request.headers['idempotency-key'])),
  );

  app.post('/orders/:orderId/refunds', { schema: schemas.refund }, async (request, reply) =>
    sendCommandResult(reply, await orders.refund(request.params.orderId, request.body)),
  );

  /** Operator command: an over-capture, shortfall or outside change is explained, so the order can settle. */
  app.post('/orders/:orderId/acknowledge', { schema: schemas.acknowledge }, async (request, reply) =>
    sendCommandResult(reply, await orders.acknowledge(request.params.orderId, request.body)),
  );

  /** Operator command: try failed captures again once the cause is fixed. */
  app.post('/orders/:orderId/retry-capture', { schema: schemas.retryCapture }, async (request, reply) =>
    sendCommandResult(reply, await orders.retryCapture(request.params.orderId)),
  );
}
