import { z } from 'zod';
import { type PaymentEventName } from './epayment';
import { AbsoluteUri } from './uri';

/** Webhooks API v1 bodies. */

export const PAYMENT_WEBHOOK_EVENTS = [
  'epayments.payment.created.v1',
  'epayments.payment.aborted.v1',
  'epayments.payment.expired.v1',
  'epayments.payment.cancelled.v1',
  'epayments.payment.captured.v1',
  'epayments.payment.refunded.v1',
  'epayments.payment.authorized.v1',
  'epayments.payment.terminated.v1',
] as const;
export type PaymentWebhookEventType = (typeof PAYMENT_WEBHOOK_EVENTS)[number];

export function webhookEventTypeFor(name: PaymentEventName): PaymentWebhookEventType {
  return `epayments.payment.${name.toLowerCase()}.v1` as PaymentWebhookEventType;
}

export const RegisterWebhookRequest = z.object({
  url: AbsoluteUri,
  events: z.array(z.string().min(1)).min(1),
});
export type RegisterWebhookRequest = z.infer<typeof RegisterWebhookRequest>;

export const RegisterWebhookResponse = z.object({
  id: z.uuid(),
  secret: z.string().min(1),
});
export type RegisterWebhookResponse = z.infer<typeof RegisterWebhookResponse>;

export const Webhook = z.object({
  id: z.uuid(),
  url: z.url(),
  events: z.array(z.string()),
});
export type Webhook = z.infer<typeof Webhook>;

export const ListWebhooksResponse = z.object({ webhooks: z.array(Webhook) });
export type ListWebhooksResponse = z.infer<typeof ListWebhooksResponse>;
