import {
  type GetPaymentResponse,
  type ModificationResponse,
  type PaymentEvent,
  type PaymentWebhookEvent,
} from '@vipps-orders/vipps/schemas';
import { aggregateOf, type Payment, type PaymentEventRecord } from './paymentMachine';

/** Wire views of the payment aggregate, shaped by the shared zod schemas' types. */

export function toGetPaymentResponse(p: Payment): GetPaymentResponse {
  const view: GetPaymentResponse = {
    aggregate: aggregateOf(p),
    amount: { ...p.amount },
    state: p.state,
    paymentMethod: { type: p.details.paymentMethodType },
    profile: p.sub ? { sub: p.sub } : {},
    pspReference: p.pspReference,
    reference: p.reference,
  };
  if (p.details.redirectUrl) view.redirectUrl = p.details.redirectUrl;
  if (p.details.metadata) view.metadata = { ...p.details.metadata };
  if (p.captureGuaranteedUntil !== undefined) view.captureGuaranteedUntil = new Date(p.captureGuaranteedUntil).toISOString();
  return view;
}

/** `amount` of a modification response is the payment's amount, not the modification's. */
export function toModificationResponse(p: Payment): ModificationResponse {
  return {
    amount: { ...p.amount },
    state: p.state,
    aggregate: aggregateOf(p),
    pspReference: p.pspReference,
    reference: p.reference,
  };
}

export function toPaymentEvent(p: Payment, e: PaymentEventRecord): PaymentEvent {
  return {
    reference: p.reference,
    pspReference: e.pspReference,
    name: e.name,
    amount: { ...e.amount },
    timestamp: e.timestamp,
    idempotencyKey: e.idempotencyKey,
    success: e.success,
  };
}

export function toWebhookEvent(p: Payment, e: PaymentEventRecord): PaymentWebhookEvent {
  // The webhook body is the event-log entry plus the MSN (and, on AUTHORIZED, the deadline).
  const body: PaymentWebhookEvent = { msn: p.msn, ...toPaymentEvent(p, e) };
  if (e.name === 'AUTHORIZED') {
    if (p.captureGuaranteedUntil !== undefined) body.captureGuaranteedUntil = new Date(p.captureGuaranteedUntil).toISOString();
    if (p.sub) body.sub = p.sub;
  }
  return body;
}

/** Phone numbers never leave the emulator in full outside the API itself: 4712345678 → 47******78. */
export function maskPhoneNumber(phone: string): string {
  if (phone.length <= 4) return '*'.repeat(phone.length);
  return `${phone.slice(0, 2)}${'*'.repeat(phone.length - 4)}${phone.slice(-2)}`;
}
