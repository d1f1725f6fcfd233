/**
 * A scripted stand-in for the order activities, for workflow tests. It keeps one payment per
 * reference with Vipps' rules: aggregates, an event log with Idempotency-Keys, and idempotency
 * (the same key gets the first answer again, refusals included). Scripts inject the failure modes
 * of the real platform: a refusal, a lost answer (applied, then no answer), a 2xx that does not
 * parse, persistent outages, and gates that hold a call until the test releases it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { refusalOf } from '../../src/activities/orderActivities';
import { toActivityFailure } from '../../src/activities/vippsFailures';
import { VippsApiError } from '@vipps-orders/vipps';
import type { PaymentState } from '@vipps-orders/vipps/schemas';
import type { MoneyCallResult, OrderActivities, PaymentEventRecord, PaymentSnapshot } from '../../src/workflows/messages/activityContract';

export interface FakePayment {
  state: PaymentState;
  amount: number;
  aggregate: PaymentSnapshot['aggregate'];
  captureGuaranteedUntil?: string;
  receipts: number;
  events: PaymentEventRecord[];
}

type MoneyOperation = 'capturePayment' | 'refundPayment' | 'cancelPayment';
/**
 * refuse: a definite 4xx. lost: applied, then a 503 (Temporal retries with the same key). unparsable: applied, then a 2xx that does not parse. down: a 503 before anything happens.
 * afterApply: applied (and its success stored for the key), then answered with this HTTP error, classified as the real activities do (`refusalOf`): a bare 400 (no ErrorCode) as a proxy may send, or a coded refusal Vipps sent although it applied the call.
 */
export type Fault = { refuse: { status: number; errorCode?: number } } | { afterApply: { status: number; errorCode?: number } } | 'lost' | 'unparsable' | 'down';

export interface Script {
  /** Faults for the next calls of each money operation, in order (one per call). */
  faults: Partial<Record<MoneyOperation, Fault[]>>;
  createFailure?: { status: number; errorCode?: number };
  receiptFailure?: { status: number };
  /** When set, authorized payments carry `captureGuaranteedUntil` = authorization time + this. */
  captureGuaranteeMs?: number;
  /** A payment authorized between the workflow's last look and its cancel (6060). */
  authorizeOnTransactionOnlyCancel?: boolean;
  /** getPayment and cancel answer 404 / 5090, as if Vipps had never seen the payment. */
  unknownToVipps?: boolean;
  /** Every read (getPayment, event log) fails while this is set. */
  readsDown?: boolean;
  /** Every cancel fails while this is set: a refusal, or an outage. */
  cancelsFail?: Fault;
  /** Calls wait here until the test releases them (see `hold`). */
  gates: Partial<Record<keyof OrderActivities, Promise<void>>>;
}

interface Stored {
  result: MoneyCallResult;
}

export class FakeVipps {
  readonly payments = new Map<string, FakePayment>();
  readonly calls: { name: keyof OrderActivities; reference: string; input: unknown }[] = [];
  private readonly scripts = new Map<string, Script>();
  /** Answers per Idempotency-Key, like Vipps: the same key gets the same answer. */
  private readonly byKey = new Map<string, Stored>();

  script(reference: string): Script {
    let s = this.scripts.get(reference);
    if (!s) this.scripts.set(reference, (s = { faults: {}, gates: {} }));
    return s;
  }

  /** Holds calls of `name` for this payment until the returned function is called. */
  hold(reference: string, name: keyof OrderActivities): () => void {
    let release!: () => void;
    this.script(reference).gates[name] = new Promise<void>((r) => (release = r));
    return () => {
      delete this.script(reference).gates[name];
      release();
    };
  }

  fault(reference: string, operation: MoneyOperation, ...faults: Fault[]): void {
    (this.script(reference).faults[operation] ??= []).push(...faults);
  }

  callsFor(reference: string, name?: keyof OrderActivities): { name: keyof OrderActivities; input: unknown }[] {
    return this.calls.filter((c) => c.reference === reference && (name === undefined || c.name === name));
  }

  count(reference: string, name: keyof OrderActivities): number {
    return this.callsFor(reference, name).length;
  }

  keys(reference: string, name: keyof OrderActivities): string[] {
    return this.callsFor(reference, name).map((c) => (c.input as { idempotencyKey: string }).idempotencyKey);
  }

  payment(reference: string): FakePayment {
    const p = this.payments.get(reference);
    if (!p) throw new Error(`no fake payment ${reference}`);
    return p;
  }

  /** Money events in the log, e.g. to count captures. */
  moneyEvents(reference: string, name: string): PaymentEventRecord[] {
    return this.payment(reference).events.filter((e) => e.name === name);
  }

  approve(reference: string): void {
    const p = this.payment(reference);
    if (p.state !== 'CREATED') throw new Error(`cannot approve a ${p.state} payment`);
    p.state = 'AUTHORIZED';
    p.aggregate.authorized = p.amount;
    p.events.push({ name: 'AUTHORIZED', success: true, idempotencyKey: null, amount: p.amount });
    const guarantee = this.script(reference).captureGuaranteeMs;
    if (guarantee !== undefined) p.captureGuaranteedUntil = new Date(Date.now() + guarantee).toISOString();
  }

  finish(reference: string, state: 'ABORTED' | 'EXPIRED'): void {
    const p = this.payment(reference);
    p.state = state;
    p.events.push({ name: state, success: true, idempotencyKey: null, amount: p.amount });
  }

  /** Money moved by someone else (e.g. in the business portal), with a key that is not ours. */
  externalCapture(reference: string, value: number): void {
    const p = this.payment(reference);
    p.aggregate.captured += value;
    p.events.push({ name: 'CAPTURED', success: true, idempotencyKey: `portal-${p.events.length}`, amount: value });
  }

  private snapshot(p: FakePayment): PaymentSnapshot {
    return { state: p.state, aggregate: { ...p.aggregate }, ...(p.captureGuaranteedUntil && { captureGuaranteedUntil: p.captureGuaranteedUntil }) };
  }

  private transient(operation: string): never {
    throw toActivityFailure(new VippsApiError({ kind: 'http', operation, status: 503, title: 'fake outage' }));
  }

  private unparsable(operation: string): never {
    throw toActivityFailure(new VippsApiError({ kind: 'invalid-response', operation, status: 200, title: 'Response does not match the API schema' }));
  }

  private async enter(reference: string, name: keyof OrderActivities, input: unknown): Promise<void> {
    this.calls.push({ name, reference, input });
    await this.script(reference).gates[name];
  }

  /**
   * One money call with Vipps' key semantics: a known key replays its stored answer; a new one
   * runs `apply` (which refuses by returning a refusal) and stores the answer. Faults act around it.
   */
  private money(reference: string, operation: MoneyOperation, key: string, apply: (p: FakePayment) => MoneyCallResult, fault?: Fault): MoneyCallResult {
    if (fault === 'down') this.transient(operation);
    if (fault && typeof fault === 'object' && 'refuse' in fault) return { outcome: 'refused', refusal: { message: 'fake refusal', ...fault.refuse } };
    const stored = this.byKey.get(key);
    const result = stored?.result ?? apply(this.payment(reference));
    if (!stored) this.byKey.set(key, { result });
    if (fault && typeof fault === 'object') {
      const err = new VippsApiError({ kind: 'http', operation, ...fault.afterApply, ...(fault.afterApply.errorCode === undefined && { title: 'Bad Request' }) });
      const refusal = refusalOf(err);
      if (refusal) return { outcome: 'refused', refusal };
      throw toActivityFailure(err);
    }
    if (fault === 'lost') this.transient(operation);
    if (fault === 'unparsable') this.unparsable(operation);
    return result;
  }

  private refuse(status: number, errorCode: number, message: string): MoneyCallResult {
    return { outcome: 'refused', refusal: { status, errorCode, message } };
  }

  readonly activities: OrderActivities = {
    createPayment: async (input) => {
      await this.enter(input.reference, 'createPayment', input);
      const createFailure = this.script(input.reference).createFailure;
      if (createFailure) return { outcome: 'refused', refusal: { message: 'fake refusal', ...createFailure } };
      if (!this.payments.has(input.reference)) {
        this.payments.set(input.reference, {
          state: 'CREATED',
          amount: input.amount.value,
          aggregate: { authorized: 0, captured: 0, cancelled: 0, refunded: 0 },
          receipts: 0,
          events: [{ name: 'CREATED', success: true, idempotencyKey: input.idempotencyKey, amount: input.amount.value }],
        });
      }
      return { outcome: 'done', redirectUrl: `https://landing.example/?token=${input.reference}` };
    },
    getPayment: async (reference) => {
      await this.enter(reference, 'getPayment', reference);
      if (this.script(reference).readsDown) this.transient('getPayment');
      if (this.script(reference).unknownToVipps || !this.payments.has(reference)) return { found: false };
      return { found: true, payment: this.snapshot(this.payment(reference)) };
    },
    getPaymentEvents: async (reference) => {
      await this.enter(reference, 'getPaymentEvents', reference);
      if (this.script(reference).readsDown) this.transient('getPaymentEventLog');
      const p = this.payment(reference);
      return { events: p.events.map((e) => ({ ...e })), payment: this.snapshot(p) };
    },
    capturePayment: async (input) => {
      await this.enter(input.reference, 'capturePayment', input);
      const fault = this.script(input.reference).faults.capturePayment?.shift();
      return this.money(input.reference, 'capturePayment', input.idempotencyKey, (p) => {
        if (p.state !== 'AUTHORIZED') return this.refuse(400, 6080, 'not authorized');
        if (input.amount.value <= 0) return this.refuse(400, 4040, 'invalid amount');
        if (p.aggregate.captured + p.aggregate.cancelled + input.amount.value > p.aggregate.authorized) return this.refuse(400, 6090, 'capture amount too high');
        p.aggregate.captured += input.amount.value;
        p.events.push({ name: 'CAPTURED', success: true, idempotencyKey: input.idempotencyKey, amount: input.amount.value });
        return { outcome: 'done', payment: this.snapshot(p) };
      }, fault);
    },
    cancelPayment: async (input) => {
      await this.enter(input.reference, 'cancelPayment', input);
      const script = this.script(input.reference);
      if (script.unknownToVipps) return this.refuse(404, 5090, 'not found');
      const fault = script.cancelsFail ?? script.faults.cancelPayment?.shift();
      const p = this.payment(input.reference);
      if (input.transactionOnly && script.authorizeOnTransactionOnlyCancel && p.state === 'CREATED') this.approve(input.reference);
      return this.money(input.reference, 'cancelPayment', input.idempotencyKey, (pay) => {
        if (input.transactionOnly && pay.state === 'AUTHORIZED') return this.refuse(400, 6060, 'authorized: cancelTransactionOnly does nothing');
        if (pay.state === 'CREATED') {
          pay.state = 'TERMINATED';
          pay.aggregate.cancelled = pay.amount;
          pay.events.push({ name: 'TERMINATED', success: true, idempotencyKey: input.idempotencyKey, amount: pay.amount });
        } else if (pay.state === 'AUTHORIZED') {
          const released = pay.aggregate.authorized - pay.aggregate.captured - pay.aggregate.cancelled;
          if (released <= 0) return this.refuse(400, 6040, 'nothing left to cancel');
          pay.aggregate.cancelled += released;
          pay.events.push({ name: 'CANCELLED', success: true, idempotencyKey: input.idempotencyKey, amount: released });
        } else {
          return this.refuse(400, 6050, `cannot cancel a ${pay.state} payment`);
        }
        return { outcome: 'done', payment: this.snapshot(pay) };
      }, fault);
    },
    refundPayment: async (input) => {
      await this.enter(input.reference, 'refundPayment', input);
      const fault = this.script(input.reference).faults.refundPayment?.shift();
      return this.money(input.reference, 'refundPayment', input.idempotencyKey, (p) => {
        if (p.aggregate.refunded + input.amount.value > p.aggregate.captured) return this.refuse(400, 6150, 'refund amount too high');
        p.aggregate.refunded += input.amount.value;
        p.events.push({ name: 'REFUNDED', success: true, idempotencyKey: input.idempotencyKey, amount: input.amount.value });
        return { outcome: 'done', payment: this.snapshot(p) };
      }, fault);
    },
    attachReceipt: async (input) => {
      await this.enter(input.reference, 'attachReceipt', input);
      const receiptFailure = this.script(input.reference).receiptFailure;
      if (receiptFailure) throw ApplicationFailure.nonRetryable('fake receipt refusal', 'VippsRejectedError', { status: receiptFailure.status });
      const p = this.payment(input.reference);
      p.receipts++;
      return { outcome: p.receipts > 1 ? ('already-attached' as const) : ('attached' as const) };
    },
    // The shop's event endpoint: the fake records what the order announced (calls() shows every attempt).
    deliverOrderEvent: async (input) => {
      await this.enter(input.event.orderId, 'deliverOrderEvent', input);
      return { status: 204 };
    },
  };
}
