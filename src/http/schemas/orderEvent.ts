/**
 * The order event the worker posts to ORDER_EVENTS_URL, as a schema for the OpenAPI document's
 * `webhooks` (the shop implements that endpoint; this service calls it).
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import type { OrderEvent } from '../../workflows/messages/orderEvents';
import { ORDER_STATUSES } from '../../workflows/messages/views';

const minor = z.number().int().min(0);

export const OrderEventSchema = z
  .object({
    eventId: z.string().describe('`<orderId>:<sequence>`, or `<salesUnit>:<orderId>:<sequence>` for an order of a sales unit; a repeated delivery carries the same id'),
    type: z.literal('order.status_changed'),
    orderId: z.string(),
    salesUnit: z.string().optional().describe('the order\'s sales unit (with SALES_UNITS_FILE): the same order id on two units is two orders'),
    sequence: z.number().int().min(1).describe('1, 2, 3… per order, without gaps; a shop that has seen n may ignore anything at or below it'),
    status: z.enum(ORDER_STATUSES),
    previousStatus: z.enum(ORDER_STATUSES),
    occurredAt: z.iso.datetime(),
    amount: z.object({ value: minor, currency: z.enum(['NOK', 'DKK', 'EUR']) }),
    aggregate: z.object({ authorized: minor, captured: minor, cancelled: minor, refunded: minor }).describe('minor units, as Vipps reported them'),
    alerts: z.array(z.string()),
  }) satisfies z.ZodType<OrderEvent>;

/** The `webhooks` entry of the OpenAPI 3.1 document. */
export function orderEventWebhook(): Record<string, OpenAPIV3_1.PathItemObject> {
  const { $schema: _drop, ...schema } = z.toJSONSchema(OrderEventSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  // The JSON Schema comes from zod, not from openapi-types' own (narrower) schema type.
  const webhooks = {
    orderEvent: {
      post: {
        summary: 'An order changed status (sent to ORDER_EVENTS_URL)',
        description:
          'With ORDER_EVENTS_URL set, the worker POSTs one event per status change of each order, one at a time and in ' +
          'order per order, at least once: anything but a 2xx is retried with backoff (2 s doubling to 10 min) for up to ' +
          'three days, and the order does not end before the shop has its last event. Signed like Vipps webhooks with ' +
          'ORDER_EVENTS_SECRET: `x-ms-date`, `x-ms-content-sha256` and `Authorization: HMAC-SHA256 SignedHeaders=' +
          'x-ms-date;host;x-ms-content-sha256&Signature=…` over `POST\\n<path>\\n<date>;<host>;<hash>`. No customer data.',
        operationId: 'orderEvent',
        tags: ['Orders'],
        parameters: [{ name: 'x-order-event-id', in: 'header', required: true, schema: { type: 'string' }, description: 'the eventId again' }],
        requestBody: { required: true, content: { 'application/json': { schema } } },
        responses: { '2XX': { description: 'received; not sent again' }, default: { description: 'not received: sent again later' } },
      },
    },
  };
  return webhooks as unknown as Record<string, OpenAPIV3_1.PathItemObject>;
}
