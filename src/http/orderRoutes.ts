import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CommandResult, OrderClient } from '../orders/orderClient';
import type { OrderView } from '../workflows/messages';
import type { OrderCurrency } from '../orders/placeOrderRequest';
import { apiKeyGuard } from './apiKeyAuth';
import { orderApiSchemas, unitRouteSchemas } from './schemas/orderApi';
import type { SalesUnits } from '../salesUnits/unitConfig';

export interface OrderRouteOptions {
  orders: OrderClient;
  units?: SalesUnits;
  apiKey: string;
  currency: OrderCurrency;
}

const BODY_LIMIT = 256 * 1024;

/** 200 with the order when the command finished; 202 with the current order while it is still running. */
function sendCommandResult(reply: FastifyReply, result: CommandResult, client: OrderClient): FastifyReply {
  return reply.code(result.complete ? 200 : 202).send(withUnit(result.order, client));
}

/** The view names its sales unit when the service has a file of them: the order id alone does not name the order. */
function withUnit(view: OrderView, client: OrderClient): OrderView {
  return client.units?.fromFile && client.salesUnit ? { ...view, salesUnit: client.salesUnit.name } : view;
}

/**
 * The order API for backend services (bearer API key). Requests are parsed by the route's zod
 * schemas (the ones the order client uses), so a bad request is a 400 naming the field before
 * anything starts or changes; the schemas also make the OpenAPI document.
 */
export default function orderRoutes(parent: FastifyInstance, opts: OrderRouteOptions): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { orders, units } = opts;
  const several = units?.fromFile && units.registry.units.length > 1 ? { units: units.registry.units } : undefined;
  const schemas = orderApiSchemas(opts.currency, several);
  app.addHook('onRequest', apiKeyGuard(opts.apiKey));

  app.post('/orders', { bodyLimit: BODY_LIMIT, schema: schemas.placeOrder }, async (request, reply) => {
    const placed = await orders.placeOrder(request.body);
    const location = placed.salesUnit ? `/sales-units/${placed.salesUnit}/orders/${placed.orderId}` : `/orders/${placed.orderId}`;
    return reply.code(201).header('Location', location).send(placed);
  });

  // `/orders/{orderId}…`: the orders of a one-unit deployment.
  orderCommandRoutes(app, '', schemas, () => orders);
  // `/sales-units/{salesUnit}/orders/{orderId}…`: every unit's orders (an unknown unit is a 404 naming salesUnit).
  if (units?.fromFile) orderCommandRoutes(app, '/sales-units/:salesUnit', unitRouteSchemas(schemas), (params) => orders.forUnit(params.salesUnit!));
}

type CommandSchemas = Pick<ReturnType<typeof orderApiSchemas>, 'getOrder' | 'ship' | 'cancel' | 'refund' | 'acknowledge' | 'retryCapture'>;

function orderCommandRoutes(app: FastifyInstance, base: string, schemas: CommandSchemas, pick: (params: { orderId: string; salesUnit?: string }) => OrderClient): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(`${base}/orders/:orderId`, { schema: schemas.getOrder }, async (request) => {
    const client = pick(request.params);
    return withUnit(await client.getOrder(request.params.orderId, { live: request.query.live === 'true' }), client);
  });

  typed.post(`${base}/orders/:orderId/shipments`, { bodyLimit: BODY_LIMIT, schema: schemas.ship }, async (request, reply) => {
    const client = pick(request.params);
    return sendCommandResult(reply, await client.ship(request.params.orderId, request.body), client);
  });

  typed.post(`${base}/orders/:orderId/cancel`, { schema: schemas.cancel }, async (request, reply) => {
    const client = pick(request.params);
    return sendCommandResult(reply, await client.cancel(request.params.orderId, request.body ?? {}, request.headers['idempotency-key']), client);
  });

  typed.post(`${base}/orders/:orderId/refunds`, { schema: schemas.refund }, async (request, reply) => {
    const client = pick(request.params);
    return sendCommandResult(reply, await client.refund(request.params.orderId, request.body), client);
  });

  /** Operator command: an over-capture, shortfall or outside change is explained, so the order can settle. */
  typed.post(`${base}/orders/:orderId/acknowledge`, { schema: schemas.acknowledge }, async (request, reply) => {
    const client = pick(request.params);
    return sendCommandResult(reply, await client.acknowledge(request.params.orderId, request.body), client);
  });

  /** Operator command: try failed captures again once the cause is fixed. */
  typed.post(`${base}/orders/:orderId/retry-capture`, { schema: schemas.retryCapture }, async (request, reply) => {
    const client = pick(request.params);
    return sendCommandResult(reply, await client.retryCapture(request.params.orderId), client);
  });
}
