import { type FastifyPluginCallback, type FastifyRequest } from 'fastify';
import {
  ORDER_MANAGEMENT_CURRENCIES,
  OrderCategory,
  OrderManagementOrderId,
  PaymentType,
  Receipt,
} from '@vipps-orders/vipps/schemas';
import { type EmulatorContext } from '../context';
import { apiGuard, finish } from '../http/apiGuard';
import { jsonResponse } from '../http/apiResponse';
import { badRequest, parseWith } from '../http/requestParsing';
import { newUuid } from '../ids';
import { orderManagementError } from '../problems';

const API = 'orderManagement';
const OM_CURRENCIES: ReadonlySet<string> = new Set(ORDER_MANAGEMENT_CURRENCIES);

/** Path parameters; `paymentType` is case-insensitive because `ecom` works against the real API. */
function orderParams(request: FastifyRequest): { paymentType: PaymentType; orderId: string } {
  const params = request.params as { paymentType: string; orderId: string };
  const paymentType = PaymentType.safeParse(params.paymentType.toUpperCase());
  if (!paymentType.success) throw badRequest(API, request, 'paymentType', 'must be ECOM or RECURRING');
  if (!OrderManagementOrderId.safeParse(params.orderId).success) {
    throw badRequest(API, request, 'orderId', 'must match ^[0-9A-Za-z-_.]+$');
  }
  return { paymentType: paymentType.data, orderId: params.orderId };
}

/**
 * Order Management API v2: receipts (write-once) and categories (latest wins). Like the real API it
 * does not check that a payment with the order id exists: details may come before or after it.
 */
export function orderManagementRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  return (app, _opts, done) => {
    app.addHook('preHandler', apiGuard(ctx, { api: API, msnRequired: true, systemHeaderMaxLength: 100 }));

    app.post('/order-management/v2/:paymentType/receipts/:orderId', { config: { api: API, operation: 'createReceipt' } }, (request, reply) => {
      const { paymentType, orderId } = orderParams(request);
      const receipt = parseWith(Receipt, request.body, API, request);
      if (!OM_CURRENCIES.has(receipt.bottomLine.currency)) {
        throw badRequest(API, request, 'bottomLine.currency', `must be one of ${ORDER_MANAGEMENT_CURRENCIES.join(', ')}`);
      }
      if (!ctx.state.orders.addReceipt(request.vippsMsn, paymentType, orderId, receipt)) {
        return finish(
          ctx,
          request,
          reply,
          orderManagementError({
            status: 409,
            title: 'Conflict',
            path: request.url,
            detail: `Order ${orderId} already has a receipt; receipts cannot be changed`,
          }),
        );
      }
      return finish(ctx, request, reply, jsonResponse(201, newUuid()));
    });

    app.put('/order-management/v2/:paymentType/categories/:orderId', { config: { api: API, operation: 'putCategory' } }, (request, reply) => {
      const { paymentType, orderId } = orderParams(request);
      const category = parseWith(OrderCategory, request.body, API, request);
      ctx.state.orders.putCategory(request.vippsMsn, paymentType, orderId, category);
      return finish(ctx, request, reply, jsonResponse(200, newUuid()));
    });

    app.get('/order-management/v2/:paymentType/:orderId', { config: { api: API, operation: 'getOrder' } }, (request, reply) => {
      const { paymentType, orderId } = orderParams(request);
      const order = ctx.state.orders.get(request.vippsMsn, paymentType, orderId);
      if (!order) {
        return finish(
          ctx,
          request,
          reply,
          orderManagementError({ status: 404, title: 'Not Found', path: request.url, detail: `No order details for ${orderId}` }),
        );
      }
      const body: Record<string, unknown> = {};
      if (order.category) body.category = order.category;
      if (order.receipt) body.receipt = order.receipt;
      return finish(ctx, request, reply, jsonResponse(200, body));
    });

    done();
  };
}
