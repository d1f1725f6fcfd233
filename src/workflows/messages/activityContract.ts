/**
 * What the workflows need from the outside world. `src/activities` implements it over the Vipps
 * client; workflow tests implement it with fakes. Types only: nothing here runs.
 *
 * Money calls answer with two of their three outcomes: `done` or `refused` (a definite 4xx). The
 * third, unknown, is a thrown failure (timeout, network, 5xx after retries, a 2xx that does not
 * parse): the workflow never reads it as "failed", it resolves it with the same key.
 */
import type { Amount } from '@vipps-orders/vipps/types';
import type { PaymentState } from '@vipps-orders/vipps/types';
import type { OrderLine } from '@vipps-orders/vipps/types';
import type { OrderEventDelivery } from './orderEvents';

export interface PaymentSnapshot {
  state: PaymentState;
  /** Minor units, in the payment's currency. */
  aggregate: { authorized: number; captured: number; cancelled: number; refunded: number };
  captureGuaranteedUntil?: string;
  redirectUrl?: string;
}

/** A definite refusal: Vipps answered 4xx for this request (and will for this key again). */
export interface VippsRefusal {
  message: string;
  status?: number;
  errorCode?: number;
}

export type MoneyCallResult = { outcome: 'done'; payment: PaymentSnapshot } | { outcome: 'refused'; refusal: VippsRefusal };

export type PaymentRead = { found: true; payment: PaymentSnapshot } | { found: false };

export interface PaymentEventRecord {
  name: string;
  success: boolean;
  idempotencyKey?: string | null;
  amount: number;
}

export interface CreatePaymentInput {
  reference: string;
  idempotencyKey: string;
  amount: Amount;
  description: string;
  returnUrl: string;
  sealedCustomerPhone?: string;
}

export type CreatePaymentResult = { outcome: 'done'; redirectUrl: string } | { outcome: 'refused'; refusal: VippsRefusal };

export interface MoneyCallInput {
  reference: string;
  idempotencyKey: string;
}

/**
 * Every Vipps call takes the order's sales unit (its name in SALES_UNITS_FILE) last; absent for
 * orders that name none (a one-unit deployment's, and those placed before units existed). The
 * workflow adds it to every call in one place (runtime/activityProxies.ts).
 */
export interface OrderActivities {
  createPayment(input: CreatePaymentInput, salesUnit?: string): Promise<CreatePaymentResult>;
  getPayment(reference: string, salesUnit?: string): Promise<PaymentRead>;
  /** The payment's event log and a fresh read, to prove what happened to an operation with unknown outcome. */
  getPaymentEvents(reference: string, salesUnit?: string): Promise<{ events: PaymentEventRecord[]; payment: PaymentSnapshot }>;
  capturePayment(input: MoneyCallInput & { amount: Amount }, salesUnit?: string): Promise<MoneyCallResult>;
  /** `transactionOnly` cancels only a payment not yet authorized (else 6060); otherwise it releases what is left. */
  cancelPayment(input: MoneyCallInput & { transactionOnly: boolean }, salesUnit?: string): Promise<MoneyCallResult>;
  refundPayment(input: MoneyCallInput & { amount: Amount }, salesUnit?: string): Promise<MoneyCallResult>;
  attachReceipt(input: { reference: string; orderLines: OrderLine[]; currency: Amount['currency'] }, salesUnit?: string): Promise<{ outcome: 'attached' | 'already-attached' }>;
  /** Posts one signed order event to the shop; a non-2xx answer or no answer is thrown (and retried). */
  deliverOrderEvent(input: OrderEventDelivery): Promise<{ status: number }>;
}

/** The activities that call Vipps, and so take the order's sales unit. */
export const VIPPS_ACTIVITIES = ['createPayment', 'getPayment', 'getPaymentEvents', 'capturePayment', 'cancelPayment', 'refundPayment', 'attachReceipt'] as const satisfies readonly (keyof OrderActivities)[];

/** What an activity puts in `ApplicationFailure.details[0]` when a call failed without a definite answer. */
export interface VippsFailureDetails extends FinishTime {
  status?: number;
  errorCode?: number;
  retryable: boolean;
  kind: string;
}

/**
 * The time the activity finished (epoch ms, by the activity worker's clock), in every result and
 * in `details[0]` of every failure our activities throw (see src/activities/finishTime.ts). The
 * order's decision clock moves to it: it is in the history, so every replay sees the same time.
 */
export interface FinishTime {
  finishedAt?: number;
}
