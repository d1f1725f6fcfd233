import { ApplicationFailure, log } from '@temporalio/activity';
import type { PiiSealer } from '../security/piiSealing';
import type { VippsClient } from '@vipps-orders/vipps';
import { VippsApiError } from '@vipps-orders/vipps';
import { deriveIdempotencyKey } from '@vipps-orders/vipps';
import type { GetPaymentResponse, ModificationResponse } from '@vipps-orders/vipps';
import type { OrderActivities, PaymentSnapshot } from '../workflows/activityContract';
import { toActivityFailure } from './vippsFailures';

export interface ActivityDeps {
  vipps: VippsClient;
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
  return s;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/**
 * Thin wrappers over the Vipps client. They hold no state and make exactly one API call each
 * (retries are Temporal's), deriving Idempotency-Keys from (reference, operation, sequence).
 */
export function createActivities({ vipps, pii }: ActivityDeps): OrderActivities {
  return {
    createPayment: (input) =>
      guarded(async () => {
        const phoneNumber = input.sealedCustomerPhone && pii ? pii.open(input.sealedCustomerPhone) : undefined;
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
          { idempotencyKey: deriveIdempotencyKey(input.reference, 'create', input.sequence) },
        );
        if (!created.redirectUrl) {
          throw ApplicationFailure.create({ message: 'Vipps returned no redirectUrl for a WEB_REDIRECT payment', type: 'VippsContractError', nonRetryable: true });
        }
        log.info('payment created', { reference: input.reference });
        return { redirectUrl: created.redirectUrl };
      }),

    getPayment: (reference) => guarded(async () => snapshot(await vipps.getPayment(reference))),

    capturePayment: (input) =>
      guarded(async () => {
        const result = await vipps.capturePayment(
          input.reference,
          { modificationAmount: input.amount },
          { idempotencyKey: deriveIdempotencyKey(input.reference, 'capture', input.sequence) },
        );
        log.info('payment captured', { reference: input.reference, amount: input.amount.value, captured: result.aggregate.capturedAmount.value });
        return snapshot(result);
      }),

    cancelPayment: (input) =>
      guarded(async () => {
        try {
          const result = await vipps.cancelPayment(
            input.reference,
            { cancelTransactionOnly: input.transactionOnly },
            { idempotencyKey: deriveIdempotencyKey(input.reference, 'cancel', input.sequence) },
          );
          return { outcome: 'cancelled' as const, payment: snapshot(result) };
        } catch (err) {
          // 6060: cancelTransactionOnly found the payment authorized; nothing was released.
          if (input.transactionOnly && err instanceof VippsApiError && err.errorCode === 6060) return { outcome: 'already-authorized' as const };
          throw err;
        }
      }),

    refundPayment: (input) =>
      guarded(async () => {
        const result = await vipps.refundPayment(
          input.reference,
          { modificationAmount: input.amount },
          { idempotencyKey: deriveIdempotencyKey(input.reference, 'refund', input.sequence) },
        );
        return snapshot(result);
      }),

    attachReceipt: (input) =>
      guarded(async () => {
        try {
          await vipps.addReceipt(input.reference, { orderLines: input.orderLines, bottomLine: { currency: input.currency, receiptNumber: input.reference } });
          return { outcome: 'attached' as const };
        } catch (err) {
          // Receipts are immutable: 409 means ours (or an earlier attempt's) is already there.
          if (err instanceof VippsApiError && err.status === 409) return { outcome: 'already-attached' as const };
          throw err;
        }
      }),
  };
}
