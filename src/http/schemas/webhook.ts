import { z } from 'zod';
import { PaymentWebhookEvent } from '@vipps-orders/vipps/schemas';
import { errorResponses, json } from './orderApi';

export const webhookSchema = {
  operationId: 'receiveVippsWebhook',
  summary: 'Vipps MobilePay webhook (ePayment events)',
  description:
    'Verified as the Webhooks API specifies (HMAC-SHA256 over method, path and query, x-ms-date, host and the body hash). ' +
    'Answered 200 only once the order has been told (or has no use for the event), so Vipps retries while Temporal is down. ' +
    'A body of `{"probe": "<16-64 url-safe characters>"}`, signed the same way, is answered `{"status": "probe"}` and tells no order: ' +
    '`npm run webhooks:register -- --rotate` and `--check` send it to see that a secret is accepted.',
  tags: ['Vipps'],
  security: [{ vippsSignature: [] }],
  body: PaymentWebhookEvent,
  response: {
    200: json(z.object({ status: z.enum(['accepted', 'ignored', 'unknown-order', 'probe']) }), 'the event was passed on, or was not needed'),
    ...errorResponses({ 400: ['invalid_request'], 401: ['invalid_signature'], 413: ['invalid_request'], 500: ['internal_error'], 503: ['temporal_unavailable', 'not_configured'] }),
  },
};
