import { ApplicationFailure, log } from '@temporalio/activity';
import type { PiiSealer } from '../security/piiSealing';
import { VippsApiError, VippsClient } from '@vipps-orders/vipps';
import type { VippsClients } from '../salesUnits/vippsClients';
import type { GetPaymentResponse, ModificationResponse } from '@vipps-orders/vipps/schemas';
import type { MoneyCallResult, OrderActivities, PaymentSnapshot, VippsRefusal } from '../workflows/messages/activityContract';
import { withFinishTime } from './finishTime';
import { orderEventActivities, type OrderEventSigning } from './orderEvents';
import { toActivityFailure } from './vippsFailures';

export interface ActivityDeps {
  /** One client per sales unit (the worker's), or one client for every call (tests). */
  vipps: VippsClients | VippsClient;
  /** How order events to the shop are signed (ORDER_EVENTS_SECRET). */
  orderEvents?: OrderEventSigning;
  /** Opens the sealed customer phone; without it, sealed phones are ignored (the landing page asks instead). */
  pii?: PiiSealer;
}

function snapshot(p: GetPaymentResponse | ModificationResponse): PaymentSnapshot {
  const s: PaymentSnapshot = {
    state: p.state,
    aggregate: {
      authorized: p.aggregate.authorizedAmount.value,
      captured: p.aggregate.capturedAmount.value,
      cancelled: p.aggregate.cancelledAmount.value,
      refunded: p.aggregate.refundedAmount.value,
    },
  };
  if ('captureGuaranteedUntil' in p && p.captureGuaranteedUntil) s.captureGuaranteedUntil = p.captureGuaranteedUntil;
  if ('redirectUrl' in p && p.redirectUrl) s.redirectUrl = p.redirectUrl;
  return s;
}

/**
 * A definite answer from Vipps that the request was not carried out (see
 * `VippsApiError.isDefiniteRefusal`: its ErrorCode, a schema refusal naming fields, 401/403), or
 * a request our client refused to send. Everything else, a bare 4xx included, is an unknown
 * outcome: thrown, and resolved by proof in the workflow.
 */
export function refusalOf(err: unknown): VippsRefusal | undefined {
  if (!(err instanceof VippsApiError) || !err.definite) return undefined;
  if (err.kind === 'invalid-request') return { message: err.message };
  return { message: err.message, ...(err.status !== undefined && { status: err.status }), ...(err.errorCode !== undefined && { errorCode: err.errorCode }) };
}

/**
 * Runs one money call: done, refused (returned as a value: Vipps will say the same for this key
 * again), or unknown (thrown: Temporal retries transient errors with the same key; a 2xx that
 * does not parse is not retried here, the workflow resolves it from the event log).
 */
async function moneyCall(fn: () => Promise<ModificationResponse>): Promise<MoneyCallResult> {
  try {
    return { outcome: 'done', payment: snapshot(await fn()) };
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal) return { outcome: 'refused', refusal };
    throw toActivityFailure(err);
  }
}

/**
 * Thin wrappers over the Vipps client. They hold no state; the workflow gives every money call
 * its Idempotency-Key, so retries and restarts always repeat the same key. Each result and failure
 * carries the time it finished, which the order's clock follows (finishTime.ts).
 */
export function createActivities({ vipps: clients, pii, orderEvents = {} }: ActivityDeps): OrderActivities {
  const vippsFor = (salesUnit: string | undefined): VippsClient => (clients instanceof VippsClient ? clients : clients.for(salesUnit));
  return withFinishTime({
    ...orderEventActivities(orderEvents),
    async createPayment(input, salesUnit) {
      const vipps = vippsFor(salesUnit);
      const phoneNumber = input.sealedCustomerPhone && pii ? pii.open(input.sealedCustomerPhone) : undefined;
      try {
        const created = await vipps.createPayment(
          {
            reference: input.reference,
            amount: input.amount,
            paymentMethod: { type: 'WALLET' },
            userFlow: 'WEB_REDIRECT',
            returnUrl: input.returnUrl,
            paymentDescription: input.description,
            ...(phoneNumber && { customer: { phoneNumber } }),
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (!created.redirectUrl) {
          throw ApplicationFailure.create({ message: 'Vipps returned no redirectUrl for a WEB_REDIRECT payment', type: 'VippsContractError', nonRetryable: true });
        }
        log.info('payment created', { reference: input.reference });
        return { outcome: 'done', redirectUrl: created.redirectUrl };
      } catch (err) {
        const refusal = refusalOf(err);
        if (refusal) return { outcome: 'refused', refusal };
        throw toActivityFailure(err);
      }
    },

    async getPayment(reference, salesUnit) {
      try {
        return { found: true, payment: snapshot(await vippsFor(salesUnit).getPayment(reference)) };
      } catch (err) {
        if (err instanceof VippsApiError && err.status === 404) return { found: false };
        throw toActivityFailure(err);
      }
    },

    async getPaymentEvents(reference, salesUnit) {
      const vipps = vippsFor(salesUnit);
      try {
        // The log first: whatever it shows, the read after it shows too.
        const events = await vipps.getPaymentEventLog(reference);
        const payment = await vipps.getPayment(reference);
        return {
          events: events.map((e) => ({ name: e.name, success: e.success, idempotencyKey: e.idempotencyKey ?? null, amount: e.amount.value })),
          payment: snapshot(payment),
        };
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    capturePayment: (input, salesUnit) =>
      moneyCall(() => vippsFor(salesUnit).capturePayment(input.reference, { modificationAmount: input.amount }, { idempotencyKey: input.idempotencyKey })),

    cancelPayment: (input, salesUnit) =>
      moneyCall(() => vippsFor(salesUnit).cancelPayment(input.reference, { cancelTransactionOnly: input.transactionOnly }, { idempotencyKey: input.idempotencyKey })),

    refundPayment: (input, salesUnit) =>
      moneyCall(() => vippsFor(salesUnit).refundPayment(input.reference, { modificationAmount: input.amount }, { idempotencyKey: input.idempotencyKey })),

    async attachReceipt(input, salesUnit) {
      try {
        await vippsFor(salesUnit).addReceipt(input.reference, { orderLines: input.orderLines, bottomLine: { currency: input.currency, receiptNumber: input.reference } });
        return { outcome: 'attached' as const };
      } catch (err) {
        // Receipts are immutable: 409 means ours (or an earlier attempt's) is already there.
        if (err instanceof VippsApiError && err.status === 409) return { outcome: 'already-attached' as const };
        throw toActivityFailure(err);
      }
    },
  });
}
