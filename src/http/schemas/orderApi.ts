/**
 * The order API's route schemas: what each route takes and answers. The request schemas are the
 * ones the order client parses with (src/workflows/messages/commandSchemas.ts, src/orders/placeOrderRequest.ts),
 * so the document, the validation and the workflow's own checks cannot disagree.
 */
import { z } from 'zod';
import { AcknowledgeRequest, CancelRequest, OrderId, RefundRequest, ShipRequest } from '../../workflows/messages/commandSchemas';
import { SALES_UNIT_NAME } from '@vipps-orders/vipps/sales-units';
import { placeOrderRequestFor, placeOrderRequestForUnits, type OrderCurrency } from '../../orders/placeOrderRequest';
import { errorBody, type ApiErrorCode } from './errors';
import { OrderView } from './orderView';

/** Marks a route whose body may be left out (@fastify/swagger marks every body required); see openApi.ts. */
export const OPTIONAL_BODY = 'x-body-optional';

const orderIdParam = OrderId.meta({ description: 'the order id, which is also the Vipps reference', example: 'shop-10001' });
export const OrderIdParams = z.object({ orderId: orderIdParam });
/** An order of one sales unit: the same order id on two units is two orders. */
export const UnitOrderParams = z.object({
  salesUnit: z.string().regex(SALES_UNIT_NAME, 'must be a sales unit name (lower-case letters, digits and -)').meta({ description: 'the sales unit (its name in SALES_UNITS_FILE)', example: 'dk' }),
  orderId: orderIdParam,
});

export const PlacedOrder = z
  .object({
    orderId: z.string(),
    workflowId: z.string(),
    salesUnit: z.string().optional().meta({ description: 'the sales unit the order belongs to (with SALES_UNITS_FILE)' }),
    redirectUrl: z.string().meta({ description: 'send the customer here (the Vipps MobilePay landing page)' }),
  })
  .meta({ id: 'PlacedOrder' });

/** The example in the document; a valid order the reference page's "Try it out" can send. */
export function placeOrderExample(currency: OrderCurrency) {
  const line = (id: string, name: string, total: number, extra: object = {}) => ({
    id,
    name,
    totalAmount: total,
    totalAmountExcludingTax: total - total / 5,
    totalTaxAmount: total / 5,
    taxRate: 2500,
    ...extra,
  });
  return {
    orderId: 'shop-10001',
    amount: { value: 54_800, currency },
    description: 'Socks and a scarf',
    returnUrl: 'https://shop.example.com/orders/10001',
    orderLines: [line('socks', 'Wool socks', 30_000), line('scarf', 'Scarf', 20_000), line('shipping', 'Shipping', 4_800, { isShipping: true })],
  };
}

/** A JSON response with a description (kept out of the schema, so shared schemas stay `$ref`s). */
export function json(schema: z.ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** Error responses, by status, each with the codes it can carry. */
export function errorResponses<S extends number>(byStatus: Record<S, readonly [ApiErrorCode, ...ApiErrorCode[]]>): Record<S, ReturnType<typeof json>> {
  const entries = Object.entries<readonly [ApiErrorCode, ...ApiErrorCode[]]>(byStatus).map(([status, codes]) => [status, json(errorBody(...codes), `error: ${codes.join(' or ')}`)]);
  return Object.fromEntries(entries) as Record<S, ReturnType<typeof json>>;
}

/** Every route with an order id in its path can also answer these. */
const PATH_ERRORS = { 400: ['invalid_command', 'invalid_request'], 404: ['order_not_found', 'not_found'], 414: ['invalid_request'] } as const;
const COMMON = { 401: ['unauthorized'], 500: ['internal_error'], 503: ['temporal_unavailable', 'still_processing'] } as const;
const BODY_ERRORS = { 413: ['invalid_request'], 415: ['invalid_request'] } as const;

const security = [{ orderApiKey: [] }];
const tags = ['Orders'];

const ViewWhileRunning = json(OrderView, 'the order view while the command is still running (repeat the request to see it finish)');

/** Units as the API describes them: their names and currencies (with SALES_UNITS_FILE). */
export interface ApiUnits {
  units: readonly { name: string; currency?: OrderCurrency }[];
}

export function orderApiSchemas(currency: OrderCurrency, several?: ApiUnits) {
  return {
    placeOrder: {
      operationId: 'placeOrder',
      summary: 'Place an order: creates the Vipps payment and returns the redirect URL',
      description:
        'Checked before anything starts: a bad request is a 400 naming each field, and the order id stays free. ' +
        (several
          ? `salesUnit names the unit (${several.units.map((u) => `${u.name}: ${u.currency ?? 'NOK'}`).join(', ')}); the currency must be the unit's, the amount at least its minimum, a phone number one of its market's. `
          : `The currency must be ${currency} (VIPPS_CURRENCY), the amount at least Vipps' minimum, returnUrl https (http only for localhost). `) +
        'The same request again returns the same order; other content for a used id is a 409. ' +
        'If Vipps refuses the payment (422) or does not answer (502), the order id is free again: place it again with corrected content.',
      tags,
      security,
      body: (several ? placeOrderRequestForUnits(several.units) : placeOrderRequestFor(currency)).meta({ examples: [several ? { ...placeOrderExample(several.units[0]!.currency ?? 'NOK'), salesUnit: several.units[0]!.name } : placeOrderExample(currency)] }),
      response: {
        201: json(PlacedOrder, 'the payment is created; send the customer to redirectUrl'),
        ...errorResponses({ 400: ['invalid_command', 'invalid_request'] as const, 409: ['order_conflict'], 422: ['vipps_rejected'], 502: ['payment_create_failed'], ...COMMON, ...BODY_ERRORS }),
      },
    },
    getOrder: {
      operationId: 'getOrder',
      summary: 'The order view',
      description:
        'An open order is read from its workflow’s description, without asking the order’s worker (no billed Query): the view it ' +
        'wrote when it last waited with something new to show; `asOf` says when, and its timeline holds the newest entries. ' +
        '`live=true` asks the order itself (one Query: for an operator, not for polling). A settled order’s view is its final result with later refunds.',
      tags,
      security,
      params: OrderIdParams,
      querystring: z.object({
        live: z.enum(['true', 'false']).optional().meta({ description: '`true`: ask the running order itself (a billed Query) instead of reading the view it keeps' }),
      }),
      response: { 200: json(OrderView, 'the order view'), ...errorResponses({ ...PATH_ERRORS, ...COMMON }) },
    },
    ship: {
      operationId: 'shipOrder',
      summary: 'Report a shipment: captures its lines (all lines left when orderLineIds is absent)',
      description: 'The shipment id makes the call idempotent: repeating it returns the same shipment.',
      tags,
      security,
      params: OrderIdParams,
      body: ShipRequest,
      response: {
        200: json(OrderView, 'the order view with the shipment captured'),
        202: ViewWhileRunning,
        ...errorResponses({ ...PATH_ERRORS, 409: ['order_conflict'], 422: ['vipps_rejected'], ...COMMON, ...BODY_ERRORS }),
      },
    },
    cancel: {
      operationId: 'cancelOrder',
      summary: 'Cancel the order: releases what is not shipped',
      description: 'An optional Idempotency-Key header makes a repeated cancel the same command.',
      tags,
      security,
      params: OrderIdParams,
      headers: z.object({ 'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters').optional() }),
      body: CancelRequest.optional(),
      [OPTIONAL_BODY]: true,
      response: {
        200: json(OrderView, 'the order view after the cancel'),
        202: ViewWhileRunning,
        ...errorResponses({ ...PATH_ERRORS, 409: ['order_conflict'], 422: ['vipps_rejected'], ...COMMON, ...BODY_ERRORS }),
      },
    },
    refund: {
      operationId: 'refundOrder',
      summary: 'Refund part or all of what was captured',
      description: 'The refund id makes the call idempotent. After the order is settled a refund runs as a workflow of its own.',
      tags,
      security,
      params: OrderIdParams,
      body: RefundRequest,
      response: {
        200: json(OrderView, 'the order view with the refund'),
        202: ViewWhileRunning,
        ...errorResponses({ ...PATH_ERRORS, 409: ['order_conflict'], 422: ['vipps_rejected'], ...COMMON, ...BODY_ERRORS }),
      },
    },
    acknowledge: {
      operationId: 'acknowledgeAlert',
      summary: 'Operator: explain an over-capture, a capture shortfall or an outside change, so the order can settle',
      description:
        "Vipps' captured total never goes down, so OVER_CAPTURED and CAPTURE_MISMATCH end only here: the unexplained amount is recorded " +
        'with the reason (see the timeline) and the alert ends; a further unexplained amount raises it again. 409 when the order has no such alert.',
      tags,
      security,
      params: OrderIdParams,
      body: AcknowledgeRequest.meta({ examples: [{ alert: 'OVER_CAPTURED', reason: 'captured twice in the business portal; customer refunded by support' }] }),
      response: {
        200: json(OrderView, 'the order view with the alert acknowledged'),
        202: ViewWhileRunning,
        ...errorResponses({ ...PATH_ERRORS, 409: ['order_conflict'], ...COMMON, ...BODY_ERRORS }),
      },
    },
    retryCapture: {
      operationId: 'retryCapture',
      summary: 'Operator: try refused captures again and resolve unknown outcomes now',
      tags,
      security,
      params: OrderIdParams,
      response: {
        200: json(OrderView, 'the order view'),
        202: ViewWhileRunning,
        ...errorResponses({ ...PATH_ERRORS, 409: ['order_conflict'], 422: ['vipps_rejected'], ...COMMON, ...BODY_ERRORS }),
      },
    },
  };
}

type RouteSchemas = ReturnType<typeof orderApiSchemas>;

/** The same routes for one sales unit's orders, under /sales-units/{salesUnit}/orders/{orderId}…. */
export function unitRouteSchemas(schemas: RouteSchemas) {
  const inUnit = <T extends { operationId: string; summary: string; params: typeof OrderIdParams }>(route: T) => ({
    ...route,
    operationId: `${route.operationId}InSalesUnit`,
    summary: `${route.summary} (an order of one sales unit)`,
    params: UnitOrderParams,
  });
  return {
    getOrder: inUnit(schemas.getOrder),
    ship: inUnit(schemas.ship),
    cancel: inUnit(schemas.cancel),
    refund: inUnit(schemas.refund),
    acknowledge: inUnit(schemas.acknowledge),
    retryCapture: inUnit(schemas.retryCapture),
  };
}
