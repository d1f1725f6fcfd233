/**
 * What the order workflow needs from the outside world. `src/activities` implements it over the
 * Vipps client; workflow tests implement it with fakes. Types only: nothing here runs.
 */
import type { Amount } from '@vipps-orders/vipps/schemas';
import type { PaymentState } from '@vipps-orders/vipps/schemas';
import type { OrderLine } from '@vipps-orders/vipps/schemas';

export interface PaymentSnapshot {
  state: PaymentState;
  /** Minor units, in the payment's currency. */
  aggregate: { authorized: number; captured: number; cancelled: number; refunded: number };
  captureGuaranteedUntil?: string;
}

/**
 * An idempotent money operation is named by (operation, sequence); the activity derives the
 * Idempotency-Key from it and the reference, so retries and restarts always repeat the same key.
 */
export interface OperationId {
  reference: string;
  sequence: string;
}

export interface CreatePaymentInput extends OperationId {
  amount: Amount;
  description: string;
  returnUrl: string;
  sealedCustomerPhone?: string;
}

export type CancelOutcome = { outcome: 'cancelled'; payment: PaymentSnapshot } | { outcome: 'already-authorized' };

export interface OrderActivities {
  createPayment(input: CreatePaymentInput): Promise<{ redirectUrl: string }>;
  getPayment(reference: string): Promise<PaymentSnapshot>;
  capturePayment(input: OperationId & { amount: Amount }): Promise<PaymentSnapshot>;
  /** `transactionOnly` cancels only a payment not yet authorized; otherwise it releases what is left. */
  cancelPayment(input: OperationId & { transactionOnly: boolean }): Promise<CancelOutcome>;
  refundPayment(input: OperationId & { amount: Amount }): Promise<PaymentSnapshot>;
  attachReceipt(input: { reference: string; orderLines: OrderLine[]; currency: Amount['currency'] }): Promise<{ outcome: 'attached' | 'already-attached' }>;
}

/** What an activity puts in `ApplicationFailure.details[0]` when Vipps refused a request. */
export interface VippsFailureDetails {
  status?: number;
  errorCode?: number;
  retryable: boolean;
  kind: string;
}
