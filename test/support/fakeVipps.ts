/**
 * Scripted stand-in for the order activities, for workflow tests. It keeps one payment per
 * reference with Vipps' aggregate rules and idempotency (same sequence → same result, no second
 * operation), and throws the same failures the real activities throw.
 */
import { toActivityFailure } from '../../src/activities/vippsFailures';
import { VippsApiError } from '@vipps-orders/vipps';
import type { PaymentState } from '@vipps-orders/vipps';
import type { OrderActivities, PaymentSnapshot } from '../../src/workflows/activityContract';

export interface FakePayment {
  state: PaymentState;
  amount: number;
  aggregate: PaymentSnapshot['aggregate'];
  captureGuaranteedUntil?: string;
  receipts: number;
}

type Failure = { status: number; errorCode?: number };

/** Per-payment behaviour, so tests sharing one worker can run concurrently. */
export interface Script {
  /** Failures the next capture calls throw, in order (one per call). */
  captureFailures: Failure[];
  createFailure?: Failure;
  receiptFailure?: Failure;
  /** When set, authorized payments carry `captureGuaranteedUntil` = authorization time + this. */
  captureGuaranteeMs?: number;
  /** Simulates a payment authorized between the workflow's last look and its cancel (6060). */
  authorizeOnTransactionOnlyCancel?: boolean;
  /** getPayment and cancel answer 404 / 5090, as if Vipps had never seen the payment. */
  unknownToVipps?: boolean;
  /** Every cancel call fails with this (non-retryable for 4xx). */
  cancelFailure?: Failure;
}

export class FakeVipps {
  readonly payments = new Map<string, FakePayment>();
  readonly calls: { name: keyof OrderActivities; reference: string; input: unknown }[] = [];
  private readonly scripts = new Map<string, Script>();
  private readonly done = new Map<string, PaymentSnapshot>();

  script(reference: string): Script {
    let s = this.scripts.get(reference);
    if (!s) this.scripts.set(reference, (s = { captureFailures: [] }));
    return s;
  }

  callsFor(reference: string, name?: keyof OrderActivities): { name: keyof OrderActivities; input: unknown }[] {
    return this.calls.filter((c) => c.reference === reference && (name === undefined || c.name === name));
  }

  count(reference: string, name: keyof OrderActivities): number {
    return this.callsFor(reference, name).length;
  }

  payment(reference: string): FakePayment {
    const p = this.payments.get(reference);
    if (!p) throw new Error(`no fake payment ${reference}`);
    return p;
  }

  approve(reference: string): void {
    const p = this.payment(reference);
    if (p.state !== 'CREATED') throw new Error(`cannot approve a ${p.state} payment`);
    p.state = 'AUTHORIZED';
    p.aggregate.authorized = p.amount;
    const guarantee = this.script(reference).captureGuaranteeMs;
    if (guarantee !== undefined) p.captureGuaranteedUntil = new Date(Date.now() + guarantee).toISOString();
  }

  finish(reference: string, state: 'ABORTED' | 'EXPIRED'): void {
    this.payment(reference).state = state;
  }

  private snapshot(p: FakePayment): PaymentSnapshot {
    return { state: p.state, aggregate: { ...p.aggregate }, ...(p.captureGuaranteedUntil && { captureGuaranteedUntil: p.captureGuaranteedUntil }) };
  }

  private fail(operation: string, f: Failure): never {
    throw toActivityFailure(new VippsApiError({ kind: 'http', operation, status: f.status, ...(f.errorCode !== undefined && { errorCode: f.errorCode }), title: 'fake refusal' }));
  }

  /** Runs a money operation once per (reference, operation, sequence), like Vipps' Idempotency-Key. */
  private once(key: string, op: () => PaymentSnapshot): PaymentSnapshot {
    const known = this.done.get(key);
    if (known) return known;
    const result = op();
    this.done.set(key, result);
    return result;
  }

  readonly activities: OrderActivities = {
    createPayment: async (input) => {
      this.calls.push({ name: 'createPayment', reference: input.reference, input });
      const createFailure = this.script(input.reference).createFailure;
      if (createFailure) this.fail('createPayment', createFailure);
      if (!this.payments.has(input.reference)) {
        this.payments.set(input.reference, {
          state: 'CREATED',
          amount: input.amount.value,
          aggregate: { authorized: 0, captured: 0, cancelled: 0, refunded: 0 },
          receipts: 0,
        });
      }
      return Promise.resolve({ redirectUrl: `https://landing.example/?token=${input.reference}` });
    },
    getPayment: async (reference) => {
      this.calls.push({ name: 'getPayment', reference, input: reference });
      if (this.script(reference).unknownToVipps) this.fail('getPayment', { status: 404, errorCode: 5090 });
      return Promise.resolve(this.snapshot(this.payment(reference)));
    },
    capturePayment: async (input) => {
      this.calls.push({ name: 'capturePayment', reference: input.reference, input });
      const p = this.payment(input.reference);
      const failure = this.script(input.reference).captureFailures.shift();
      if (failure) this.fail('capturePayment', failure);
      return Promise.resolve(
        this.once(`${input.reference}:capture:${input.sequence}`, () => {
          if (p.state !== 'AUTHORIZED') this.fail('capturePayment', { status: 400, errorCode: 6080 });
          if (p.aggregate.captured + p.aggregate.cancelled + input.amount.value > p.aggregate.authorized) this.fail('capturePayment', { status: 400, errorCode: 6090 });
          p.aggregate.captured += input.amount.value;
          return this.snapshot(p);
        }),
      );
    },
    cancelPayment: async (input) => {
      this.calls.push({ name: 'cancelPayment', reference: input.reference, input });
      if (this.script(input.reference).unknownToVipps) this.fail('cancelPayment', { status: 404, errorCode: 5090 });
      const cancelFailure = this.script(input.reference).cancelFailure;
      if (cancelFailure) this.fail('cancelPayment', cancelFailure);
      const p = this.payment(input.reference);
      if (input.transactionOnly && this.script(input.reference).authorizeOnTransactionOnlyCancel && p.state === 'CREATED') this.approve(input.reference);
      if (input.transactionOnly && p.state === 'AUTHORIZED') return Promise.resolve({ outcome: 'already-authorized' as const });
      const after = this.once(`${input.reference}:cancel:${input.sequence}`, () => {
        if (p.state === 'CREATED') {
          p.state = 'TERMINATED';
          p.aggregate.cancelled = p.amount;
        } else if (p.state === 'AUTHORIZED') {
          p.aggregate.cancelled = p.aggregate.authorized - p.aggregate.captured;
        } else {
          this.fail('cancelPayment', { status: 400, errorCode: 6050 });
        }
        return this.snapshot(p);
      });
      return Promise.resolve({ outcome: 'cancelled' as const, payment: after });
    },
    refundPayment: async (input) => {
      this.calls.push({ name: 'refundPayment', reference: input.reference, input });
      const p = this.payment(input.reference);
      return Promise.resolve(
        this.once(`${input.reference}:refund:${input.sequence}`, () => {
          if (p.aggregate.refunded + input.amount.value > p.aggregate.captured) this.fail('refundPayment', { status: 400, errorCode: 6150 });
          p.aggregate.refunded += input.amount.value;
          return this.snapshot(p);
        }),
      );
    },
    attachReceipt: async (input) => {
      this.calls.push({ name: 'attachReceipt', reference: input.reference, input });
      const receiptFailure = this.script(input.reference).receiptFailure;
      if (receiptFailure) this.fail('attachReceipt', receiptFailure);
      const p = this.payment(input.reference);
      p.receipts++;
      return Promise.resolve({ outcome: p.receipts > 1 ? ('already-attached' as const) : ('attached' as const) });
    },
  };
}
