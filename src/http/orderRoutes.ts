import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CommandResult, OrderClient } from '../orders/orderClient';
import { OrderCommandError } from '../orders/errors';
import { OrderId } from '../workflows/messages';
import { apiKeyGuard } from './apiKeyAuth';

export interface OrderRouteOptions {
  orders: OrderClient;
  apiKey: string;
}

const BODY_LIMIT = 256 * 1024;

function orderIdParam(params: unknown): string {
  const raw = (params as { orderId?: unknown }).orderId;
  const parsed = OrderId.safeParse(raw);
  if (!parsed.success) {
    throw new OrderCommandError('invalid_command', `orderId: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ field: 'orderId', reason: parsed.error.issues[0]?.message ?? 'invalid' }],
    });
  }
  return parsed.data;
}

/** 200 with the order when the command finished; 202 with the current order while it is still running. */
function sendCommandResult(reply: FastifyReply, result: CommandResult): FastifyReply {
  return reply.code(result.complete ? 200 : 202).send(result.order);
}

/**
 * The order API for backend services (bearer API key). Bodies are parsed by the order client's zod
 * schemas, so a bad request is a 400 naming the field and starts or changes nothing.
 */
export default function orderRoutes(app: FastifyInstance, opts: OrderRouteOptions): void {
  const { orders } = opts;
  app.addHook('onRequest', apiKeyGuard(opts.apiKey));

  app.post('/orders', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const placed = await orders.placeOrder(request.body);
    return reply.code(201).header('Location', `/orders/${placed.orderId}`).send(placed);
  });

  app.get('/orders/:orderId', async (request) => orders.getOrder(orderIdParam(request.params)));

  app.post('/orders/:orderId/shipments', { bodyLimit: BODY_LIMIT }, async (request, reply) =>
    sendCommandResult(reply, await orders.ship(orderIdParam(request.params), request.body)),
  );

  app.post('/orders/:orderId/cancel', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    return sendCommandResult(reply, await orders.cancel(orderIdParam(request.params), request.body ?? {}, typeof key === 'string' ? key : undefined));
  });

  app.post('/orders/:orderId/refunds', async (request, reply) => sendCommandResult(reply, await orders.refund(orderIdParam(request.params), request.body)));

  /** Operator command: try failed captures again once the cause is fixed. */
  app.post('/orders/:orderId/retry-capture', async (request, reply) => sendCommandResult(reply, await orders.retryCapture(orderIdParam(request.params))));
}
